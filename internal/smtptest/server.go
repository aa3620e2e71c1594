package smtptest

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// The credentials the server accepts (and URL carries).
const (
	User     = "remit"
	Password = "s3cret"
)

// Mode is how the server speaks TLS.
type Mode int

// The TLS modes: plain text (smtp://, no STARTTLS offered), STARTTLS
// offered (smtp://), implicit TLS (smtps://).
const (
	Plain Mode = iota
	StartTLS
	Implicit
)

// Server is a running SMTP server. Start closes it when the test ends.
type Server struct {
	t      testing.TB
	mode   Mode
	srv    *smtp.Server
	ln     net.Listener
	tlsCfg *tls.Config // the client side: trusts the server's certificate

	mu       sync.Mutex
	received []Received
	faults   []fault
	attempts int
}

// fault is what the next transaction meets.
type fault struct {
	code int  // 4xx or 5xx reply, or 0 with drop
	drop bool // hang up in the middle of DATA
}

// Start runs a plain-text server that requires the User and Password.
func Start(t testing.TB) *Server { return StartMode(t, Plain) }

// StartMode runs a server speaking TLS as mode says, with a certificate
// for 127.0.0.1 made for the test (see ClientTLS).
func StartMode(t testing.TB, mode Mode) *Server {
	t.Helper()
	s := &Server{t: t, mode: mode}
	srv := smtp.NewServer(s)
	srv.Domain = "localhost"
	srv.ErrorLog = log.New(io.Discard, "", 0) // failures reach the test through the client
	srv.AllowInsecureAuth = true              // plain mode tests credentials too; go-mail only sends them to localhost
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.MaxMessageBytes = 25 << 20
	var err error
	if mode != Plain {
		serverCfg, clientCfg, certErr := selfSigned()
		if certErr != nil {
			t.Fatal(certErr)
		}
		srv.TLSConfig, s.tlsCfg = serverCfg, clientCfg
	}
	if mode == Implicit {
		s.ln, err = tls.Listen("tcp", "127.0.0.1:0", srv.TLSConfig)
	} else {
		s.ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		t.Fatal(err)
	}
	s.srv = srv
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(s.ln); err != nil && !errors.Is(err, smtp.ErrServerClosed) && !errors.Is(err, net.ErrClosed) {
			t.Errorf("smtptest: serve: %v", err)
		}
	}()
	t.Cleanup(func() {
		_ = srv.Close()
		_ = s.ln.Close() // Close misses a listener Serve has not registered yet
		<-done
	})
	return s
}

// URL is the server's REMIT_SMTP_URL, with credentials.
func (s *Server) URL() *url.URL {
	scheme := "smtp"
	if s.mode == Implicit {
		scheme = "smtps"
	}
	return &url.URL{Scheme: scheme, User: url.UserPassword(User, Password), Host: s.ln.Addr().String()}
}

// ClientTLS is a client TLS configuration that trusts this server (nil in
// plain mode).
func (s *Server) ClientTLS() *tls.Config {
	if s.tlsCfg == nil {
		return nil
	}
	return s.tlsCfg.Clone()
}

// Messages are the messages accepted so far, in order.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.received...)
}

// Attempts counts transactions that reached DATA, accepted or not.
func (s *Server) Attempts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.attempts
}

// FailNext makes the next n transactions fail with the SMTP reply code:
// 5xx at RCPT (the recipient is rejected), 4xx at the end of DATA (the
// server is busy, try later).
func (s *Server) FailNext(n, code int) {
	if code < 400 || code > 599 {
		panic(fmt.Sprintf("smtptest: %d is not a failure code", code))
	}
	s.addFaults(n, fault{code: code})
}

// DropNext makes the server hang up in the middle of the next n DATA
// transfers, so the client never gets a reply.
func (s *Server) DropNext(n int) { s.addFaults(n, fault{drop: true}) }

func (s *Server) addFaults(n int, f fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults = append(s.faults, f)
	}
}

// NewSession implements smtp.Backend.
func (s *Server) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &session{srv: s, conn: c}, nil
}

// peekFault returns the fault waiting for the next transaction, if any.
func (s *Server) peekFault() (fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.faults) == 0 {
		return fault{}, false
	}
	return s.faults[0], true
}

func (s *Server) popFault() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.faults) > 0 {
		s.faults = s.faults[1:]
	}
}

type session struct {
	srv    *Server
	conn   *smtp.Conn
	authed bool
	from   string
	to     []string
}

func (ss *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (ss *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != User || pass != Password {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "bad credentials"}
		}
		ss.authed = true
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if !ss.authed {
		return smtp.ErrAuthRequired
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if f, ok := ss.srv.peekFault(); ok && f.code >= 500 {
		ss.srv.popFault()
		return &smtp.SMTPError{Code: f.code, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "recipient rejected: " + to}
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.srv.mu.Lock()
	ss.srv.attempts++
	ss.srv.mu.Unlock()
	if f, ok := ss.srv.peekFault(); ok {
		ss.srv.popFault()
		if f.drop {
			_ = ss.conn.Conn().Close()
			return errors.New("smtptest: connection dropped")
		}
		return &smtp.SMTPError{Code: f.code, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	msg, err := parse(ss.from, ss.to, raw)
	if err != nil {
		ss.srv.t.Errorf("smtptest: unreadable message: %v", err)
		return &smtp.SMTPError{Code: 554, Message: "unreadable message"}
	}
	ss.srv.mu.Lock()
	ss.srv.received = append(ss.srv.received, msg)
	ss.srv.mu.Unlock()
	return nil
}

func (ss *session) Reset() { ss.from, ss.to = "", nil }

func (ss *session) Logout() error { return nil }

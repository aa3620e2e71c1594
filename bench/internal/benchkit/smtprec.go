package benchkit

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/mail"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
)

// MailRecorder is a loopback SMTP server that keeps the headers of every
// message it accepts, so load scripts count e-mails from what the
// server received rather than from Remit's tables. LostReply makes a
// share of transactions lose their reply after the message was stored,
// which is what makes SMTP at-least-once: the sender cannot know.
type MailRecorder struct {
	ln  net.Listener
	srv *smtp.Server

	mu        sync.Mutex
	received  []Mail
	lostReply float64
	rng       *rand.Rand
	lost      int
}

// Mail is one accepted message.
type Mail struct {
	MessageID string
	Covers    []string // the X-Remit-Covers header: the follow-ups one message carries for a customer
	To, Cc    []string
	Subject   string
	At        time.Time
}

// StartMailRecorder listens on a loopback port; it accepts any sender,
// with or without AUTH, over plain text.
func StartMailRecorder(lostReply float64, seed uint64) (*MailRecorder, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	m := &MailRecorder{ln: ln, lostReply: lostReply, rng: rand.New(rand.NewPCG(seed, 11))}
	m.srv = smtp.NewServer(m)
	m.srv.Domain = "localhost"
	m.srv.AllowInsecureAuth = true
	m.srv.ReadTimeout, m.srv.WriteTimeout = 30*time.Second, 30*time.Second
	m.srv.MaxMessageBytes = 25 << 20
	go func() { _ = m.srv.Serve(ln) }()
	return m, nil
}

// URL is the recorder's REMIT_SMTP_URL.
func (m *MailRecorder) URL() string { return "smtp://" + m.ln.Addr().String() }

// Close stops the server.
func (m *MailRecorder) Close() { _ = m.srv.Close() }

// Messages are the accepted messages, in order.
func (m *MailRecorder) Messages() []Mail {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Mail(nil), m.received...)
}

// LostReplies counts messages stored whose reply was withheld.
func (m *MailRecorder) LostReplies() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.lost
}

// NewSession implements smtp.Backend.
func (m *MailRecorder) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &recSession{m: m, conn: c}, nil
}

type recSession struct {
	m    *MailRecorder
	conn *smtp.Conn
}

func (s *recSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *recSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *recSession) Reset()                               {}
func (s *recSession) Logout() error                        { return nil }

func (s *recSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	msg, err := mail.ReadMessage(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil {
		return &smtp.SMTPError{Code: 554, Message: "unreadable message"}
	}
	addrs := func(h string) []string {
		list, _ := msg.Header.AddressList(h)
		out := make([]string, len(list))
		for i, a := range list {
			out[i] = a.Address
		}
		return out
	}
	rec := Mail{MessageID: msg.Header.Get("Message-Id"), Covers: strings.Fields(msg.Header.Get("X-Remit-Covers")), To: addrs("To"), Cc: addrs("Cc"), Subject: msg.Header.Get("Subject"), At: time.Now()}
	m := s.m
	m.mu.Lock()
	m.received = append(m.received, rec)
	lose := m.lostReply > 0 && m.rng.Float64() < m.lostReply
	if lose {
		m.lost++
	}
	m.mu.Unlock()
	if lose {
		_ = s.conn.Conn().Close() // stored, but the sender never hears so
		return errors.New("reply lost")
	}
	return nil
}

package mail

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	netmail "net/mail"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Config is how to reach the SMTP server. URL is REMIT_SMTP_URL:
// smtp://user:pass@host:port uses STARTTLS when the server offers it
// (port 587 by default), smtps:// is TLS from the first byte (port 465
// by default). Credentials are only ever sent over TLS or to localhost.
type Config struct {
	URL     *url.URL
	From    string        // REMIT_MAIL_FROM
	Timeout time.Duration // per connection; default 30 s
	TLS     *tls.Config   // nil = system roots and the URL's host name
}

// Sender sends e-mail. It holds no connection: each Send dials, sends one
// message and hangs up, so a failed or lost connection never leaks into
// the next message.
type Sender struct {
	cfg    Config
	host   string
	port   int
	logger *slog.Logger
}

// New checks cfg and builds a Sender.
func New(cfg Config, logger *slog.Logger) (*Sender, error) {
	if cfg.URL == nil {
		return nil, errors.New("mail: no SMTP URL")
	}
	if cfg.URL.Scheme != "smtp" && cfg.URL.Scheme != "smtps" {
		return nil, fmt.Errorf("mail: SMTP URL scheme must be smtp or smtps, not %q", cfg.URL.Scheme)
	}
	if cfg.From == "" {
		return nil, errors.New("mail: no sender address (REMIT_MAIL_FROM)")
	}
	if err := gomail.NewMsg().From(cfg.From); err != nil {
		return nil, fmt.Errorf("mail: sender address %q: %w", cfg.From, err)
	}
	host := cfg.URL.Hostname()
	if host == "" {
		return nil, errors.New("mail: SMTP URL has no host")
	}
	port := 587
	if cfg.URL.Scheme == "smtps" {
		port = 465
	}
	if p := cfg.URL.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n <= 0 || n > 65535 {
			return nil, fmt.Errorf("mail: SMTP URL port %q", p)
		}
		port = n
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	return &Sender{cfg: cfg, host: host, port: port, logger: logger}, nil
}

// Attachment is a file sent with a message, such as the invoice PDF.
type Attachment struct {
	Name        string
	ContentType string
	Data        []byte
}

// Message is one e-mail. ID becomes the Message-ID (and the
// X-Remit-Idempotency-Key header): the follow-up job derives it from the
// invoice, installment and step, so that a resend after a lost reply
// carries the same identity and mail clients can fold the duplicate.
type Message struct {
	// FromName is shown as the sender's name beside the configured From
	// address (the seller's name), marked " via Remit" (ViaRemit) so no
	// tenant can pass its words off as the operator's or anyone else's;
	// ReplyTo is where answers go (the seller's own address). The From
	// address stays Remit's, which the mail server is allowed to send as.
	FromName    string
	ReplyTo     string
	To          []string
	CC          []string
	Subject     string
	Text        string
	HTML        string
	Attachments []Attachment
	ID          string
	// Covers are the identities of the messages this one stands for when
	// it carries several (a customer's follow-ups of one run in one
	// e-mail: each the ID it would have had alone), in the CoversHeader.
	Covers []string
}

// CoversHeader lists Message.Covers, separated by spaces.
const CoversHeader = "X-Remit-Covers"

// ViaRemit marks a tenant-chosen sender name as sent through Remit.
func ViaRemit(name string) string { return strings.TrimSpace(name) + " via Remit" }

// IdempotencyHeader carries Message.ID verbatim.
const IdempotencyHeader = "X-Remit-Idempotency-Key"

// Send delivers m. A failure is an *Error saying whether to retry.
func (s *Sender) Send(ctx context.Context, m Message) error {
	msg, err := s.build(m)
	if err != nil {
		return &Error{Err: err}
	}
	opts := []gomail.Option{gomail.WithPort(s.port), gomail.WithTimeout(s.cfg.Timeout)}
	if s.cfg.URL.Scheme == "smtps" {
		opts = append(opts, gomail.WithSSL())
	} else {
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	tlsConfig := s.cfg.TLS
	if tlsConfig == nil {
		tlsConfig = &tls.Config{ServerName: s.host, MinVersion: tls.VersionTLS12}
	}
	opts = append(opts, gomail.WithTLSConfig(tlsConfig))
	if u := s.cfg.URL.User; u != nil && u.Username() != "" {
		pass, _ := u.Password()
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain), gomail.WithUsername(u.Username()), gomail.WithPassword(pass))
	}
	client, err := gomail.NewClient(s.host, opts...)
	if err != nil {
		return &Error{Err: err}
	}
	start := time.Now()
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		e := classify(ctx, err)
		s.logger.WarnContext(ctx, "mail send failed", slog.String("message_id", m.ID), slog.Int("to", len(m.To)),
			slog.Bool("temporary", e.Temporary), slog.Int("smtp_code", e.Code), slog.Any("error", err))
		return e
	}
	s.logger.InfoContext(ctx, "mail sent", slog.String("message_id", m.ID), slog.Int("to", len(m.To)),
		slog.Int("cc", len(m.CC)), slog.Duration("duration", time.Since(start)))
	return nil
}

func (s *Sender) build(m Message) (*gomail.Msg, error) {
	if len(m.To) == 0 {
		return nil, errors.New("no recipient")
	}
	if m.Text == "" && m.HTML == "" {
		return nil, errors.New("no body")
	}
	msg := gomail.NewMsg()
	if err := msg.From(s.cfg.From); err != nil {
		return nil, err
	}
	if m.FromName != "" {
		from, err := netmail.ParseAddress(s.cfg.From)
		if err != nil {
			return nil, err
		}
		if err := msg.FromFormat(ViaRemit(m.FromName), from.Address); err != nil {
			return nil, err
		}
	}
	if m.ReplyTo != "" {
		if err := msg.ReplyTo(m.ReplyTo); err != nil {
			return nil, err
		}
	}
	if err := msg.To(m.To...); err != nil {
		return nil, err
	}
	if len(m.CC) > 0 {
		if err := msg.Cc(m.CC...); err != nil {
			return nil, err
		}
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	if m.ID != "" {
		if strings.ContainsAny(m.ID, "<>\r\n \t") {
			return nil, fmt.Errorf("message id %q has characters a Message-ID cannot hold", m.ID)
		}
		msg.SetMessageIDWithValue(m.ID)
		msg.SetGenHeader(IdempotencyHeader, m.ID)
	} else {
		msg.SetMessageID()
	}
	if len(m.Covers) > 0 {
		for _, id := range m.Covers {
			if strings.ContainsAny(id, "<>\r\n \t") {
				return nil, fmt.Errorf("covered message id %q has characters a Message-ID cannot hold", id)
			}
		}
		msg.SetGenHeader(CoversHeader, strings.Join(m.Covers, " "))
	}
	switch {
	case m.Text != "" && m.HTML != "":
		msg.SetBodyString(gomail.TypeTextPlain, m.Text)
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	case m.Text != "":
		msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	default:
		msg.SetBodyString(gomail.TypeTextHTML, m.HTML)
	}
	for _, a := range m.Attachments {
		ct := a.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		msg.AttachReadSeeker(a.Name, bytes.NewReader(a.Data), gomail.WithFileContentType(gomail.ContentType(ct)))
	}
	return msg, nil
}

// classify turns a go-mail failure into an *Error: the SMTP reply code
// decides where there is one; without one (refused or dropped
// connection, timeout, TLS handshake) the failure is temporary.
func classify(ctx context.Context, err error) *Error {
	code := 0
	var se *gomail.SendError
	var pe *textproto.Error
	switch {
	case errors.As(err, &se):
		code = se.ErrorCode()
	case errors.As(err, &pe):
		code = pe.Code
	}
	var ne net.Error
	temporary := code == 0 || (code >= 400 && code < 500) || errors.As(err, &ne) || ctx.Err() != nil
	if code >= 500 {
		temporary = false
	}
	return &Error{Temporary: temporary, Code: code, Err: err}
}

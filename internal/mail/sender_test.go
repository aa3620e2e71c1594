package mail_test

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"testing"

	"github.com/remitapp/remit/internal/mail"
	"github.com/remitapp/remit/internal/smtptest"
)

func sender(t *testing.T, srv *smtptest.Server) *mail.Sender {
	t.Helper()
	s, err := mail.New(mail.Config{URL: srv.URL(), From: "Remit Billing <billing@example.com>", TLS: srv.ClientTLS()},
		slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// pdf is a small but real PDF, binary bytes included.
var pdf = []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

func message() mail.Message {
	return mail.Message{
		To:      []string{"ap@acme.example"},
		CC:      []string{"cfo@acme.example", "ceo@acme.example"},
		Subject: "Rechnung INV-2026-0042 überfällig — 1268.49 EUR",
		Text:    "Hello Acme & Sons,\n\nplease pay <now>.\n" + strings.Repeat("A long line that must survive quoted-printable wrapping intact. ", 4),
		HTML:    "<p>Hello Acme &amp; Sons,</p><p>please pay &lt;now&gt;.</p>",
		Attachments: []mail.Attachment{
			{Name: "INV-2026-0042.pdf", ContentType: "application/pdf", Data: pdf},
		},
		ID:     "followup.42.0.escalate-14@remit",
		Covers: []string{"followup.42.0.escalate-14.email@remit", "followup.43.0.overdue-7.email@remit"},
	}
}

// TestSendRoundTrip sends text, HTML and a PDF through a real SMTP server
// in each TLS mode and reads the message back as a mail client would.
func TestSendRoundTrip(t *testing.T) {
	for name, mode := range map[string]smtptest.Mode{"plain": smtptest.Plain, "starttls": smtptest.StartTLS, "smtps": smtptest.Implicit} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := smtptest.StartMode(t, mode)
			want := message()
			if err := sender(t, srv).Send(context.Background(), want); err != nil {
				t.Fatal(err)
			}
			got := srv.Messages()
			if len(got) != 1 {
				t.Fatalf("%d messages", len(got))
			}
			m := got[0]
			if m.From != "billing@example.com" || strings.Join(m.To, ",") != "ap@acme.example,cfo@acme.example,ceo@acme.example" {
				t.Errorf("envelope from %q to %v", m.From, m.To)
			}
			if strings.Join(m.HeaderTo, ",") != "ap@acme.example" || strings.Join(m.CC, ",") != "cfo@acme.example,ceo@acme.example" {
				t.Errorf("headers to %v cc %v", m.HeaderTo, m.CC)
			}
			if m.Subject != want.Subject {
				t.Errorf("subject %q", m.Subject)
			}
			if strings.ReplaceAll(m.Text, "\r\n", "\n") != want.Text || m.HTML != want.HTML {
				t.Errorf("text %q\nhtml %q", m.Text, m.HTML)
			}
			if len(m.Attachments) != 1 || m.Attachments[0].Name != "INV-2026-0042.pdf" || m.Attachments[0].ContentType != "application/pdf" || !bytes.Equal(m.Attachments[0].Data, pdf) {
				t.Errorf("attachments %+v", m.Attachments)
			}
			if m.MessageID != "<"+want.ID+">" || m.Header.Get(mail.IdempotencyHeader) != want.ID {
				t.Errorf("message id %q, idempotency key %q", m.MessageID, m.Header.Get(mail.IdempotencyHeader))
			}
			if got := m.Header.Get(mail.CoversHeader); got != strings.Join(want.Covers, " ") {
				t.Errorf("covers %q, want %q", got, want.Covers)
			}
		})
	}
}

// TestSendAsTheSeller: the seller's name shows beside Remit's sender
// address, envelope and address unchanged, and answers go to the seller.
func TestSendAsTheSeller(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t)
	m := message()
	m.FromName, m.ReplyTo = "Müller & Söhne GmbH", "accounts@mueller.example"
	if err := sender(t, srv).Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := srv.Messages()[0]
	from, err := got.Header.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != "Müller & Söhne GmbH via Remit" || from[0].Address != "billing@example.com" || got.From != "billing@example.com" {
		t.Fatalf("From %v (%v), envelope %q", from, err, got.From)
	}
	reply, err := got.Header.AddressList("Reply-To")
	if err != nil || len(reply) != 1 || reply[0].Address != "accounts@mueller.example" {
		t.Fatalf("Reply-To %v (%v)", reply, err)
	}
	// Without them, the configured From stands as it is.
	plain := message()
	if err := sender(t, srv).Send(context.Background(), plain); err != nil {
		t.Fatal(err)
	}
	got = srv.Messages()[1]
	if from, _ := got.Header.AddressList("From"); len(from) != 1 || from[0].Name != "Remit Billing" || got.Header.Get("Reply-To") != "" {
		t.Fatalf("From %v, Reply-To %q", from, got.Header.Get("Reply-To"))
	}
}

// TestSendFailures checks how failures are classified: 4xx and lost
// connections are worth a retry, 5xx are not.
func TestSendFailures(t *testing.T) {
	cases := []struct {
		name      string
		fault     func(*smtptest.Server)
		temporary bool
		code      int
	}{
		{"421 service not available", func(s *smtptest.Server) { s.FailNext(1, 421) }, true, 421},
		{"451 local error", func(s *smtptest.Server) { s.FailNext(1, 451) }, true, 451},
		{"550 recipient rejected", func(s *smtptest.Server) { s.FailNext(1, 550) }, false, 550},
		{"connection dropped in DATA", func(s *smtptest.Server) { s.DropNext(1) }, true, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			srv := smtptest.Start(t)
			s := sender(t, srv)
			c.fault(srv)
			err := s.Send(context.Background(), message())
			var me *mail.Error
			if !asMailError(err, &me) {
				t.Fatalf("got %v, want a *mail.Error", err)
			}
			if me.Temporary != c.temporary || mail.Temporary(err) != c.temporary || me.Code != c.code {
				t.Errorf("temporary=%v code=%d, want %v %d (%v)", me.Temporary, me.Code, c.temporary, c.code, err)
			}
			if len(srv.Messages()) != 0 {
				t.Error("a failed message was accepted")
			}
			if err := s.Send(context.Background(), message()); err != nil {
				t.Fatalf("the next send: %v", err)
			}
			if len(srv.Messages()) != 1 {
				t.Errorf("%d messages after the retry", len(srv.Messages()))
			}
		})
	}
}

func TestSendUnreachableIsTemporary(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	s, err := mail.New(mail.Config{URL: &url.URL{Scheme: "smtp", Host: addr}, From: "billing@example.com"}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(context.Background(), message()); !mail.Temporary(err) {
		t.Errorf("refused connection: %v, want temporary", err)
	}
}

func TestSendBadCredentialsIsPermanent(t *testing.T) {
	srv := smtptest.Start(t)
	u := srv.URL()
	u.User = url.UserPassword(smtptest.User, "wrong")
	s, err := mail.New(mail.Config{URL: u, From: "billing@example.com"}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	err = s.Send(context.Background(), message())
	if err == nil || mail.Temporary(err) {
		t.Errorf("bad credentials: %v, want permanent", err)
	}
}

func TestSendRefusesBadMessages(t *testing.T) {
	srv := smtptest.Start(t)
	s := sender(t, srv)
	cases := map[string]func(*mail.Message){
		"no recipient":  func(m *mail.Message) { m.To = nil },
		"bad recipient": func(m *mail.Message) { m.To = []string{"not an address"} },
		"bad cc":        func(m *mail.Message) { m.CC = []string{"@"} },
		"no body":       func(m *mail.Message) { m.Text, m.HTML = "", "" },
		"bad id":        func(m *mail.Message) { m.ID = "a>b" },
	}
	for name, change := range cases {
		m := message()
		change(&m)
		err := s.Send(context.Background(), m)
		if err == nil || mail.Temporary(err) {
			t.Errorf("%s: %v, want a permanent error", name, err)
		}
	}
	if srv.Attempts() != 0 {
		t.Errorf("%d messages reached the server", srv.Attempts())
	}
}

func TestNew(t *testing.T) {
	parse := func(s string) *url.URL { u, _ := url.Parse(s); return u }
	cases := []struct {
		url, from string
		ok        bool
	}{
		{"smtp://u:p@mail.example.com:587", "billing@example.com", true},
		{"smtps://mail.example.com", "Billing <billing@example.com>", true},
		{"http://mail.example.com", "billing@example.com", false},
		{"smtp://mail.example.com:99999", "billing@example.com", false},
		{"smtp://mail.example.com", "", false},
		{"smtp://mail.example.com", "not an address", false},
		{"smtp://:25", "billing@example.com", false},
	}
	for _, c := range cases {
		_, err := mail.New(mail.Config{URL: parse(c.url), From: c.from}, slog.New(slog.DiscardHandler))
		if (err == nil) != c.ok {
			t.Errorf("New(%s, %q) = %v, want ok=%v", c.url, c.from, err, c.ok)
		}
	}
	if _, err := mail.New(mail.Config{From: "a@b.example"}, slog.New(slog.DiscardHandler)); err == nil {
		t.Error("nil URL accepted")
	}
}

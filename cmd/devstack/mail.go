package main

import (
	"bytes"
	"encoding/base64"
	"errors"
	"html/template"
	"io"
	"log"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/mail"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
)

// mailbox is the demo's mail server: it takes every message Remit sends
// (delivering none of them anywhere) and shows them on a page, so the
// follow-up e-mails of `make run` can be read.
type mailbox struct {
	ln  net.Listener
	srv *smtp.Server

	mu   sync.Mutex
	msgs []demoMail
}

// demoMail is one message as the page shows it.
type demoMail struct {
	At                    time.Time
	From, To, Cc, Subject string
	Text                  string
	Attachments           []string
}

// startMailbox listens on a free loopback port; its URL is Remit's
// REMIT_SMTP_URL.
func startMailbox() (*mailbox, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	m := &mailbox{ln: ln}
	m.srv = smtp.NewServer(m)
	m.srv.Domain = "localhost"
	m.srv.ErrorLog = log.New(io.Discard, "", 0)
	m.srv.ReadTimeout, m.srv.WriteTimeout = 30*time.Second, 30*time.Second
	m.srv.MaxMessageBytes = 25 << 20
	go func() { _ = m.srv.Serve(ln) }()
	return m, nil
}

func (m *mailbox) URL() string { return "smtp://" + m.ln.Addr().String() }

func (m *mailbox) Close() { _ = m.srv.Close() }

// NewSession is go-smtp's Backend: one session per connection.
func (m *mailbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &mailSession{m: m}, nil }

type mailSession struct{ m *mailbox }

func (s *mailSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *mailSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *mailSession) Reset()                               {}
func (s *mailSession) Logout() error                        { return nil }

func (s *mailSession) Data(r io.Reader) error {
	msg, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	dec := new(mime.WordDecoder)
	header := func(k string) string {
		v := msg.Header.Get(k)
		if d, err := dec.DecodeHeader(v); err == nil {
			return d
		}
		return v
	}
	d := demoMail{At: time.Now(), From: header("From"), To: header("To"), Cc: header("Cc"), Subject: header("Subject")}
	if err := readBody(&d, msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), "", msg.Body); err != nil {
		return err
	}
	s.m.mu.Lock()
	s.m.msgs = append(s.m.msgs, d)
	s.m.mu.Unlock()
	return nil
}

// readBody keeps the first text/plain part as the text and the names of
// attachments, walking nested multiparts.
func readBody(d *demoMail, contentType, encoding, disposition string, body io.Reader) error {
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		mediaType = "text/plain"
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			if err := readBody(d, p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p.Header.Get("Content-Disposition"), p); err != nil {
				return err
			}
		}
	}
	if _, dp, err := mime.ParseMediaType(disposition); err == nil && dp["filename"] != "" {
		d.Attachments = append(d.Attachments, dp["filename"]+" ("+mediaType+")")
		return nil
	}
	if mediaType != "text/plain" || d.Text != "" {
		return nil
	}
	raw, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	if strings.EqualFold(encoding, "base64") {
		if dec, err := base64.StdEncoding.DecodeString(string(bytes.Join(bytes.Fields(raw), nil))); err == nil {
			raw = dec
		}
	}
	d.Text = string(raw)
	return nil
}

var mailboxPage = template.Must(template.New("mail").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Remit demo: e-mails sent</title>
<style>body{font:14px/20px -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,sans-serif;color:#172B4D;margin:24px;max-width:860px}
article{border:1px solid #DCDFE4;border-radius:3px;padding:12px 16px;margin:0 0 16px}h2{font-size:16px;margin:0 0 4px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:0 0 8px;color:#44546F}dd{margin:0}
pre{white-space:pre-wrap;background:#F7F8F9;padding:8px;margin:0}</style></head>
<body><h1>E-mails Remit sent</h1>
<p>The demo's mail server keeps every message and delivers none. Newest first; reload for new ones.</p>
{{range .}}<article><h2>{{.Subject}}</h2><dl><dt>At</dt><dd>{{.At.Format "2006-01-02 15:04:05"}}</dd><dt>From</dt><dd>{{.From}}</dd>
<dt>To</dt><dd>{{.To}}</dd>{{with .Cc}}<dt>Cc</dt><dd>{{.}}</dd>{{end}}
{{with .Attachments}}<dt>Attached</dt><dd>{{range $i, $a := .}}{{if $i}}, {{end}}{{$a}}{{end}}</dd>{{end}}</dl><pre>{{.Text}}</pre></article>
{{else}}<p>None yet.</p>{{end}}
</body></html>
`))

// ServeHTTP shows the messages, newest first.
func (m *mailbox) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	m.mu.Lock()
	msgs := make([]demoMail, len(m.msgs))
	for i, d := range m.msgs {
		msgs[len(m.msgs)-1-i] = d
	}
	m.mu.Unlock()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	_ = mailboxPage.Execute(w, msgs)
}

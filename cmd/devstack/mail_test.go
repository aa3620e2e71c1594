package main

import (
	"net/http/httptest"
	"net/smtp"
	"strings"
	"testing"
)

// TestMailboxShowsWhatRemitSends sends the kind of message Remit does
// (text and HTML alternatives, a PDF attached, an encoded subject) and
// reads it back from the page, escaped.
func TestMailboxShowsWhatRemitSends(t *testing.T) {
	mb, err := startMailbox()
	if err != nil {
		t.Fatal(err)
	}
	defer mb.Close()
	msg := strings.ReplaceAll(`From: billing@engines.example
To: ap@acme.example
Cc: cfo@acme.example
Subject: =?UTF-8?q?Invoice_INV-2026-0001_=E2=80=94_overdue?=
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary=outer

--outer
Content-Type: multipart/alternative; boundary=inner

--inner
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

Balance $9,570.11 <script>alert(1)</script>=0AThank you.
--inner
Content-Type: text/html; charset=utf-8

<p>Balance</p>
--inner--
--outer
Content-Type: application/pdf
Content-Disposition: attachment; filename="INV-2026-0001.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQK
--outer--
`, "\n", "\r\n")
	addr := strings.TrimPrefix(mb.URL(), "smtp://")
	if err := smtp.SendMail(addr, nil, "billing@engines.example", []string{"ap@acme.example", "cfo@acme.example"}, []byte(msg)); err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	mb.ServeHTTP(rec, httptest.NewRequest("GET", "/_mail", nil))
	page := rec.Body.String()
	for _, want := range []string{
		"Invoice INV-2026-0001 — overdue", "ap@acme.example", "cfo@acme.example",
		"Balance $9,570.11 &lt;script&gt;alert(1)&lt;/script&gt;\nThank you.", "INV-2026-0001.pdf (application/pdf)",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q:\n%s", want, page)
		}
	}
	if strings.Contains(page, "<script>") || strings.Contains(page, "<p>Balance</p>") {
		t.Errorf("page shows raw markup:\n%s", page)
	}
}

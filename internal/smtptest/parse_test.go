package smtptest

import (
	"strings"
	"testing"
)

// TestParse reads a message written by hand the way other mailers write
// them: encoded subject, quoted-printable text, base64 attachment without
// a Content-Disposition.
func TestParse(t *testing.T) {
	raw := strings.ReplaceAll(`From: a@example.com
To: "Accounts" <ap@acme.example>
Cc: cfo@acme.example, ceo@acme.example
Subject: =?UTF-8?q?Rechnung_=C3=BCberf=C3=A4llig?=
Message-ID: <x.1@remit>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: multipart/alternative; boundary="inner"

--inner
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

Hello Acme =26 Sons, a long line that was soft-=
wrapped.
--inner
Content-Type: text/html; charset=utf-8

<p>Hello</p>
--inner--
--outer
Content-Type: application/pdf; name="inv.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQK
--outer--
`, "\n", "\r\n")
	m, err := parse("a@example.com", []string{"ap@acme.example"}, []byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "Rechnung überfällig" || m.MessageID != "<x.1@remit>" || strings.Join(m.CC, " ") != "cfo@acme.example ceo@acme.example" || m.HeaderTo[0] != "ap@acme.example" {
		t.Errorf("headers: %+v", m)
	}
	if m.Text != "Hello Acme & Sons, a long line that was soft-wrapped." || m.HTML != "<p>Hello</p>" {
		t.Errorf("text %q html %q", m.Text, m.HTML)
	}
	if len(m.Attachments) != 1 || m.Attachments[0].Name != "inv.pdf" || string(m.Attachments[0].Data) != "%PDF-1.4\n" {
		t.Errorf("attachments %+v", m.Attachments)
	}
}

func TestFailNextRefusesNonFailures(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("FailNext(1, 250) did not panic")
		}
	}()
	(&Server{}).FailNext(1, 250)
}

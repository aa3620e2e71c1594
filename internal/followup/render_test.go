package followup

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/remitapp/remit/internal/golden"
	"github.com/remitapp/remit/internal/invoice"
)

// TestEscaping renders every default step for a customer whose name is
// markup: literal in the text part and in the comment's text nodes,
// escaped in the HTML part.
func TestEscaping(t *testing.T) {
	d := SampleData()
	d.Customer = `<script>alert("x")</script> & Sons`
	for _, s := range DefaultPolicy().Steps {
		if s.Has(ActionEmail) {
			e, err := RenderEmail(s, d)
			if err != nil {
				t.Fatalf("%s: %v", s.Key, err)
			}
			if !strings.Contains(e.Text, d.Customer) {
				t.Errorf("%s: text lost the literal name:\n%s", s.Key, e.Text)
			}
			if strings.Contains(e.HTML, "<script>") || !strings.Contains(e.HTML, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Sons") {
				t.Errorf("%s: HTML not escaped:\n%s", s.Key, e.HTML)
			}
		}
		if s.Has(ActionComment) {
			c, err := RenderComment(s, d)
			if err != nil {
				t.Fatalf("%s: %v", s.Key, err)
			}
			if !strings.Contains(fmt.Sprint(c), d.Customer) {
				t.Errorf("%s: comment does not carry the name as text: %q", s.Key, c)
			}
		}
	}
}

// TestTextAsHTMLEscapesLiterals checks that a custom plain text body is
// plain text in HTML too: its own "<" and "&" are escaped, and its
// paragraphs and line breaks survive.
func TestTextAsHTMLEscapesLiterals(t *testing.T) {
	s := Step{Key: "x", Actions: []Action{{Kind: ActionEmail}}, Subject: "S", Text: "Terms & <b>conditions</b> for {{.Customer}}\nline two\n\n\n\nnext {{if .PayLink}}paragraph{{end}}"}
	e, err := RenderEmail(s, Data{Customer: "A&B"})
	if err != nil {
		t.Fatal(err)
	}
	if e.Text != "Terms & <b>conditions</b> for A&B\nline two\n\nnext" {
		t.Errorf("text = %q", e.Text)
	}
	if !strings.Contains(e.HTML, "<p>Terms &amp; &lt;b&gt;conditions&lt;/b&gt; for A&amp;B<br>\nline two</p>\n<p>next</p>") {
		t.Errorf("html = %s", e.HTML)
	}
}

func TestSubjectIsOneLine(t *testing.T) {
	s := Step{Key: "x", Actions: []Action{{Kind: ActionEmail}}, Subject: "Invoice\r\n{{.Number}}\nBcc: evil@example.com", Text: "t"}
	e, err := RenderEmail(s, SampleData())
	if err != nil {
		t.Fatal(err)
	}
	if e.Subject != "Invoice INV-2026-0042 Bcc: evil@example.com" {
		t.Errorf("subject = %q", e.Subject)
	}
}

// TestCommentParagraphs checks how rendered text becomes a comment's
// paragraphs: blocks between blank lines, lines kept, blank space gone.
// (The default comments as Jira receives them are pinned in package
// jira's golden files.)
func TestCommentParagraphs(t *testing.T) {
	s := Step{Key: "x", Comment: "first line\nsecond line\n\n\n  \nsecond {{.Number}}\n"}
	c, err := RenderComment(s, SampleData())
	if err != nil {
		t.Fatal(err)
	}
	want := Comment{{"first line", "second line"}, {"second INV-2026-0042"}}
	if fmt.Sprintf("%q", c) != fmt.Sprintf("%q", want) {
		t.Errorf("got %q, want %q", c, want)
	}
	if _, err := RenderComment(Step{Key: "y", Comment: "{{if .PayLink}}{{end}}\n  \n"}, Data{}); err == nil {
		t.Error("an empty comment rendered")
	}
}

// TestDefaultEmails pins the default e-mails, text and HTML, for a sample
// invoice; read testdata/emails/*.txt to review the tone of the ladder.
func TestDefaultEmails(t *testing.T) {
	d := SampleData()
	for _, s := range DefaultPolicy().Steps {
		if !s.Has(ActionEmail) {
			continue
		}
		e, err := RenderEmail(s, d)
		if err != nil {
			t.Fatal(err)
		}
		golden.Check(t, "emails/"+s.Key+".txt", []byte("Subject: "+e.Subject+"\n\n"+e.Text+"\n\n---- HTML ----\n"+e.HTML))
	}
}

// TestOptionalParts renders without a pay link, instructions, installment
// or seller e-mail: no dangling words or blank lines are left.
func TestOptionalParts(t *testing.T) {
	d := SampleData()
	d.PayLink, d.PaymentInstructions, d.Installment, d.SellerEmail = "", "", "", ""
	e, err := RenderEmail(DefaultPolicy().Steps[1], d)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(e.Text, "installment") || strings.Contains(e.Text, "pay online") || strings.Contains(e.Text, "\n\n\n") || strings.HasSuffix(e.Text, "\n") {
		t.Errorf("text:\n%s", e.Text)
	}
	if !strings.HasSuffix(e.Text, "Kind regards,\nExample Consulting Ltd") {
		t.Errorf("signature:\n%s", e.Text)
	}
}

func TestDataFor(t *testing.T) {
	inv := &invoice.Invoice{Number: "INV-1", Customer: "Acme", Status: invoice.StatusOpen, Currency: "JPY",
		Total: dec("120000"), LateFees: dec("1479"), Paid: dec("20000"), DueDate: date("2026-03-31"), IssueKey: "BILL-1"}
	d := DataFor(inv, invoice.Seller{Name: "Me", Email: "me@example.com"}, date("2026-04-30"))
	if d.Balance != "101479" || d.LateFee != "1479" || !d.HasLateFee || d.DaysOverdue != 30 || d.DaysUntilDue != 0 || d.Total != "120000" || d.Seller != "Me" {
		t.Errorf("%+v", d)
	}
	d = DataFor(inv, invoice.Seller{}, date("2026-03-28"))
	if d.DaysOverdue != 0 || d.DaysUntilDue != 3 {
		t.Errorf("before due: %+v", d)
	}
}

// TestDigest pins the e-mail that carries several invoices' steps to one
// customer: the list first, then each step's own message under its
// number and subject; numbers past four are counted in the subject.
func TestDigest(t *testing.T) {
	var parts []DigestPart
	d := SampleData()
	for i, key := range []string{StepOverdue7, StepEscalate14} {
		d.Number = fmt.Sprintf("INV-2026-%04d", 42+i)
		d.Customer = "Acme <Corp>"
		i := slices.IndexFunc(DefaultPolicy().Steps, func(s Step) bool { return s.Key == key })
		e, err := RenderEmail(DefaultPolicy().Steps[i], d)
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, DigestPart{Number: d.Number, Balance: d.Balance, Currency: d.Currency, DueDate: d.DueDate, Email: e})
	}
	e := Digest(parts)
	golden.Check(t, "emails/digest.txt", []byte("Subject: "+e.Subject+"\n\n"+e.Text+"\n\n---- HTML ----\n"+e.HTML))
	if strings.Contains(e.HTML, "<Corp>") || strings.Count(e.HTML, "<body") != 1 {
		t.Errorf("the digest's HTML has an unescaped value or nested documents:\n%s", e.HTML)
	}
	many := slices.Repeat(parts[:1], 6)
	if got := Digest(many).Subject; got != "Payment reminders: invoices INV-2026-0042, INV-2026-0042, INV-2026-0042, INV-2026-0042 and 2 more" {
		t.Errorf("subject of six = %q", got)
	}
}

package followup

import (
	"fmt"
	"html"
	"strings"
)

// DigestPart is one invoice's step in a digest: the invoice's number,
// balance (or the installment's), currency and due date as its own
// e-mail states them, and that e-mail.
type DigestPart struct {
	Number   string
	Balance  string
	Currency string
	DueDate  string
	Email    Email
}

// digestNumbers is how many invoice numbers a digest's subject names
// before it counts the rest.
const digestNumbers = 4

// Digest is the one e-mail that carries several of a customer's
// follow-ups due in the same run (SPEC §5): its subject names the
// invoices, its text and HTML open with the list of them (number,
// balance, due date) and then give each invoice's own message in turn,
// under its number and subject, so every step says what it would have
// said alone.
func Digest(parts []DigestPart) Email {
	numbers := make([]string, len(parts))
	for i, p := range parts {
		numbers[i] = p.Number
	}
	var text, body strings.Builder
	fmt.Fprintf(&text, "This e-mail covers %d invoices:\n\n", len(parts))
	fmt.Fprintf(&body, "<p>This e-mail covers %d invoices:</p>\n<ul>\n", len(parts))
	for _, p := range parts {
		fmt.Fprintf(&text, "- %s: %s %s, due %s\n", p.Number, p.Balance, p.Currency, p.DueDate)
		fmt.Fprintf(&body, "<li>%s: %s %s, due %s</li>\n", html.EscapeString(p.Number), html.EscapeString(p.Balance),
			html.EscapeString(p.Currency), html.EscapeString(p.DueDate))
	}
	text.WriteString("\nThe message about each follows.\n")
	body.WriteString("</ul>\n<p>The message about each follows.</p>\n")
	for _, p := range parts {
		fmt.Fprintf(&text, "\n==== %s: %s ====\n\n%s\n", p.Number, p.Email.Subject, strings.TrimRight(p.Email.Text, "\n"))
		fmt.Fprintf(&body, "<hr>\n<h3>%s: %s</h3>\n%s\n", html.EscapeString(p.Number), html.EscapeString(p.Email.Subject), htmlBody(p.Email.HTML))
	}
	return Email{
		Subject: "Payment reminders: invoices " + listNumbers(numbers),
		Text:    strings.TrimRight(text.String(), "\n"),
		HTML:    "<!DOCTYPE html>\n<html><body style=\"font-family: sans-serif; line-height: 1.5\">\n" + body.String() + "</body></html>",
	}
}

// listNumbers joins invoice numbers as a sentence, counting those past
// digestNumbers.
func listNumbers(ns []string) string {
	if len(ns) > digestNumbers {
		return strings.Join(ns[:digestNumbers], ", ") + fmt.Sprintf(" and %d more", len(ns)-digestNumbers)
	}
	if len(ns) < 2 {
		return strings.Join(ns, "")
	}
	return strings.Join(ns[:len(ns)-1], ", ") + " and " + ns[len(ns)-1]
}

// htmlBody is what lies inside an HTML document's body element (the whole
// text when it has none).
func htmlBody(doc string) string {
	i := strings.Index(doc, "<body")
	if i < 0 {
		return strings.TrimSpace(doc)
	}
	start := strings.Index(doc[i:], ">")
	end := strings.LastIndex(doc, "</body>")
	if start < 0 || end < i+start {
		return strings.TrimSpace(doc)
	}
	return strings.TrimSpace(doc[i+start+1 : end])
}

package app_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/apptest"
)

// TestDraftFinalizeSend follows an invoice over the wire as a person
// would make it: a draft of December's work, edited (a fixed line and a
// discount; an unknown field and a bad price refused, naming them),
// finalized with an issue date, and sent: the customer receives one
// e-mail with the PDF, whose text states what a legal invoice must
// (SPEC §4), and the Jira issue with its remit-invoice property appears.
// The finalized invoice then refuses edits.
func TestDraftFinalizeSend(t *testing.T) {
	f := startFollowStack(t, true)
	s := f.newFollowSite(t, "legal", 2, "100.00", "EUR")
	ok(t, f.api(t, s.Site, "PUT", "/settings", map[string]any{
		"billingProjectKey": "BILL", "timezone": "UTC", "currency": "EUR",
		"seller": map[string]any{"name": "Remit Consulting GmbH", "email": "seller@legal.example", "taxId": "DE123456789",
			"postalAddress": map[string]string{"street": "Hauptstrasse 1", "city": "Berlin", "postcode": "10115", "country": "DE"}},
		"payment": map[string]string{"iban": "DE89 3704 0044 0532 0130 00", "bic": "COBADEFFXXX", "accountName": "Remit Consulting GmbH"},
	}, nil), 200, "legal settings")
	ok(t, f.api(t, s.Site, "PUT", "/settings", map[string]any{"billingProjectKey": "BILL", "sellr": map[string]string{}}, nil), 400, "unknown settings field")
	ok(t, f.api(t, s.Site, "PUT", "/customers/"+itoa(s.customer), map[string]any{
		"name": "Customer legal", "jql": "project = WORK", "currency": "EUR", "hourlyRate": "100.00", "taxRatePercent": "20",
		"billingEmail": s.email, "taxId": "FR40303265045", "buyerReference": "PO-4711",
		"address": map[string]string{"street": "5 Rue de la Paix", "city": "Paris", "postcode": "75002", "country": "FR"},
	}, nil), 200, "legal customer")
	resp := f.api(t, s.Site, "PUT", "/customers/"+itoa(s.customer), map[string]any{"name": "Customer legal", "jql": "project = WORK",
		"currency": "EUR", "hourlyRate": "100.00", "vatId": "FR40303265045"}, nil)
	ok(t, resp, 400, "unknown customer field")
	if p := problemFields(t, resp); p["vatId"] == "" {
		t.Fatalf("unknown customer field answered %v, want vatId named", p)
	}

	var draft struct {
		ID     int64
		Number string
		Status string
		Total  string
	}
	ok(t, f.api(t, s.Site, "POST", "/invoices", map[string]any{"draft": true, "customerId": s.customer,
		"periodStart": "2026-12-01", "periodEnd": "2026-12-31"}, &draft), 201, "draft")
	if draft.Status != "draft" || draft.Number != "" || draft.Total != "240.00" {
		t.Fatalf("draft = %+v, want an unnumbered draft of 240.00 (2 h at 100 + 20%%)", draft)
	}
	path := "/invoices/" + itoa(draft.ID)
	ok(t, f.api(t, s.Site, "PUT", path, map[string]any{"lines": []any{}, "discount": map[string]string{}, "note": "x"}, nil), 400, "unknown draft field")
	resp = f.api(t, s.Site, "PUT", path, map[string]any{"lines": []map[string]string{{"kind": "fixed", "description": "Retainer", "quantity": "1", "unitPrice": "-3"}}}, nil)
	ok(t, resp, 422, "bad unit price")
	if p := problemFields(t, resp); p["lines[0].unitPrice"] == "" {
		t.Fatalf("bad unit price answered %v, want lines[0].unitPrice named", p)
	}
	ok(t, f.api(t, s.Site, "PUT", path, map[string]any{
		"lines":    []map[string]string{{"kind": "fixed", "description": "Monthly retainer", "quantity": "1", "unitPrice": "300"}},
		"discount": map[string]string{"amount": "50.00"},
	}, &draft), 200, "edit draft")
	if draft.Total != "540.00" {
		t.Fatalf("edited total %s, want 540.00 ((200 + 300 − 50) + 20%%)", draft.Total)
	}
	if n := len(f.mails(s.email)); n != 0 {
		t.Fatalf("%d e-mails before finalize", n)
	}

	resp = f.api(t, s.Site, "POST", path+"/finalize", map[string]string{"issueDate": "2026-11-30"}, nil)
	ok(t, resp, 422, "issue date before the period")
	if p := problemFields(t, resp); p["issueDate"] == "" {
		t.Fatalf("early issue date answered %v, want issueDate named", p)
	}
	var inv struct {
		Number  string
		Status  string
		DueDate string
	}
	ok(t, f.api(t, s.Site, "POST", path+"/finalize", map[string]string{"issueDate": "2027-01-04"}, &inv), 200, "finalize")
	if inv.Number != "INV-2027-0001" || inv.Status != "open" || inv.DueDate != "2027-02-03" {
		t.Fatalf("finalized = %+v", inv)
	}
	ok(t, f.api(t, s.Site, "PUT", path, map[string]any{"lines": []any{}}, nil), 409, "edit after finalize")

	eventually(t, "the invoice e-mail", func() bool { return len(f.mails(s.email)) == 1 })
	m := f.mails(s.email)[0]
	if !strings.Contains(m.Subject, inv.Number) || len(m.Attachments) != 1 || m.Attachments[0].ContentType != "application/pdf" {
		t.Fatalf("e-mail %q with %d attachments, want the invoice PDF", m.Subject, len(m.Attachments))
	}
	text := pdfText(t, m.Attachments[0].Data)
	for _, want := range []string{
		"Remit Consulting GmbH", "Hauptstrasse 1", "10115", "Berlin", "DE123456789", // seller
		"Customer legal", "5 Rue de la Paix", "75002", "Paris", "FR40303265045", "PO-4711", // buyer
		"INV-2027-0001", "2027-01-04", "2027-02-03", "2026-12-01", "2026-12-31", // number, dates, period
		"Build the thing", "Monthly retainer", "200.00", "300.00", // lines
		"50.00", "450.00", "90.00", "540.00 EUR", "20", // discount, base, tax, total
		"DE89 3704 0044 0532 0130 00", "COBADEFFXXX", // payment details
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF does not state %q:\n%s", want, text)
		}
	}

	eventually(t, "the invoice issue", func() bool { _, ok := invoiceIssue(s.Site.Site, inv.Number); return ok })
	is, _ := invoiceIssue(s.Site.Site, inv.Number)
	var prop struct{ Number, Status string }
	if err := json.Unmarshal(is.Properties["remit-invoice"], &prop); err != nil || prop.Status != "open" {
		t.Fatalf("remit-invoice property = %s (%v)", is.Properties["remit-invoice"], err)
	}
	time.Sleep(300 * time.Millisecond) // a second e-mail, if the send ran twice, has had its chance
	if n := len(f.mails(s.email)); n != 1 {
		t.Fatalf("%d e-mails for one finalize, want 1", n)
	}
}

// problemFields are the per-field errors of a problem answer.
func problemFields(t *testing.T, resp *http.Response) map[string]string {
	t.Helper()
	out := map[string]string{}
	errs, _ := apptest.Problem(t, resp)["errors"].(map[string]any)
	for k, v := range errs {
		out[k], _ = v.(string)
	}
	return out
}

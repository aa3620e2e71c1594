package browsertest

import (
	"fmt"
	"io"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/remitapp/remit/internal/apptest"
)

// requestSubmit submits the form with the given aria-label.
const requestSubmit = `(() => { const f = document.querySelector('form[aria-label=%q]'); if (!f) return false; f.requestSubmit(); return true; })()`

// correctedJSON is the part of the API's invoice the corrections change.
type correctedJSON struct {
	invoiceJSON
	LateFees, LateFeesWaived, Credited string
	CreditNotes                        []struct {
		ID                    int64
		Number, Total, Reason string
		PDF                   string
	}
	Payments []struct {
		ID             int64
		Amount         string
		Reversed       bool
		ReversalReason string
	}
}

// TestInvoiceCorrections drives, in Chromium, what an issued invoice goes
// through after the generate flow: a preview saved as a draft, finalized
// from the invoices page after a confirmation (refused first, naming the
// legal details the settings lack), sent again from the list; then, in
// its issue panel, a credit note by amount (refused first beyond the
// balance) and one by lines with their PDFs, a payment reversed, late
// fees waived and the invoice sent again, each shown in the figures and
// the corrections timeline and each as the API stores it. The rendered
// first pages of the invoice's and a credit note's PDFs are kept with the
// screenshots; the pages pass the axe check with the new forms open.
func TestInvoiceCorrections(t *testing.T) {
	d := newDemo(t, func(o *apptest.Options) { o.SMTP = true })
	var id int64
	t.Run("DraftFinalizeSend", func(t *testing.T) { id = d.testDraftFinalizeSend(t) })
	if id == 0 {
		t.Fatal("no invoice was finalized")
	}
	t.Run("PanelCorrections", func(t *testing.T) { d.testPanelCorrections(t, id) })
}

// mailsFor are the e-mails that carry the invoice's PDF.
func (d *demo) mailsFor(number string) int {
	n := 0
	for _, m := range d.stack.SMTP.Messages() {
		for _, a := range m.Attachments {
			if a.Name == number+".pdf" {
				n++
			}
		}
	}
	return n
}

// waitMails waits until n e-mails carry the invoice's PDF.
func (d *demo) waitMails(t *testing.T, number string, n int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for d.mailsFor(number) < n && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if got := d.mailsFor(number); got != n {
		t.Fatalf("%d e-mails carry %s.pdf, want %d", got, number, n)
	}
}

// makeLegal gives the settings and the customer what an issued invoice
// must state (SPEC §4): addresses, the seller's tax id, payment details.
func (d *demo) makeLegal(t *testing.T) {
	t.Helper()
	settings := map[string]any{"billingProjectKey": "BILL", "currency": "USD", "timezone": "UTC",
		"seller": map[string]any{"name": "Remit Consulting LLC", "email": "billing@remit.example", "taxId": "EIN 12-3456789",
			"postalAddress": map[string]string{"street": "1 Main Street", "city": "Springfield", "postcode": "12345", "country": "US"}},
		"payment": map[string]string{"accountName": "Remit Consulting LLC", "accountNumber": "Routing 026009593, account 1234567890"}}
	if r := d.site.API(t, "PUT", "/settings", settings, nil); r.StatusCode != 200 {
		t.Fatalf("settings: %d %v", r.StatusCode, apptest.Problem(t, r))
	}
	cust := maps.Clone(d.acme)
	cust["address"] = map[string]string{"street": "350 Fifth Avenue", "city": "New York, NY", "postcode": "10118", "country": "US"}
	if r := d.site.API(t, "PUT", fmt.Sprintf("/customers/%d", d.customerID), cust, nil); r.StatusCode != 200 {
		t.Fatalf("customer: %d %v", r.StatusCode, apptest.Problem(t, r))
	}
}

// testDraftFinalizeSend saves the preview of the second period as a
// draft, finalizes it from the list (the first attempt refused by the
// server, the refusal shown in the confirmation), then sends it again.
// It returns the invoice's id.
func (d *demo) testDraftFinalizeSend(t *testing.T) int64 {
	b := d.b
	b.t = t
	const frame = "/pages/project"
	b.Run("open project page", chromedp.Navigate(d.host("/projects/BILL/remit")))
	b.WaitInFrame("generate form", frame, `document.getElementById('gen-start')`, 20*time.Second)
	for id, v := range map[string]string{"gen-start": d.period2Start, "gen-end": d.period2End} {
		var got string
		if err := b.InFrame(frame, fmt.Sprintf(setInput, id, v), &got); err != nil || got != v {
			t.Fatalf("set %s: %q %v", id, got, err)
		}
	}
	b.WaitInFrame("preview button", frame, fmt.Sprintf(clickButton, "Preview"), 10*time.Second)
	b.WaitInFrame("preview totals", frame, `document.querySelector('[data-testid=preview-totals]')`, 30*time.Second)
	b.WaitInFrame("save as draft", frame, fmt.Sprintf(clickButton, "Save as draft"), 10*time.Second)
	b.WaitInFrame("draft saved", frame, `document.querySelector('[data-testid=drafted]')`, 20*time.Second)

	var list struct{ Items []invoiceJSON }
	if r := d.site.API(t, "GET", "/invoices?status=draft", nil, &list); r.StatusCode != 200 || len(list.Items) != 1 {
		t.Fatalf("drafts: %d, %d of them", r.StatusCode, len(list.Items))
	}
	draft := list.Items[0]
	if draft.Number != "" || draft.IssueKey != nil {
		t.Fatalf("the draft has number %q and issue %v", draft.Number, draft.IssueKey)
	}
	b.WaitInFrame("draft listed", frame, `[...document.querySelectorAll('td')].some(td => td.textContent === 'Draft')`, 20*time.Second)
	b.WaitInFrame("finalize button", frame, fmt.Sprintf(clickButton, "Finalize"), 10*time.Second)
	b.WaitInFrame("finalize confirmation", frame, `document.querySelector('form[aria-label="Finalize draft"]')`, 10*time.Second)
	var confirm string
	if err := b.InFrame(frame, `document.querySelector('form[aria-label="Finalize draft"]').innerText`, &confirm); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(confirm, "Finalize the draft for Acme?") || !strings.Contains(confirm, usd(draft.Total)) || !strings.Contains(confirm, "next invoice number") {
		t.Errorf("confirmation says %q", confirm)
	}
	b.Settle(frame)
	b.Screenshot("finalize-confirm")

	// The demo's settings lack what a legal invoice states: the server
	// refuses, and the confirmation says which details are missing.
	b.WaitInFrame("confirm finalize", frame, fmt.Sprintf(requestSubmit, "Finalize draft"), 5*time.Second)
	b.WaitInFrame("refusal shown", frame, `document.querySelector('form[aria-label="Finalize draft"] [data-testid=refusal]')`, 20*time.Second)
	var refusal struct {
		Text   string
		Fields []string
	}
	if err := b.InFrame(frame, `(() => { const r = document.querySelector('form[aria-label="Finalize draft"] [data-testid=refusal]');
	  return {Text: r.innerText, Fields: [...r.querySelectorAll('li')].map(li => li.dataset.field)}; })()`, &refusal); err != nil {
		t.Fatal(err)
	}
	if want := []string{"customer.address", "settings.payment", "settings.seller.postalAddress", "settings.seller.taxId"}; strings.Join(refusal.Fields, ",") != strings.Join(want, ",") {
		t.Errorf("the refusal names %v, want %v", refusal.Fields, want)
	}
	for _, s := range []string{"Finalize did not work", "The invoice cannot be issued", "Your company's postal address (Remit settings)",
		"The customer's postal address", "Complete them on the Remit settings page"} {
		if !strings.Contains(refusal.Text, s) {
			t.Errorf("the refusal does not say %q:\n%s", s, refusal.Text)
		}
	}
	if r := d.site.API(t, "GET", fmt.Sprintf("/invoices/%d", draft.ID), nil, &draft); r.StatusCode != 200 || draft.Status != "draft" {
		t.Fatalf("after the refusal the invoice is %q (%d)", draft.Status, r.StatusCode)
	}
	b.Settle(frame)
	b.Screenshot("finalize-refused")
	b.Axe(frame)

	d.makeLegal(t)
	b.WaitInFrame("confirm finalize again", frame, fmt.Sprintf(requestSubmit, "Finalize draft"), 5*time.Second)
	b.WaitInFrame("finalized", frame, `document.querySelector('[data-testid=list-done]')?.textContent.includes('issued')`, 20*time.Second)
	inv := d.waitIssue(t, draft.ID)
	if inv.Status != "open" || inv.Number == "" {
		t.Fatalf("finalized invoice is %q numbered %q", inv.Status, inv.Number)
	}
	b.WaitInFrame("number listed", frame, fmt.Sprintf(`[...document.querySelectorAll('td')].some(td => td.textContent === %q)`, inv.Number), 20*time.Second)
	// Sending on finalize is on by default: the customer gets the PDF.
	d.waitMails(t, inv.Number, 1)
	b.Settle(frame)
	b.Screenshot("finalized")

	b.WaitInFrame("send button", frame, fmt.Sprintf(`(() => { const b = document.querySelector('button[aria-label="Send %s"]'); if (!b || b.disabled) return false; b.click(); return true; })()`, inv.Number), 10*time.Second)
	b.WaitInFrame("send confirmation", frame, `document.querySelector('form[aria-label="Send invoice"]')`, 10*time.Second)
	b.Screenshot("send-confirm")
	b.WaitInFrame("confirm send", frame, fmt.Sprintf(requestSubmit, "Send invoice"), 5*time.Second)
	b.WaitInFrame("sent", frame, `document.querySelector('[data-testid=list-done]')?.textContent.includes('on its way')`, 20*time.Second)
	d.waitMails(t, inv.Number, 2)
	b.Settle(frame)
	b.Screenshot("sent")
	return draft.ID
}

// corrected reads the invoice from the API.
func (d *demo) corrected(t *testing.T, id int64) correctedJSON {
	t.Helper()
	var inv correctedJSON
	if r := d.site.API(t, "GET", fmt.Sprintf("/invoices/%d", id), nil, &inv); r.StatusCode != 200 {
		t.Fatalf("invoice %d: %d", id, r.StatusCode)
	}
	return inv
}

// setInputs types values into inputs by id, failing on any that does not take.
func (d *demo) setInputs(t *testing.T, frame string, values map[string]string) {
	t.Helper()
	for id, v := range values {
		var got string
		if err := d.b.InFrame(frame, fmt.Sprintf(setInput, id, v), &got); err != nil || got != v {
			t.Fatalf("set %s: %q %v", id, got, err)
		}
	}
}

// panelText is the invoice panel's text.
func (d *demo) panelText(t *testing.T) string {
	t.Helper()
	var s string
	if err := d.b.InFrame(panelFrame, `document.querySelector('[data-testid=invoice-panel]').innerText`, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// testPanelCorrections corrects the finalized invoice from its issue
// panel: credit notes by amount and by lines, a reversal, a waiver and
// another sending.
func (d *demo) testPanelCorrections(t *testing.T, id int64) {
	b := d.b
	b.t = t
	inv := d.corrected(t, id)
	var paid struct{ Payment struct{ ID int64 } }
	if r := d.site.API(t, "POST", fmt.Sprintf("/invoices/%d/payments", id), map[string]string{"amount": "100.00", "paidOn": day(d.stack.Now()), "method": "bank-transfer", "reference": "WIRE-100"}, &paid); r.StatusCode != 201 {
		t.Fatalf("payment: %d %v", r.StatusCode, apptest.Problem(t, r))
	}
	// A late fee as the follow-up engine charges it at final-notice-30.
	if _, err := d.stack.Pool.Exec(t.Context(), `UPDATE invoices SET late_fees = 40.00 WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}

	b.Run("open issue view", chromedp.Navigate(d.host("/browse/"+*inv.IssueKey)))
	b.WaitInFrame("credit note button", panelFrame, fmt.Sprintf(clickButton, "Issue credit note"), 20*time.Second)
	b.WaitInFrame("credit note form", panelFrame, `document.getElementById('cn-amount')`, 10*time.Second)

	// More than the balance: the server refuses and says why, nothing changes.
	d.setInputs(t, panelFrame, map[string]string{"cn-amount": "99999", "cn-reason": "Hours billed twice"})
	b.WaitInFrame("submit credit note", panelFrame, fmt.Sprintf(requestSubmit, "Issue credit note"), 5*time.Second)
	b.WaitInFrame("credit note refused", panelFrame, `[...document.querySelectorAll('form[aria-label="Issue credit note"] [role=alert]')].some(e => e.textContent.includes('exceeds'))`, 20*time.Second)
	if n := len(d.corrected(t, id).CreditNotes); n != 0 {
		t.Fatalf("a refused credit note left %d credit notes", n)
	}
	b.Settle(panelFrame)
	b.Screenshot("credit-note-refused")
	b.Axe(panelFrame)

	d.setInputs(t, panelFrame, map[string]string{"cn-amount": "50.00"})
	b.WaitInFrame("submit credit note again", panelFrame, fmt.Sprintf(requestSubmit, "Issue credit note"), 5*time.Second)
	b.WaitInFrame("credit note listed", panelFrame, `document.querySelectorAll('[data-testid=corrections] [data-kind=credit-note]').length === 1`, 20*time.Second)
	after := d.corrected(t, id)
	if len(after.CreditNotes) != 1 || after.CreditNotes[0].Reason != "Hours billed twice" {
		t.Fatalf("credit notes after the first: %+v", after.CreditNotes)
	}
	cn := after.CreditNotes[0]
	var figures map[string]string
	if err := b.InFrame(panelFrame, fmt.Sprintf(figuresJS, "invoice-figures"), &figures); err != nil {
		t.Fatal(err)
	}
	if figures["Credited"] != usd(after.Credited) || figures["Balance"] != usd(after.Balance) || figures["Late fees"] != "$40.00" {
		t.Errorf("figures after the credit note %v, API credited %s balance %s", figures, after.Credited, after.Balance)
	}
	if text := d.panelText(t); !strings.Contains(text, "Credit note "+cn.Number+": "+usd(cn.Total)) || !strings.Contains(text, "Hours billed twice") {
		t.Errorf("panel does not list credit note %s of %s:\n%s", cn.Number, usd(cn.Total), text)
	}
	b.WaitInFrame("credit note PDF", panelFrame, fmt.Sprintf(`(() => { const b = document.querySelector('[data-testid="credit-note-pdf-%d"]'); if (!b || b.disabled) return false; b.click(); return true; })()`, cn.ID), 10*time.Second)
	b.WaitInFrame("credit note PDF downloaded", panelFrame, fmt.Sprintf(`document.querySelector('[data-testid="credit-note-pdf-%d"]')?.dataset.downloaded === %q`, cn.ID, cn.Number+".pdf"), 20*time.Second)

	// A second credit note, by lines.
	b.WaitInFrame("credit note button again", panelFrame, fmt.Sprintf(clickButton, "Issue credit note"), 10*time.Second)
	b.WaitInFrame("lines mode", panelFrame, `(() => { const r = document.querySelector('input[name=cn-mode][value=lines]'); if (!r) return false; r.click(); return !!document.getElementById('cn-line-0-desc'); })()`, 10*time.Second)
	d.setInputs(t, panelFrame, map[string]string{"cn-line-0-desc": "Duplicate design review", "cn-line-0-qty": "2", "cn-line-0-price": "10.00", "cn-reason": "Review billed twice"})
	b.Settle(panelFrame)
	b.Screenshot("credit-note-lines")
	b.Axe(panelFrame)
	b.WaitInFrame("submit line credit note", panelFrame, fmt.Sprintf(requestSubmit, "Issue credit note"), 5*time.Second)
	b.WaitInFrame("two credit notes", panelFrame, `document.querySelectorAll('[data-testid=corrections] [data-kind=credit-note]').length === 2`, 20*time.Second)
	if after = d.corrected(t, id); len(after.CreditNotes) != 2 || after.CreditNotes[1].Reason != "Review billed twice" {
		t.Fatalf("credit notes after the second: %+v", after.CreditNotes)
	}

	// Reverse the payment.
	b.WaitInFrame("reverse button", panelFrame, fmt.Sprintf(clickButton, "Reverse"), 10*time.Second)
	b.WaitInFrame("reversal form", panelFrame, `document.getElementById('rev-reason')`, 10*time.Second)
	d.setInputs(t, panelFrame, map[string]string{"rev-reason": "Recorded against the wrong invoice"})
	b.Screenshot("reverse-confirm")
	b.WaitInFrame("submit reversal", panelFrame, fmt.Sprintf(requestSubmit, "Reverse payment"), 5*time.Second)
	b.WaitInFrame("payment reversed", panelFrame, fmt.Sprintf(`document.querySelector('[data-payment="%d"]')?.dataset.reversed === 'true' && !!document.querySelector('[data-testid=corrections] [data-kind=reversal]')`, paid.Payment.ID), 20*time.Second)
	if after = d.corrected(t, id); len(after.Payments) != 1 || !after.Payments[0].Reversed || after.Paid != "0.00" ||
		after.Payments[0].ReversalReason != "Recorded against the wrong invoice" {
		t.Fatalf("after the reversal: paid %s, payments %+v", after.Paid, after.Payments)
	}

	// Waive part of the late fee.
	b.WaitInFrame("waive button", panelFrame, fmt.Sprintf(clickButton, "Waive late fees"), 10*time.Second)
	b.WaitInFrame("waiver form", panelFrame, `document.getElementById('waive-amount')?.value === '40.00'`, 10*time.Second)
	d.setInputs(t, panelFrame, map[string]string{"waive-amount": "15", "waive-reason": "First time late"})
	b.WaitInFrame("submit waiver", panelFrame, fmt.Sprintf(requestSubmit, "Waive late fees"), 5*time.Second)
	b.WaitInFrame("fees waived", panelFrame, `document.querySelector('[data-figure="Fees waived"]')?.textContent === '$15.00' && !!document.querySelector('[data-testid=corrections] [data-kind=waiver]')`, 20*time.Second)
	if after = d.corrected(t, id); after.LateFeesWaived != "15.00" {
		t.Fatalf("after the waiver: waived %s", after.LateFeesWaived)
	}
	if text := d.panelText(t); !strings.Contains(text, "Late fees of $15.00 waived") || !strings.Contains(text, "First time late") ||
		!strings.Contains(text, "Payment of $100.00 reversed") {
		t.Errorf("the corrections timeline lacks the waiver or the reversal:\n%s", text)
	}
	if err := b.InFrame(panelFrame, fmt.Sprintf(figuresJS, "invoice-figures"), &figures); err != nil {
		t.Fatal(err)
	}
	if figures["Balance"] != usd(after.Balance) || figures["Paid"] != "$0.00" || figures["Credited"] != usd(after.Credited) {
		t.Errorf("figures %v, API balance %s credited %s", figures, after.Balance, after.Credited)
	}

	// Send it again from the panel.
	mails := d.mailsFor(after.Number)
	b.WaitInFrame("send button", panelFrame, fmt.Sprintf(clickButton, "Send invoice"), 10*time.Second)
	b.WaitInFrame("send confirmation", panelFrame, `document.querySelector('form[aria-label="Send invoice"]')`, 10*time.Second)
	b.WaitInFrame("confirm send", panelFrame, fmt.Sprintf(requestSubmit, "Send invoice"), 5*time.Second)
	b.WaitInFrame("sent notice", panelFrame, `document.querySelector('[data-testid=sent-notice]')`, 20*time.Second)
	d.waitMails(t, after.Number, mails+1)
	b.Settle(panelFrame)
	b.Screenshot("corrected-panel")
	b.Axe(panelFrame)

	// The documents as the customer reads them: the invoice, unchanged
	// since issue, and the credit note, each rendered to a page image.
	b.PDFPage("invoice-pdf", d.pdf(t, fmt.Sprintf("/invoices/%d/pdf", id)))
	b.PDFPage("credit-note-pdf", d.pdf(t, strings.TrimPrefix(cn.PDF, "/api/v1")))
}

// pdf fetches a PDF through the API.
func (d *demo) pdf(t *testing.T, path string) []byte {
	t.Helper()
	r := d.site.API(t, "GET", path, nil, nil)
	defer r.Body.Close()
	body, err := io.ReadAll(r.Body)
	if err != nil || r.StatusCode != 200 || !strings.HasPrefix(string(body), "%PDF-") {
		t.Fatalf("GET %s: %d, %d bytes (%v)", path, r.StatusCode, len(body), err)
	}
	return body
}

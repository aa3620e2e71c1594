package app_test

import (
	"bytes"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/apptest"
	"github.com/remitapp/remit/internal/clock"
)

// correctedInvoice is the invoice JSON with what the corrections add.
type correctedInvoice struct {
	Status, Balance, Paid, Credited string
	Payments                        []struct {
		ID             int64
		Reversed       bool
		ReversalReason string
	}
	CreditNotes []struct {
		ID            int64
		Number, Total string
		PDF           string
	}
}

// TestCorrectionsOverHTTP pays an invoice in full and reverses the
// payment (the issue moves to Paid and back, its property shows the
// balance again), then issues a credit note and reads its PDF back with
// pdftotext; bad bodies are refused naming the field.
func TestCorrectionsOverHTTP(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext is missing: run scripts/deps.sh")
	}
	s := apptest.Start(t, apptest.Options{WithSim: true, Clock: clock.At(time.Date(2026, 1, 22, 12, 0, 0, 0, time.UTC))})
	l := newLedger(t, s, "corrections", 1, func(int) int { return 1 })
	inv := l.invoice(t, l.acme, 1, "2026-01-01", "2027-03-01")
	l.waitJira(t, inv.Number, "Sent", "open", "100.00")
	base := fmt.Sprintf("/invoices/%d", inv.ID)
	get := func() correctedInvoice {
		t.Helper()
		var out correctedInvoice
		if r := l.API(t, "GET", base, nil, &out); r.StatusCode != 200 {
			t.Fatalf("get: %d %v", r.StatusCode, apptest.Problem(t, r))
		}
		return out
	}
	refused := func(method, path string, body any, code int, field string) {
		t.Helper()
		r := l.API(t, method, base+path, body, nil)
		p := apptest.Problem(t, r)
		if r.StatusCode != code || !strings.Contains(fmt.Sprint(p), field) {
			t.Fatalf("%s %s %v: %d %v, want %d naming %s", method, path, body, r.StatusCode, p, code, field)
		}
	}

	if code := l.pay(t, inv.ID, "100.00", "2026-01-15"); code != 201 {
		t.Fatalf("payment: %d", code)
	}
	l.waitJira(t, inv.Number, "Paid", "paid", "0.00")
	paid := get()
	reverse := fmt.Sprintf("/payments/%d/reverse", paid.Payments[0].ID)
	refused("POST", reverse, map[string]any{"reason": "typo", "note": "x"}, 400, "note")
	refused("POST", reverse, map[string]any{"reason": " "}, 422, "reason")
	refused("POST", "/payments/999999/reverse", map[string]any{"reason": "typo"}, 404, "")
	if r := l.API(t, "POST", base+reverse, map[string]any{"reason": "Recorded against the wrong invoice"}, nil); r.StatusCode != 200 {
		t.Fatalf("reverse: %d %v", r.StatusCode, apptest.Problem(t, r))
	}
	got := get()
	if got.Status != "open" || got.Balance != "100.00" || got.Paid != "0.00" || !got.Payments[0].Reversed ||
		got.Payments[0].ReversalReason != "Recorded against the wrong invoice" {
		t.Fatalf("after the reversal: %+v", got)
	}
	l.waitJira(t, inv.Number, "Sent", "open", "100.00")
	refused("POST", reverse, map[string]any{"reason": "again"}, 422, "")

	refused("POST", "/credit-notes", map[string]any{"amount": "100.01", "reason": "too much"}, 422, "amount")
	refused("POST", "/credit-notes", map[string]any{"amount": "10.00"}, 422, "reason")
	refused("POST", "/credit-notes", map[string]any{"amount": "ten", "reason": "x"}, 400, "amount")
	refused("POST", "/credit-notes", map[string]any{"amount": "10.00", "reason": "x", "vat": "0"}, 400, "vat")
	refused("POST", "/late-fees/waive", map[string]any{"amount": "1.00", "reason": "no fees"}, 422, "amount")
	var created struct {
		CreditNote struct {
			Number, Total, PDF string
		}
	}
	if r := l.API(t, "POST", base+"/credit-notes", map[string]any{"amount": "30.00", "reason": "Discount agreed on the phone"}, &created); r.StatusCode != 201 {
		t.Fatalf("credit note: %d %v", r.StatusCode, apptest.Problem(t, r))
	}
	if created.CreditNote.Number != "CN-2026-0001" || created.CreditNote.Total != "30.00" {
		t.Fatalf("credit note = %+v", created.CreditNote)
	}
	got = get()
	if got.Balance != "70.00" || got.Credited != "30.00" || len(got.CreditNotes) != 1 || got.CreditNotes[0].PDF != created.CreditNote.PDF {
		t.Fatalf("after the credit note: %+v", got)
	}
	l.waitJira(t, inv.Number, "Sent", "open", "70.00")

	r := l.API(t, "GET", strings.TrimPrefix(created.CreditNote.PDF, "/api/v1"), nil, nil)
	if r.StatusCode != 200 || r.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("credit note PDF: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
	}
	var pdf bytes.Buffer
	_, _ = pdf.ReadFrom(r.Body)
	text := pdfText(t, pdf.Bytes())
	for _, want := range []string{"CREDIT NOTE", "CN-2026-0001", inv.Number, "30.00", "Discount agreed on the phone"} {
		if !strings.Contains(text, want) {
			t.Errorf("credit note PDF lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("PDF text:\n%.3000s", text)
	}
}

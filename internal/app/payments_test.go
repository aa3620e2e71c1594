package app_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/remitapp/remit/internal/apptest"
)

// TestInvoiceStateMachine drives every transition of SPEC §4, allowed and
// refused, over HTTP, and checks afterwards the invoice, its audit log,
// and in the simulated Jira the remit-invoice property and the issue's
// status. Each case has its own invoice of 100·m USD, due in the future.
func TestInvoiceStateMachine(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t, apptest.Options{WithSim: true})
	l := newLedger(t, s, "states", 30, func(int) int { return 1 })
	const paidOn = "2026-01-15"
	type step struct{ method, path, amount string }
	pay := func(amount string) step { return step{"POST", "payments", amount} }
	var (
		void      = step{"POST", "void", ""}
		writeOff  = step{"POST", "uncollectible", ""}
		dispute   = step{"POST", "dispute", ""}
		undispute = step{"DELETE", "dispute", ""}
	)
	// Every case has its own invoice of 100.00 USD (one month's work).
	tests := []struct {
		name       string
		setup      []step
		action     step
		wantCode   int
		wantStatus string // invoice status after the action
		wantBal    string
		disputed   bool
		jira       string // the invoice issue's status in Jira afterwards
	}{
		{"open → partially paid", nil, pay("40.00"), 201, "partially_paid", "60.00", false, "Sent"},
		{"open → paid", nil, pay("100.00"), 201, "paid", "0.00", false, "Paid"},
		{"partially paid → partially paid", []step{pay("10.00")}, pay("20.00"), 201, "partially_paid", "70.00", false, "Sent"},
		{"partially paid → paid", []step{pay("10.00")}, pay("90.00"), 201, "paid", "0.00", false, "Paid"},
		{"open overpaid refused", nil, pay("100.01"), 422, "open", "100.00", false, "Sent"},
		{"partially paid overpaid refused", []step{pay("60.00")}, pay("40.01"), 422, "partially_paid", "40.00", false, "Sent"},
		{"paid takes no payment", []step{pay("100.00")}, pay("1.00"), 422, "paid", "0.00", false, "Paid"},
		{"open → void", nil, void, 200, "void", "100.00", false, "Cancelled"},
		{"partially paid void refused", []step{pay("10.00")}, void, 422, "partially_paid", "90.00", false, "Sent"},
		{"paid void refused", []step{pay("100.00")}, void, 422, "paid", "0.00", false, "Paid"},
		{"void again refused", []step{void}, void, 422, "void", "100.00", false, "Cancelled"},
		{"void takes no payment", []step{void}, pay("1.00"), 422, "void", "100.00", false, "Cancelled"},
		{"open → uncollectible", nil, writeOff, 200, "uncollectible", "100.00", false, "Sent"},
		{"partially paid → uncollectible", []step{pay("50.00")}, writeOff, 200, "uncollectible", "50.00", false, "Sent"},
		{"paid write-off refused", []step{pay("100.00")}, writeOff, 422, "paid", "0.00", false, "Paid"},
		{"void write-off refused", []step{void}, writeOff, 422, "void", "100.00", false, "Cancelled"},
		{"uncollectible takes no payment", []step{writeOff}, pay("1.00"), 422, "uncollectible", "100.00", false, "Sent"},
		{"open → disputed", nil, dispute, 200, "open", "100.00", true, "Sent"},
		{"disputed takes a payment", []step{dispute}, pay("20.00"), 201, "partially_paid", "80.00", true, "Sent"},
		{"dispute twice refused", []step{dispute}, dispute, 422, "open", "100.00", true, "Sent"},
		{"disputed → undisputed", []step{dispute}, undispute, 200, "open", "100.00", false, "Sent"},
		{"undispute refused when not disputed", nil, undispute, 422, "open", "100.00", false, "Sent"},
		{"paid dispute refused", []step{pay("100.00")}, dispute, 422, "paid", "0.00", false, "Paid"},
		{"disputed → void", []step{dispute}, void, 200, "void", "100.00", true, "Cancelled"},
	}
	do := func(t *testing.T, id int64, st step) *http.Response {
		t.Helper()
		var body any
		if st.amount != "" {
			body = map[string]any{"amount": st.amount, "paidOn": paidOn, "method": "bank-transfer", "reference": "case"}
		}
		return l.API(t, st.method, fmt.Sprintf("/invoices/%d/%s", id, st.path), body, nil)
	}
	for i, tt := range tests {
		inv := l.invoice(t, l.acme, i+1, "2026-01-01", "2027-03-01")
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// Start from the issue as Remit first projects it, so the
			// statuses afterwards do not depend on job timing.
			l.waitJira(t, inv.Number, "Sent", "open", "100.00")
			for _, st := range tt.setup {
				if r := do(t, inv.ID, st); r.StatusCode/100 != 2 {
					t.Fatalf("setup %v: %d %v", st, r.StatusCode, apptest.Problem(t, r))
				}
			}
			audits := count(t, s, `SELECT count(*) FROM audit_log WHERE entity = 'invoice' AND entity_id = $1`, fmt.Sprint(inv.ID))
			r := do(t, inv.ID, tt.action)
			if r.StatusCode != tt.wantCode {
				t.Fatalf("%s %s: %d, want %d", tt.action.method, tt.action.path, r.StatusCode, tt.wantCode)
			}
			after := count(t, s, `SELECT count(*) FROM audit_log WHERE entity = 'invoice' AND entity_id = $1`, fmt.Sprint(inv.ID))
			if r.StatusCode >= 400 {
				if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
					t.Fatalf("refusal as %s", ct)
				}
				if after != audits {
					t.Fatalf("a refused action wrote %d audit entries", after-audits)
				}
			} else if after != audits+1 {
				t.Fatalf("the action wrote %d audit entries, want 1", after-audits)
			}
			got := l.get(t, inv.ID)
			if got.Status != tt.wantStatus || got.Balance != tt.wantBal || got.Disputed != tt.disputed {
				t.Fatalf("after: %s balance %s disputed %v; want %s %s %v", got.Status, got.Balance, got.Disputed, tt.wantStatus, tt.wantBal, tt.disputed)
			}
			l.waitJira(t, inv.Number, tt.jira, tt.wantStatus, tt.wantBal)
		})
	}
}

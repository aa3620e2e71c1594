package app_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/apptest"
	"github.com/remitapp/remit/internal/clock"
)

// TestInvoiceStateMachine drives every transition of SPEC §4, allowed and
// refused, over HTTP, and checks afterwards the invoice, its audit log,
// and in the simulated Jira the remit-invoice property and the issue's
// status. Each case has its own invoice of 100·m USD, due in the future.
func TestInvoiceStateMachine(t *testing.T) {
	t.Parallel()
	// The cases bill 2024's work in invoices issued 2026-01-01 and paid
	// 2026-01-15; the clock is pinned a week later, before every due date.
	// The 24 cases run at once from one site, past a tenant's default API
	// budget: the operator's knob raises it.
	s := apptest.Start(t, apptest.Options{WithSim: true, Clock: clock.At(time.Date(2026, 1, 22, 12, 0, 0, 0, time.UTC)),
		Env: map[string]string{"REMIT_API_RATE": "500", "REMIT_API_BURST": "500"}})
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

// TestPaymentRace sends two payments of the last balance at once, several
// times: each time exactly one is 201 and the other 422, and no invoice
// is ever paid past its total.
func TestPaymentRace(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t, apptest.Options{WithSim: true})
	l := newLedger(t, s, "race", 5, func(int) int { return 1 })
	for i := 1; i <= 5; i++ {
		inv := l.invoice(t, l.acme, i, "2026-01-01", "2027-03-01")
		if code := l.pay(t, inv.ID, "70.00", "2026-02-01"); code != 201 {
			t.Fatalf("first payment: %d", code)
		}
		codes := make([]int, 2)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for j := range codes {
			wg.Go(func() {
				<-start
				codes[j] = l.pay(t, inv.ID, "30.00", "2026-02-02")
			})
		}
		close(start)
		wg.Wait()
		if !(codes[0] == 201 && codes[1] == 422) && !(codes[0] == 422 && codes[1] == 201) {
			t.Fatalf("round %d: racing payments answered %v, want one 201 and one 422", i, codes)
		}
		got := l.get(t, inv.ID)
		if got.Status != "paid" || got.Balance != "0.00" || len(got.Payments) != 2 {
			t.Fatalf("round %d: %s balance %s with %d payments", i, got.Status, got.Balance, len(got.Payments))
		}
	}
	if n := count(t, s, `SELECT count(*) FROM invoices WHERE paid > total + late_fees`); n != 0 {
		t.Fatalf("%d invoices paid past their total", n)
	}
	if n := count(t, s, `SELECT count(*) FROM invoices i WHERE paid <> (SELECT coalesce(sum(amount), 0) FROM payments p WHERE p.invoice_id = i.id)`); n != 0 {
		t.Fatalf("%d invoices whose paid differs from their payments", n)
	}
}

// TestPaymentsAndPlansBadInput sends malformed and rule-breaking payments
// and plans: each is a problem document naming what is wrong, and nothing
// is written. It then shows a plan settled oldest first.
func TestPaymentsAndPlansBadInput(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t, apptest.Options{WithSim: true})
	l := newLedger(t, s, "bad", 2, func(int) int { return 3 })
	inv := l.invoice(t, l.acme, 1, "2026-01-01", "2026-03-01") // 300.00 USD
	other := newLedger(t, s, "other", 1, func(int) int { return 1 })
	foreign := other.invoice(t, other.acme, 1, "2026-01-01", "2026-03-01")
	if code := l.pay(t, inv.ID, "100.00", "2026-01-10"); code != 201 {
		t.Fatalf("payment: %d", code)
	}
	state := func() string {
		var s1 string
		err := s.Pool.QueryRow(t.Context(), `SELECT concat_ws('|',
			(SELECT count(*) FROM payments), (SELECT count(*) FROM installments), (SELECT count(*) FROM audit_log),
			(SELECT string_agg(status || paid::text || disputed::text, ',' ORDER BY id) FROM invoices))`).Scan(&s1)
		if err != nil {
			t.Fatal(err)
		}
		return s1
	}
	before := state()
	payments := fmt.Sprintf("/invoices/%d/payments", inv.ID)
	plan := fmt.Sprintf("/invoices/%d/plan", inv.ID)
	tests := []struct {
		name, method, path string
		body               any
		code               int
		field              string
	}{
		{"malformed JSON", "POST", payments, []byte(`{"amount":`), 400, ""},
		{"amount of the wrong type", "POST", payments, []byte(`{"amount":{},"paidOn":"2026-01-10","method":"cash"}`), 400, "amount"},
		{"paidOn of the wrong type", "POST", payments, []byte(`{"amount":"1.00","paidOn":20260110,"method":"cash"}`), 400, "paidOn"},
		{"impossible date", "POST", payments, map[string]any{"amount": "1.00", "paidOn": "2026-02-30", "method": "cash"}, 400, "paidOn"},
		{"not a number", "POST", payments, map[string]any{"amount": "ten", "paidOn": "2026-01-10", "method": "cash"}, 400, "amount"},
		{"sub-cent", "POST", payments, map[string]any{"amount": "1.005", "paidOn": "2026-01-10", "method": "cash"}, 422, "amount"},
		{"zero", "POST", payments, map[string]any{"amount": "0", "paidOn": "2026-01-10", "method": "cash"}, 422, "amount"},
		{"negative", "POST", payments, map[string]any{"amount": "-1.00", "paidOn": "2026-01-10", "method": "cash"}, 422, "amount"},
		{"overpayment", "POST", payments, map[string]any{"amount": "200.01", "paidOn": "2026-01-10", "method": "cash"}, 422, "amount"},
		{"no method", "POST", payments, map[string]any{"amount": "1.00", "paidOn": "2026-01-10"}, 422, "method"},
		{"future date", "POST", payments, map[string]any{"amount": "1.00", "paidOn": "2099-01-01", "method": "cash"}, 422, "paidOn"},
		{"before the issue date", "POST", payments, map[string]any{"amount": "1.00", "paidOn": "2025-12-31", "method": "cash"}, 422, "paidOn"},
		{"unknown invoice", "POST", "/invoices/999999/payments", map[string]any{"amount": "1.00", "paidOn": "2026-01-10", "method": "cash"}, 404, ""},
		{"another tenant's invoice", "POST", fmt.Sprintf("/invoices/%d/payments", foreign.ID), map[string]any{"amount": "1.00", "paidOn": "2026-01-10", "method": "cash"}, 404, ""},
		{"plan short of the balance", "PUT", plan, map[string]any{"installments": []any{map[string]any{"dueDate": "2026-04-01", "amount": "199.99"}}}, 422, "installments"},
		{"plan over the balance", "PUT", plan, map[string]any{"installments": []any{map[string]any{"dueDate": "2026-04-01", "amount": "100.00"}, map[string]any{"dueDate": "2026-05-01", "amount": "100.01"}}}, 422, "installments"},
		{"plan dates not increasing", "PUT", plan, map[string]any{"installments": []any{map[string]any{"dueDate": "2026-05-01", "amount": "100.00"}, map[string]any{"dueDate": "2026-05-01", "amount": "100.00"}}}, 422, "installments[1].dueDate"},
		{"plan before the issue date", "PUT", plan, map[string]any{"installments": []any{map[string]any{"dueDate": "2025-12-01", "amount": "200.00"}}}, 422, "installments[0].dueDate"},
		{"plan without installments", "PUT", plan, map[string]any{"installments": []any{}}, 422, "installments"},
		{"plan installment without a date", "PUT", plan, map[string]any{"installments": []any{map[string]any{"amount": "200.00"}}}, 400, "installments[0].dueDate"},
		{"audit of another tenant's invoice", "GET", fmt.Sprintf("/invoices/%d/audit", foreign.ID), nil, 404, ""},
		{"write-off of another tenant's invoice", "POST", fmt.Sprintf("/invoices/%d/uncollectible", foreign.ID), nil, 404, ""},
		{"dispute of another tenant's invoice", "POST", fmt.Sprintf("/invoices/%d/dispute", foreign.ID), nil, 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := l.API(t, tt.method, tt.path, tt.body, nil)
			if r.StatusCode != tt.code || r.Header.Get("Content-Type") != "application/problem+json" {
				t.Fatalf("%d %s, want %d problem+json", r.StatusCode, r.Header.Get("Content-Type"), tt.code)
			}
			p := apptest.Problem(t, r)
			if tt.field != "" {
				errs, _ := p["errors"].(map[string]any)
				if errs[tt.field] == nil {
					t.Fatalf("problem %v does not name %s", p, tt.field)
				}
			}
		})
	}
	if after := state(); after != before {
		t.Fatalf("bad input changed the database:\nbefore %s\n after %s", before, after)
	}

	// A valid plan for the 200.00 left, then a payment settles it oldest first.
	body := map[string]any{"installments": []any{
		map[string]any{"dueDate": "2026-02-01", "amount": "50.00"},
		map[string]any{"dueDate": "2026-03-01", "amount": "50.00"},
		map[string]any{"dueDate": "2026-04-01", "amount": "100.00"}}}
	if r := l.API(t, "PUT", plan, body, nil); r.StatusCode != 200 {
		t.Fatalf("plan: %d %v", r.StatusCode, apptest.Problem(t, r))
	}
	if code := l.pay(t, inv.ID, "70.00", "2026-02-01"); code != 201 {
		t.Fatalf("payment: %d", code)
	}
	got := l.get(t, inv.ID)
	if got.Plan == nil || len(got.Plan.Installments) != 3 {
		t.Fatalf("plan %+v", got.Plan)
	}
	ins := got.Plan.Installments
	if !ins[0].Settled || ins[0].Paid != "50.00" || ins[1].Settled || ins[1].Paid != "20.00" || ins[1].Balance != "30.00" || ins[2].Paid != "0.00" {
		t.Fatalf("installments after 70.00: %+v", ins)
	}
	if got.Status != "partially_paid" || got.Balance != "130.00" || len(got.Payments) != 2 || got.Payments[1].Amount != "70.00" || got.Payments[1].RecordedBy != ledgerAdmin {
		t.Fatalf("invoice %+v", got)
	}
	var audit struct {
		Items []struct {
			Actor, Action string
			Before, After map[string]any
		}
	}
	if r := l.API(t, "GET", fmt.Sprintf("/invoices/%d/audit", inv.ID), nil, &audit); r.StatusCode != 200 {
		t.Fatalf("audit: %d", r.StatusCode)
	}
	var actions []string
	for _, e := range audit.Items {
		actions = append(actions, e.Action)
		if e.Actor == "" {
			t.Fatalf("audit entry without actor: %+v", e)
		}
	}
	if fmt.Sprint(actions) != "[create payment plan payment]" {
		t.Fatalf("audit actions %v", actions)
	}
	last := audit.Items[len(audit.Items)-1]
	if last.Before["balance"] != "200.00" || last.After["balance"] != "130.00" || last.After["status"] != "partially_paid" {
		t.Fatalf("last audit entry %+v", last)
	}
}

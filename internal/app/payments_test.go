package app_test

import (
	"fmt"
	"testing"

	"github.com/remitapp/remit/internal/apptest"
)

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

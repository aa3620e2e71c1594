package followupengine_test

import (
	"log/slog"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/customerportal"
	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/store"
)

// TestPlanRequestedOnThePageIsFollowedPerInstallment: the customer asks on
// the customer page for a plan of two installments, the manager accepts
// it in the panel, and from then on the ladder runs per installment
// (SPEC §5): the first installment's reminder before its own due date,
// nothing for the second yet; once the first is paid, no overdue step for
// it, and the second's reminder before its date.
func TestPlanRequestedOnThePageIsFollowedPerInstallment(t *testing.T) {
	t.Parallel()
	b := setup(t)
	svc := &customerportal.Service{DB: b.db, Billing: b.billing, Now: b.clock.Now, Logger: slog.New(slog.DiscardHandler)}
	acc := customerportal.Access{Tenant: b.tenant, InvoiceID: b.inv.ID}
	b.clock.Set(time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC))
	if err := svc.RequestPlan(b.ctx, acc, []invoice.InstallmentInput{
		{DueDate: date(t, "2026-12-22"), Amount: "150.00"}, {DueDate: date(t, "2027-01-22"), Amount: "200.00"}}, "Two parts, please."); err != nil {
		t.Fatal(err)
	}
	reqs, err := svc.PlanRequests(b.ctx, b.manager, b.inv.ID)
	if err != nil || len(reqs) != 1 || reqs[0].Status != store.PlanRequestPending {
		t.Fatalf("plan requests %+v (%v), want one pending", reqs, err)
	}
	if _, err := svc.AcceptPlanRequest(b.ctx, b.manager, b.inv.ID, reqs[0].ID); err != nil {
		t.Fatal(err)
	}
	inv := b.reload(t)
	if len(inv.Plan) != 2 {
		t.Fatalf("plan %+v after the accept, want the two requested installments", inv.Plan)
	}
	first, second := inv.Plan[0].ID, inv.Plan[1].ID

	// The invoice's own due date (2026-12-15) no longer drives the ladder.
	if res := b.sweepAt(t, time.Date(2026, 12, 12, 10, 0, 0, 0, time.UTC)); len(res.Outcomes) != 0 {
		t.Fatalf("the invoice's own reminder day, under a plan: %v", plan(res))
	}
	res := b.sweepAt(t, time.Date(2026, 12, 19, 10, 0, 0, 0, time.UTC)) // 3 days before the first installment
	var reminded []int64
	for _, o := range res.Outcomes {
		if o.Step == "reminder-before-due" && o.Action == "email" {
			reminded = append(reminded, o.Installment)
		}
	}
	if len(reminded) != 1 || reminded[0] != first {
		t.Fatalf("reminders for installments %v, want the first's (%d) only: %v", reminded, first, plan(res))
	}

	b.clock.Set(time.Date(2026, 12, 21, 15, 0, 0, 0, time.UTC))
	if _, _, err := b.billing.RecordPayment(b.ctx, b.manager, b.inv.ID, invoice.PaymentInput{Amount: "150.00",
		PaidOn: date(t, "2026-12-21"), Method: "bank"}); err != nil {
		t.Fatal(err)
	}
	if res := b.sweepAt(t, time.Date(2026, 12, 23, 10, 0, 0, 0, time.UTC)); len(res.Outcomes) != 0 {
		t.Fatalf("the day after the paid first installment's due date: %v", plan(res))
	}
	res = b.sweepAt(t, time.Date(2027, 1, 19, 10, 0, 0, 0, time.UTC))
	reminded = nil
	for _, o := range res.Outcomes {
		if o.Step == "reminder-before-due" && o.Action == "email" {
			reminded = append(reminded, o.Installment)
		}
	}
	if len(reminded) != 1 || reminded[0] != second {
		t.Fatalf("reminders for installments %v, want the second's (%d) only: %v", reminded, second, plan(res))
	}
}

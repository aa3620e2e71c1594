package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/remit"
)

// paymentState renders A's billing rows plus its payments and plan.
func paymentState(t *testing.T, e env, tenant string) string {
	t.Helper()
	var s string
	must(t, e.pool.QueryRow(context.Background(), `SELECT concat_ws(' | ',
		(SELECT string_agg(p::text, ';' ORDER BY id) FROM payments p WHERE client_key = $1),
		(SELECT string_agg(i::text, ';' ORDER BY id) FROM installments i WHERE client_key = $1))`, tenant).Scan(&s))
	return billingState(t, e, tenant) + " | " + s
}

// seedPaymentsOfA gives A's invoice a payment and a two-part plan.
func seedPaymentsOfA(t *testing.T, e env, a string, id int64) {
	t.Helper()
	ctx := context.Background()
	must(t, e.db.AddPayment(ctx, nil, a, id, &invoice.Payment{Amount: d("1.00"), PaidOn: invoice.Date{Year: 2026, Month: 3, Day: 2}, Method: "cash", RecordedBy: "acc-a"}, invoice.StatusPartiallyPaid))
	must(t, e.db.ReplaceInstallments(ctx, nil, a, id, []invoice.Installment{
		{DueDate: invoice.Date{Year: 2026, Month: 4, Day: 1}, Amount: d("1.00"), Paid: d("0")},
		{DueDate: invoice.Date{Year: 2026, Month: 5, Day: 1}, Amount: d("2.00"), Paid: d("0")},
	}))
}

// paymentIsolationChecks are TestTenantIsolation's checks for payments,
// plans, lifecycle flags, webhook lookups and the aging report.
func paymentIsolationChecks(a, b string) map[string]func(t *testing.T, e env) {
	ctx := context.Background()
	guard := func(check func(t *testing.T, e env, id int64)) func(t *testing.T, e env) {
		return func(t *testing.T, e env) {
			id := idOf(t, e, "invoices", a)
			seedPaymentsOfA(t, e, a, id)
			before := paymentState(t, e, a)
			check(t, e, id)
			if after := paymentState(t, e, a); after != before {
				t.Fatalf("B's call changed A's rows:\nbefore %s\n after %s", before, after)
			}
		}
	}
	notFound := func(t *testing.T, err error) { t.Helper(); wantKind(t, err, remit.NotFound) }
	return map[string]func(t *testing.T, e env){
		"AddPayment": guard(func(t *testing.T, e env, id int64) {
			notFound(t, e.db.AddPayment(ctx, nil, b, id, &invoice.Payment{Amount: d("1.00"), PaidOn: invoice.Date{Year: 2026, Month: 3, Day: 2}, Method: "cash", RecordedBy: "acc-b"}, invoice.StatusPaid))
		}),
		"Payments": guard(func(t *testing.T, e env, id int64) {
			got, err := e.db.Payments(ctx, b, id)
			if err != nil || len(got) != 0 {
				t.Fatalf("B sees A's payments %+v (err %v)", got, err)
			}
		}),
		"Installments": guard(func(t *testing.T, e env, id int64) {
			got, err := e.db.Installments(ctx, nil, b, id)
			if err != nil || got != nil {
				t.Fatalf("B sees A's plan %+v (err %v)", got, err)
			}
		}),
		"ReplaceInstallments": guard(func(t *testing.T, e env, id int64) {
			notFound(t, e.db.ReplaceInstallments(ctx, nil, b, id, []invoice.Installment{{DueDate: invoice.Date{Year: 2026, Month: 4, Day: 1}, Amount: d("3.00"), Paid: d("0")}}))
		}),
		"UpdateInstallments": guard(func(t *testing.T, e env, _ int64) {
			ins, err := e.db.Installments(ctx, nil, a, idOf(t, e, "invoices", a))
			must(t, err)
			now := e.clock.Now()
			ins[0].Paid, ins[0].SettledAt = ins[0].Amount, &now
			ins[1].Amount = d("9.00")
			notFound(t, e.db.UpdateInstallments(ctx, nil, b, idOf(t, e, "invoices", a), ins))
			added := []invoice.Installment{{DueDate: invoice.Date{Year: 2026, Month: 6, Day: 1}, Amount: d("4.00"), Paid: d("0")}}
			notFound(t, e.db.UpdateInstallments(ctx, nil, b, idOf(t, e, "invoices", a), added))
		}),
		"AddLateFeeToPlan": guard(func(t *testing.T, e env, id int64) {
			// B's fee on A's invoice finds no plan of B's: nothing changes.
			must(t, e.db.AddLateFeeToPlan(ctx, nil, b, id, d("5.00"), invoice.Date{Year: 2026, Month: 6, Day: 1}))
		}),
		"SetInvoiceStatus": guard(func(t *testing.T, e env, id int64) {
			notFound(t, e.db.SetInvoiceStatus(ctx, nil, b, id, invoice.StatusUncollectible))
		}),
		"SetInvoiceDisputed": guard(func(t *testing.T, e env, id int64) {
			notFound(t, e.db.SetInvoiceDisputed(ctx, nil, b, id, true))
		}),
		"InvoiceIDByIssue": guard(func(t *testing.T, e env, _ int64) {
			_, err := e.db.InvoiceIDByIssue(ctx, b, "40001", "BILL-1")
			notFound(t, err)
		}),
		"ClaimJiraEvent": guard(func(t *testing.T, e env, id int64) {
			ok, err := e.db.ClaimJiraEvent(ctx, nil, b, id, e.clock.Now())
			if err != nil || ok {
				t.Fatalf("B claimed an event on A's invoice: %v %v", ok, err)
			}
		}),
		"BilledWorklog": guard(func(t *testing.T, e env, _ int64) {
			_, ok, err := e.db.BilledWorklog(ctx, b, 1)
			if err != nil || ok {
				t.Fatalf("B sees A's billed worklog: %v %v", ok, err)
			}
		}),
		"FlagWorklogChange": guard(func(t *testing.T, e env, id int64) {
			c := invoice.NewWorklogChange(1, "10001", "ACME-1", 3540, 60, false, d("95"), "USD", e.clock.Now())
			ok, err := e.db.FlagWorklogChange(ctx, nil, b, id, c, false)
			if err != nil || ok {
				t.Fatalf("B flagged A's invoice: %v %v", ok, err)
			}
		}),
		"WorklogReview": guard(func(t *testing.T, e env, id int64) {
			_, err := e.db.WorklogReview(ctx, b, id)
			notFound(t, err)
		}),
		"AgingItems": guard(func(t *testing.T, e env, _ int64) {
			got, err := e.db.AgingItems(ctx, b, invoice.Date{Year: 2027, Month: 1, Day: 1})
			if err != nil || len(got) != 0 {
				t.Fatalf("B's aging shows A's invoices %+v (err %v)", got, err)
			}
		}),
	}
}

// TestPaymentsNeverExceedTheTotal shows the database refusing, by itself,
// a payment past the total, and FlagWorklogChange keeping the newest
// change whatever order changes arrive in.
func TestPaymentsNeverExceedTheTotal(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e, id := billedTenant(t, "t")
	inv, err := e.db.Invoice(ctx, "t", id)
	must(t, err)
	over := &invoice.Payment{Amount: inv.Total.Add(d("0.01")), PaidOn: inv.IssueDate, Method: "cash", RecordedBy: "acc"}
	wantKind(t, e.db.AddPayment(ctx, nil, "t", id, over, invoice.StatusPaid), remit.Unprocessable)
	if n := count(t, e.pool, `SELECT count(*) FROM payments`); n != 0 {
		t.Fatalf("%d payments after a refused one", n)
	}
	all := &invoice.Payment{Amount: inv.Total, PaidOn: inv.IssueDate, Method: "cash", RecordedBy: "acc"}
	must(t, e.db.AddPayment(ctx, nil, "t", id, all, invoice.StatusPaid))
	if got, _ := e.db.Invoice(ctx, "t", id); got.Status != invoice.StatusPaid || !got.Balance().IsZero() {
		t.Fatalf("after paying in full: %s balance %s", got.Status, got.Balance())
	}

	t0 := e.clock.Now()
	newer := invoice.NewWorklogChange(1, "10001", "ACME-1", 3540, 600, false, d("95"), "USD", t0.Add(time.Minute))
	older := invoice.NewWorklogChange(1, "10001", "ACME-1", 3540, 7200, false, d("95"), "USD", t0)
	for i, step := range []struct {
		c           invoice.WorklogChange
		onlyIfKnown bool
		want        bool
	}{{newer, true, false}, {newer, false, true}, {older, false, false}, {newer, false, false}} {
		applied, err := e.db.FlagWorklogChange(ctx, nil, "t", id, step.c, step.onlyIfKnown)
		if err != nil || applied != step.want {
			t.Fatalf("step %d: applied %v, %v; want %v", i, applied, err, step.want)
		}
	}
	// 600 s at 95/h bill 15.83, the 3540 s billed 93.42: a difference of -77.59.
	review, err := e.db.WorklogReview(ctx, "t", id)
	must(t, err)
	if len(review) != 1 || review[0].NewSeconds != 600 || review[0].DiffSeconds != -2940 || review[0].DiffAmount.String() != "-77.59" {
		t.Fatalf("review %+v", review)
	}
}

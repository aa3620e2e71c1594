package billing_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/money"
	"github.com/remitapp/remit/internal/remit"
)

// planned issues the November invoice (350.00 USD) and splits it into
// installments of 100, 100 and 150.
func (b *testBundle) planned(t *testing.T) invoice.Invoice {
	t.Helper()
	inv, _ := b.issued(t)
	inv, err := b.svc.SetPlan(b.ctx, b.manager, inv.ID, []invoice.InstallmentInput{
		{DueDate: date("2026-12-15"), Amount: "100.00"}, {DueDate: date("2027-01-15"), Amount: "100.00"}, {DueDate: date("2027-02-15"), Amount: "150.00"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

// requirePlanFollows requires the stored plan to add up to the stored
// balance, every installment paid within its amount and settled exactly
// when paid in full.
func requirePlanFollows(t *testing.T, inv invoice.Invoice, where string) {
	t.Helper()
	if inv.Plan == nil {
		t.Fatalf("%s: the invoice lost its plan", where)
	}
	if got := invoice.PlanBalance(inv.Plan); !got.Equal(inv.Balance()) {
		t.Fatalf("%s: the installments owe %s, the balance is %s: %+v", where, got, inv.Balance(), inv.Plan)
	}
	for i, in := range inv.Plan {
		switch {
		case in.Amount.IsNegative() || in.Paid.IsNegative() || in.Paid.GreaterThan(in.Amount):
			t.Fatalf("%s: installment %d pays %s of %s", where, i, in.Paid, in.Amount)
		case in.Settled() != in.Paid.Equal(in.Amount):
			t.Fatalf("%s: installment %d settled %v with %s paid of %s", where, i, in.Settled(), in.Paid, in.Amount)
		}
	}
}

func amounts(ins []invoice.Installment) string {
	s := ""
	for _, in := range ins {
		s += fmt.Sprintf("[%s due %s paid %s]", money.Format(in.Amount, "USD"), in.DueDate, money.Format(in.Paid, "USD"))
	}
	return s
}

// TestCorrectionsAdjustThePlan follows a plan through each correction: a
// credit note lowers the last installment and then the one before it, a
// waiver lowers it further, a reversal adds the money back to the last
// open installment, and once every installment is settled a reversal
// adds a new one due today.
func TestCorrectionsAdjustThePlan(t *testing.T) {
	t.Parallel()
	b := setup(t)
	inv := b.planned(t)
	inv, _, err := b.svc.IssueCreditNote(b.ctx, b.manager, inv.ID, invoice.CreditNoteInput{Amount: "180.00", Reason: "Hours billed twice"})
	if err != nil {
		t.Fatal(err)
	}
	requirePlanFollows(t, inv, "after the credit note")
	if got := amounts(inv.Plan); got != "[100.00 due 2026-12-15 paid 0.00][70.00 due 2027-01-15 paid 0.00][0.00 due 2027-02-15 paid 0.00]" {
		t.Fatalf("plan after crediting 180: %s", got)
	}
	if inv.Plan[2].SettledAt == nil {
		t.Fatal("the installment credited to zero is not settled")
	}

	if err := b.db.SetInvoiceLateFees(b.ctx, nil, b.tenant.ClientKey, inv.ID, decimal.RequireFromString("25.00"), "system", "late fee"); err != nil {
		t.Fatal(err)
	}
	if err := b.db.AddLateFeeToPlan(b.ctx, nil, b.tenant.ClientKey, inv.ID, decimal.RequireFromString("25.00"), date("2026-11-16")); err != nil {
		t.Fatal(err)
	}
	if inv, err = b.svc.WaiveLateFees(b.ctx, b.manager, inv.ID, "25.00", "First time late"); err != nil {
		t.Fatal(err)
	}
	requirePlanFollows(t, inv, "after the waiver")
	if got := amounts(inv.Plan); got != "[100.00 due 2026-12-15 paid 0.00][70.00 due 2027-01-15 paid 0.00][0.00 due 2027-02-15 paid 0.00]" {
		t.Fatalf("plan after the fee and its waiver: %s", got)
	}

	inv, p1, err := b.svc.RecordPayment(b.ctx, b.manager, inv.ID, invoice.PaymentInput{Amount: "120.00", PaidOn: date("2026-11-16"), Method: "bank"})
	if err != nil {
		t.Fatal(err)
	}
	requirePlanFollows(t, inv, "after a payment")
	if inv, err = b.svc.ReversePayment(b.ctx, b.manager, inv.ID, p1.ID, "Bounced"); err != nil {
		t.Fatal(err)
	}
	requirePlanFollows(t, inv, "after the reversal")
	if got := amounts(inv.Plan); got != "[100.00 due 2026-12-15 paid 100.00][190.00 due 2027-01-15 paid 20.00][0.00 due 2027-02-15 paid 0.00]" {
		t.Fatalf("plan after reversing 120: %s", got)
	}

	inv, p2, err := b.svc.RecordPayment(b.ctx, b.manager, inv.ID, invoice.PaymentInput{Amount: "170.00", PaidOn: date("2026-11-16"), Method: "bank"})
	if err != nil {
		t.Fatal(err)
	}
	if inv.Status != invoice.StatusPaid {
		t.Fatalf("paid in full: %s", inv.Status)
	}
	if inv, err = b.svc.ReversePayment(b.ctx, b.manager, inv.ID, p2.ID, "Wrong customer"); err != nil {
		t.Fatal(err)
	}
	requirePlanFollows(t, inv, "after reversing on a settled plan")
	if len(inv.Plan) != 4 || !inv.Plan[3].Amount.Equal(decimal.RequireFromString("170")) || inv.Plan[3].DueDate != date("2027-02-16") {
		t.Fatalf("plan after reversing on a settled plan: %s", amounts(inv.Plan))
	}
}

// TestPlanAddsUpToTheBalanceAfterAnyCorrections runs random sequences of
// payments, reversals, credit notes, late fees (added to the plan as the
// follow-up engine adds them) and waivers, some refused, on invoices with
// a payment plan, and after every step requires the stored installments
// to add up to the stored balance.
func TestPlanAddsUpToTheBalanceAfterAnyCorrections(t *testing.T) {
	t.Parallel()
	b := setup(t)
	rng := rand.New(rand.NewPCG(2026, 14))
	amount := func(max decimal.Decimal) string {
		cents := max.Shift(2).IntPart()
		n := int64(1)
		if cents > 1 {
			n = 1 + rng.Int64N(cents)
		}
		if rng.IntN(8) == 0 {
			n = cents + 1
		}
		return money.Format(decimal.New(n, -2), "USD")
	}
	accepted := map[string]int{}
	for run := range 3 {
		if run > 0 { // each run bills a new piece of work on a new invoice
			b.site.LogWork(b.work, "557058:dev", b.clock.Now().AddDate(0, 0, -15+run), int64(3600*(1+run)))
		}
		inv, err := b.svc.Create(b.ctx, b.manager, b.november())
		if err != nil {
			t.Fatal(err)
		}
		third := money.Round(inv.Balance().Div(decimal.NewFromInt(3)), "USD")
		inv, err = b.svc.SetPlan(b.ctx, b.manager, inv.ID, []invoice.InstallmentInput{
			{DueDate: date("2026-12-15"), Amount: money.Format(third, "USD")}, {DueDate: date("2027-01-15"), Amount: money.Format(third, "USD")},
			{DueDate: date("2027-02-15"), Amount: money.Format(inv.Balance().Sub(third.Mul(decimal.NewFromInt(2))), "USD")},
		})
		if err != nil {
			t.Fatal(err)
		}
		fees := decimal.Zero
		for step := range 40 {
			var op string
			switch rng.IntN(5) {
			case 0:
				op = "pay"
				_, _, err = b.svc.RecordPayment(b.ctx, b.manager, inv.ID, invoice.PaymentInput{Amount: amount(inv.Balance()), PaidOn: date("2026-11-16"), Method: "bank"})
			case 1:
				op = "reverse"
				var open []int64
				for _, p := range inv.Payments {
					if !p.Reversed {
						open = append(open, p.ID)
					}
				}
				if len(open) == 0 {
					continue
				}
				_, err = b.svc.ReversePayment(b.ctx, b.manager, inv.ID, open[rng.IntN(len(open))], "recorded in error")
			case 2:
				op = "credit"
				_, _, err = b.svc.IssueCreditNote(b.ctx, b.manager, inv.ID, invoice.CreditNoteInput{Amount: amount(inv.Balance()), Reason: "correction"})
			case 3:
				op = "fee"
				if !inv.Open() {
					continue
				}
				fee := decimal.New(int64(1+rng.IntN(3000)), -2)
				fees = fees.Add(fee)
				if err = b.db.SetInvoiceLateFees(b.ctx, nil, b.tenant.ClientKey, inv.ID, fees, "system", "late fee"); err == nil {
					err = b.db.AddLateFeeToPlan(b.ctx, nil, b.tenant.ClientKey, inv.ID, fee, date("2026-11-16"))
				}
			case 4:
				op = "waive"
				_, err = b.svc.WaiveLateFees(b.ctx, b.manager, inv.ID, amount(invoice.LateFeesOutstanding(&inv)), "goodwill")
			}
			if err != nil && !remit.IsKind(err, remit.Unprocessable) {
				t.Fatalf("run %d step %d %s: %v", run, step, op, err)
			}
			if err == nil {
				accepted[op]++
			}
			if inv, err = b.svc.Detail(b.ctx, b.tenant.ClientKey, inv.ID); err != nil {
				t.Fatal(err)
			}
			requirePlanFollows(t, inv, fmt.Sprintf("run %d step %d %s", run, step, op))
		}
	}
	t.Logf("accepted: %v", accepted)
	for _, op := range []string{"pay", "reverse", "credit", "fee", "waive"} {
		if accepted[op] == 0 {
			t.Errorf("no %s was accepted: %v", op, accepted)
		}
	}
}

package billing_test

import (
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/money"
	"github.com/remitapp/remit/internal/remit"
)

// TestBalanceStaysTheDomainsAfterAnyCorrections runs random sequences of
// payments, reversals, credit notes, late fees and waivers (some of them
// refused) on an invoice, and after each step requires the stored
// balance to be what the domain's Balance() makes of the stored parts
// (paid the sum of the payments not reversed, credited the sum of the
// credit notes), the status to be StatusOf's, and the balance never below
// zero.
func TestBalanceStaysTheDomainsAfterAnyCorrections(t *testing.T) {
	t.Parallel()
	b := setup(t)
	inv, _ := b.issued(t)
	rng := rand.New(rand.NewPCG(2026, 11))
	// amount is a random amount of cents up to max (at least 0.01), or
	// sometimes a little more than max, to be refused.
	amount := func(max decimal.Decimal) string {
		cents := max.Shift(2).IntPart()
		n := int64(1)
		if cents > 1 {
			n = 1 + rng.Int64N(cents)
		}
		if rng.IntN(6) == 0 {
			n = cents + 1
		}
		return money.Format(decimal.New(n, -2), "USD")
	}
	fees := decimal.Zero
	accepted := map[string]int{}
	for step := range 120 {
		var err error
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
				continue // the follow-up engine charges fees on open invoices only
			}
			fees = fees.Add(decimal.New(int64(1+rng.IntN(3000)), -2))
			err = b.db.SetInvoiceLateFees(b.ctx, nil, b.tenant.ClientKey, inv.ID, fees, "system", "late fee")
		case 4:
			op = "waive"
			_, err = b.svc.WaiveLateFees(b.ctx, b.manager, inv.ID, amount(invoice.LateFeesOutstanding(&inv)), "goodwill")
		}
		if err != nil && !remit.IsKind(err, remit.Unprocessable) {
			t.Fatalf("step %d %s: %v", step, op, err)
		}
		if err == nil {
			accepted[op]++
		}
		if inv, err = b.svc.Detail(b.ctx, b.tenant.ClientKey, inv.ID); err != nil {
			t.Fatal(err)
		}
		credited := decimal.Zero
		for _, cn := range inv.CreditNotes {
			credited = credited.Add(cn.Total)
		}
		want := inv
		want.Paid, want.Credited = invoice.PaidOf(inv.Payments), credited
		if !inv.Paid.Equal(want.Paid) || !inv.Credited.Equal(credited) {
			t.Fatalf("step %d %s: stored paid %s and credited %s, payments and credit notes say %s and %s",
				step, op, inv.Paid, inv.Credited, want.Paid, credited)
		}
		if inv.Balance().IsNegative() || !inv.Balance().Equal(want.Balance()) {
			t.Fatalf("step %d %s: balance %s, domain %s", step, op, inv.Balance(), want.Balance())
		}
		if st := invoice.StatusOf(&want); inv.Status != st {
			t.Fatalf("step %d %s: status %s, StatusOf says %s (balance %s)", step, op, inv.Status, st, inv.Balance())
		}
	}
	t.Logf("accepted: %v", accepted)
	for _, op := range []string{"pay", "reverse", "credit", "fee", "waive"} {
		if accepted[op] == 0 {
			t.Errorf("no %s was accepted in the run: %v", op, accepted)
		}
	}
}

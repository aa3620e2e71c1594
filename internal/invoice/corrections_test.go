package invoice

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/money"
	"github.com/remitapp/remit/internal/remit"
)

// issuedFixture is the invoice of TestIssue as the store would hold it.
func issuedFixture(t *testing.T) (Invoice, Document) {
	t.Helper()
	in := issueInput()
	in.Customer.TaxCategory, in.Customer.TaxExemptionReason = TaxStandard, "" // 19% VAT
	for i := range in.Lines {
		in.Lines[i].TaxCategory = TaxStandard
	}
	doc, err := Issue(in)
	if err != nil {
		t.Fatal(err)
	}
	inv := Invoice{ID: 1, Number: doc.Number, Status: StatusOpen, Currency: doc.Currency, Subtotal: doc.Totals.TaxableBase,
		Tax: doc.Totals.Tax, Total: doc.Totals.Total, Paid: decimal.Zero, LateFees: decimal.Zero, IssueDate: doc.IssueDate, DueDate: doc.DueDate}
	return inv, doc
}

func TestIssueCreditNote(t *testing.T) {
	inv, doc := issuedFixture(t) // 684.00 net + 129.96 VAT = 813.96
	if !inv.Total.Equal(dec("813.96")) {
		t.Fatalf("fixture total %s", inv.Total)
	}
	issued := Date{2026, 12, 10}
	cases := []struct {
		name               string
		inv                func(Invoice) Invoice
		credited           string
		in                 CreditNoteInput
		field              string // "" = valid
		amount, tax, total string
	}{
		{"an amount", nil, "0", CreditNoteInput{Amount: "100.00", Reason: "Two hours billed twice"}, "", "100.00", "19.00", "119.00"},
		{"lines", nil, "0", CreditNoteInput{Lines: []LineItemInput{{Kind: "fixed", Description: "Retainer overcharge", Quantity: "0.5", UnitPrice: "100"}}, Reason: "Half retainer"}, "", "50.00", "9.50", "59.50"},
		{"the whole invoice", nil, "0", CreditNoteInput{Amount: "684.00", Reason: "Cancelled"}, "", "684.00", "129.96", "813.96"},
		{"past the balance", func(i Invoice) Invoice { i.Paid = dec("800.00"); i.Status = StatusPartiallyPaid; return i }, "0",
			CreditNoteInput{Amount: "20.00", Reason: "x"}, "amount", "", "", ""}, // 23.80 > 13.96
		{"past the net left", nil, "600.00", CreditNoteInput{Amount: "100.00", Reason: "x"}, "amount", "", "", ""},
		{"no reason", nil, "0", CreditNoteInput{Amount: "10.00", Reason: " "}, "reason", "", "", ""},
		{"neither amount nor lines", nil, "0", CreditNoteInput{Reason: "x"}, "amount", "", "", ""},
		{"both", nil, "0", CreditNoteInput{Amount: "1.00", Lines: []LineItemInput{{Kind: "expense", Description: "x", Amount: "1.00"}}, Reason: "x"}, "amount", "", "", ""},
		{"finer than a cent", nil, "0", CreditNoteInput{Amount: "1.001", Reason: "x"}, "amount", "", "", ""},
		{"a bad line", nil, "0", CreditNoteInput{Lines: []LineItemInput{{Kind: "fixed", Description: "x"}}, Reason: "x"}, "lines[0].quantity", "", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			i := inv
			if c.inv != nil {
				i = c.inv(i)
			}
			cn, err := IssueCreditNote(&i, &doc, dec(c.credited), c.in, "CN-2026-0001", issued)
			if c.field != "" {
				if f := fieldsOf(t, err); f[c.field] == "" {
					t.Fatalf("err %v, want one naming %s", err, c.field)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !cn.Amount.Equal(dec(c.amount)) || !cn.Tax.Equal(dec(c.tax)) || !cn.Total.Equal(dec(c.total)) {
				t.Fatalf("credit note %s + %s = %s, want %s + %s = %s", cn.Amount, cn.Tax, cn.Total, c.amount, c.tax, c.total)
			}
			d := cn.Document
			if d.Kind != KindCreditNote || d.InvoiceNumber != "INV-2026-0042" || d.Reason == "" || d.Buyer.Name != doc.Buyer.Name || d.IssueDate != issued {
				t.Fatalf("credit-note document %+v", d)
			}
			after := ApplyCreditNote(i, cn.Total)
			if !after.Balance().Equal(i.Balance().Sub(cn.Total)) {
				t.Fatalf("balance %s after a credit of %s on %s", after.Balance(), cn.Total, i.Balance())
			}
			if after.Balance().IsZero() && after.Status != StatusPaid {
				t.Fatalf("a fully credited invoice is %s", after.Status)
			}
		})
	}
	voided := inv
	voided.Status = StatusVoid
	if _, err := IssueCreditNote(&voided, &doc, decimal.Zero, CreditNoteInput{Amount: "1.00", Reason: "x"}, "CN-1", issued); !remit.IsKind(err, remit.Unprocessable) {
		t.Fatalf("credit on a void invoice: %v", err)
	}
	if _, err := IssueCreditNote(&inv, &doc, decimal.Zero, CreditNoteInput{Amount: "1.00", Reason: "x"}, "CN-1", Date{2026, 11, 30}); fieldsOf(t, err)["issueDate"] == "" {
		t.Fatalf("credit note dated before its invoice: %v", err)
	}
}

func TestReversePayment(t *testing.T) {
	at := time.Date(2026, 12, 20, 9, 0, 0, 0, time.UTC)
	inv, _ := issuedFixture(t)
	inv.Payments = []Payment{{ID: 1, Amount: dec("400.00")}, {ID: 2, Amount: dec("413.96")}}
	inv.Paid, inv.Status = dec("813.96"), StatusPaid
	inv.Plan = []Installment{{Amount: dec("400.00"), Paid: dec("400.00"), SettledAt: &at}, {Amount: dec("413.96"), Paid: dec("413.96"), SettledAt: &at}}

	after, err := ReversePayment(inv, 2, "Bounced cheque", "acc-1", at)
	if err != nil {
		t.Fatal(err)
	}
	if after.Status != StatusPartiallyPaid || !after.Paid.Equal(dec("400.00")) || !after.Balance().Equal(dec("413.96")) {
		t.Fatalf("after reversal: %s paid %s balance %s", after.Status, after.Paid, after.Balance())
	}
	p := after.Payments[1]
	if !p.Reversed || p.ReversalReason != "Bounced cheque" || p.ReversedBy != "acc-1" || p.ReversedAt == nil || len(after.Payments) != 2 {
		t.Fatalf("the reversed payment %+v", p)
	}
	if inv.Payments[1].Reversed {
		t.Fatal("ReversePayment modified its input")
	}
	if len(after.Plan) != 2 || after.Plan[1].SettledAt == nil {
		t.Fatalf("ReversePayment changed the plan, which RaisePlan adds back to: %+v", after.Plan)
	}
	again, err := ReversePayment(after, 1, "Wrong customer", "acc-1", at)
	if err != nil || again.Status != StatusOpen || !again.Balance().Equal(inv.Total) {
		t.Fatalf("second reversal: %v %s %s", err, again.Status, again.Balance())
	}
	refusals := []struct {
		name string
		inv  Invoice
		id   int64
		why  string
		kind remit.Kind
	}{
		{"twice", after, 2, "again", remit.Unprocessable},
		{"no reason", inv, 1, " ", remit.Unprocessable},
		{"unknown payment", inv, 9, "x", remit.NotFound},
		{"written off", func() Invoice { i := inv; i.Status = StatusUncollectible; return i }(), 1, "x", remit.Unprocessable},
	}
	for _, r := range refusals {
		if _, err := ReversePayment(r.inv, r.id, r.why, "acc-1", at); !remit.IsKind(err, r.kind) {
			t.Errorf("%s: err %v, want %s", r.name, err, r.kind)
		}
	}
}

func TestWaiveLateFees(t *testing.T) {
	inv, _ := issuedFixture(t)
	inv.LateFees = dec("40.00")
	cases := []struct {
		name           string
		edit           func(i *Invoice)
		amount, reason string
		field          string
		balance        string
	}{
		{"part", nil, "15.00", "Goodwill", "", "838.96"},
		{"all", nil, "40.00", "Goodwill", "", "813.96"},
		{"more than charged", nil, "40.01", "x", "amount", ""},
		{"more than left after an earlier waiver", func(i *Invoice) { i.LateFeesWaived = dec("30.00") }, "10.01", "x", "amount", ""},
		{"fees already paid", func(i *Invoice) { i.Paid = dec("843.96"); i.Status = StatusPartiallyPaid }, "10.01", "x", "amount", ""}, // 10.00 left owed
		{"no reason", nil, "1.00", "", "reason", ""},
		{"zero", nil, "0", "x", "amount", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			i := inv
			if c.edit != nil {
				c.edit(&i)
			}
			after, a, err := WaiveLateFees(i, c.amount, c.reason)
			if c.field != "" {
				if f := fieldsOf(t, err); f[c.field] == "" {
					t.Fatalf("err %v, want one naming %s", err, c.field)
				}
				return
			}
			if err != nil || !a.Equal(dec(c.amount)) || !after.Balance().Equal(dec(c.balance)) {
				t.Fatalf("waived %s, balance %s (%v); want %s", a, after.Balance(), err, c.balance)
			}
		})
	}
}

// TestCorrectionsKeepTheBalance runs random histories of payments,
// reversals, late fees, waivers and credit notes against an invoice and
// checks after every step that the balance is total + fees − waived −
// payments not reversed − credits, that it never goes below zero (no
// credit note or waiver exceeds it, no payment overpays), and that the
// status follows the figures.
func TestCorrectionsKeepTheBalance(t *testing.T) {
	rng := rand.New(rand.NewPCG(2026, 12))
	at := time.Date(2026, 12, 20, 9, 0, 0, 0, time.UTC)
	base, doc := issuedFixture(t)
	cur := base.Currency
	amountUpTo := func(limit decimal.Decimal) string {
		units := limit.Shift(cur.Exponent()).IntPart()
		if rng.IntN(4) == 0 {
			units += 1 + rng.Int64N(1000) // sometimes too much, to be refused
		}
		return money.Format(decimal.New(rng.Int64N(units+1), -cur.Exponent()), cur)
	}
	for h := 0; h < 400; h++ {
		inv := base
		creditedNet, credits, fees, waived := decimal.Zero, decimal.Zero, decimal.Zero, decimal.Zero
		var nextID int64
		planned := h%2 == 1 // every other history on a payment plan of three installments
		if planned {
			third := money.Round(inv.Balance().Div(decimal.NewFromInt(3)), cur)
			ins := []InstallmentInput{{Date{2026, 12, 31}, money.Format(third, cur)}, {Date{2027, 1, 31}, money.Format(third, cur)},
				{Date{2027, 2, 28}, money.Format(inv.Balance().Sub(third.Mul(decimal.NewFromInt(2))), cur)}}
			plan, err := CheckPlan(&inv, ins)
			if err != nil {
				t.Fatal(err)
			}
			inv.Plan = plan
		}
		for step := 0; step < 25; step++ {
			switch rng.IntN(5) {
			case 0: // a payment
				a, err := CheckPayment(&inv, PaymentInput{Amount: amountUpTo(inv.Balance()), PaidOn: Date{2026, 12, 5}, Method: "bank"}, Date{2026, 12, 20})
				if err == nil {
					nextID++
					inv.Payments = append(inv.Payments, Payment{ID: nextID, Amount: a})
					inv.Paid = inv.Paid.Add(a)
					inv.Status = StatusAfterPaid(&inv, inv.Paid)
					inv.Plan = Settle(inv.Plan, a, at)
				}
			case 1: // a reversal
				if len(inv.Payments) > 0 {
					id := 1 + rng.Int64N(int64(len(inv.Payments)))
					if next, err := ReversePayment(inv, id, "error", "acc", at); err == nil {
						next.Plan = RaisePlan(next.Plan, next.Payments[id-1].Amount, Date{2026, 12, 20})
						inv = next
					}
				}
			case 2: // a late fee charged, added to the plan as the engine adds it
				if inv.Open() {
					fee := decimal.New(1+rng.Int64N(5000), -2)
					inv.LateFees = inv.LateFees.Add(fee)
					fees = fees.Add(fee)
					inv.Status = StatusOf(&inv)
					inv.Plan = RaisePlan(inv.Plan, fee, Date{2026, 12, 20})
				}
			case 3: // a waiver
				if next, a, err := WaiveLateFees(inv, amountUpTo(LateFeesOutstanding(&inv)), "goodwill"); err == nil {
					inv, waived = next, waived.Add(a)
					inv.Plan = LowerPlan(inv.Plan, a, at)
				}
			case 4: // a credit note
				before := inv.Balance()
				cn, err := IssueCreditNote(&inv, &doc, creditedNet, CreditNoteInput{Amount: amountUpTo(before), Reason: "fix"}, fmt.Sprintf("CN-%d", step), Date{2026, 12, 20})
				if err == nil {
					if cn.Total.GreaterThan(before) {
						t.Fatalf("credit note of %s on a balance of %s", cn.Total, before)
					}
					inv = ApplyCreditNote(inv, cn.Total)
					inv.Plan = LowerPlan(inv.Plan, cn.Total, at)
					creditedNet, credits = creditedNet.Add(cn.Amount), credits.Add(cn.Total)
				}
			}
			if planned {
				checkPlan(t, inv, fmt.Sprintf("history %d step %d", h, step))
			}
			want := base.Total.Add(fees).Sub(waived).Sub(PaidOf(inv.Payments)).Sub(credits)
			switch {
			case !inv.Balance().Equal(want):
				t.Fatalf("history %d step %d: balance %s, want %s", h, step, inv.Balance(), want)
			case inv.Balance().IsNegative():
				t.Fatalf("history %d step %d: balance %s below zero", h, step, inv.Balance())
			case !inv.Paid.Equal(PaidOf(inv.Payments)):
				t.Fatalf("paid %s, payments not reversed %s", inv.Paid, PaidOf(inv.Payments))
			case inv.Status != StatusOf(&inv):
				t.Fatalf("history %d step %d: status %s with balance %s paid %s", h, step, inv.Status, inv.Balance(), inv.Paid)
			case creditedNet.GreaterThan(doc.Totals.TaxableBase):
				t.Fatalf("credited %s of a net %s", creditedNet, doc.Totals.TaxableBase)
			}
		}
	}
}

// checkPlan requires inv's plan to add up to its balance, each
// installment paid within its amount (never below zero), settled exactly
// when paid in full, and none after the invoice is settled left owing.
func checkPlan(t *testing.T, inv Invoice, where string) {
	t.Helper()
	if !PlanBalance(inv.Plan).Equal(inv.Balance()) {
		t.Fatalf("%s: the installments owe %s, the balance is %s: %+v", where, PlanBalance(inv.Plan), inv.Balance(), inv.Plan)
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

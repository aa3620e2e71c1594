package invoice

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/money"
	"github.com/remitapp/remit/internal/remit"
)

// maxInstallments bounds one payment plan.
const maxInstallments = 120

// Installment is one dated part of a payment plan. The follow-up engine
// chases each installment on its own, so it keeps what was paid towards
// it and when it was settled.
type Installment struct {
	ID        int64
	DueDate   Date
	Amount    decimal.Decimal
	Paid      decimal.Decimal
	SettledAt *time.Time // set once Paid reaches Amount
}

// Settled reports whether the installment is paid in full.
func (in Installment) Settled() bool { return in.SettledAt != nil }

// Balance is what is still owed on the installment.
func (in Installment) Balance() decimal.Decimal { return in.Amount.Sub(in.Paid) }

// InstallmentInput is an installment as someone asks for it.
type InstallmentInput struct {
	DueDate Date
	Amount  string
}

// CheckPlan validates a payment plan for inv and returns its
// installments, unpaid: at least one, amounts positive and exact in the
// currency, due dates strictly increasing and not before the issue date,
// summing to exactly the balance. Only an open or partially paid invoice
// can get a plan. Problems are remit.Unprocessable naming the field
// ("installments[2].amount").
func CheckPlan(inv *Invoice, ins []InstallmentInput) ([]Installment, error) {
	const op = "invoice.CheckPlan"
	if !inv.Open() {
		return nil, remit.Errorf(remit.Unprocessable, op, "invoice %s is %s; only an open invoice can get a payment plan", inv.Number, inv.Status)
	}
	f := map[string]string{}
	switch {
	case len(ins) == 0:
		f["installments"] = "a plan needs at least one installment"
	case len(ins) > maxInstallments:
		f["installments"] = fmt.Sprintf("a plan may have at most %d installments", maxInstallments)
	}
	out := make([]Installment, 0, len(ins))
	sum := decimal.Zero
	var prev Date
	for i, in := range ins {
		field := func(name string) string { return fmt.Sprintf("installments[%d].%s", i, name) }
		amount, err := money.Parse(in.Amount, inv.Currency)
		switch {
		case in.Amount == "":
			f[field("amount")] = "is required"
		case err != nil:
			f[field("amount")] = "must be a plain decimal with at most " + exponentText(inv.Currency) + " for " + string(inv.Currency)
		case !amount.IsPositive():
			f[field("amount")] = "must be more than zero"
		}
		switch {
		case in.DueDate.IsZero():
			f[field("dueDate")] = "is required"
		case in.DueDate.Before(inv.IssueDate):
			f[field("dueDate")] = "must not be before the issue date " + inv.IssueDate.String()
		case i > 0 && !prev.IsZero() && !prev.Before(in.DueDate):
			f[field("dueDate")] = "must be after the previous installment's due date"
		}
		prev = in.DueDate
		sum = sum.Add(amount)
		out = append(out, Installment{DueDate: in.DueDate, Amount: amount, Paid: decimal.Zero})
	}
	if len(f) == 0 && !sum.Equal(inv.Balance()) {
		f["installments"] = fmt.Sprintf("the installments add up to %s but the balance is %s %s",
			money.Format(sum, inv.Currency), money.Format(inv.Balance(), inv.Currency), inv.Currency)
	}
	if len(f) > 0 {
		return nil, remit.FieldErrors(remit.Unprocessable, op, "the payment plan is not valid", f)
	}
	return out, nil
}

// Settle applies a payment of amount to the installments oldest first
// and returns them updated, settling each one the payment completes at
// instant at. The input is not modified. What exceeds the plan is
// ignored: the plan covers the balance it was made for.
func Settle(ins []Installment, amount decimal.Decimal, at time.Time) []Installment {
	out := make([]Installment, len(ins))
	copy(out, ins)
	left := amount
	for i := range out {
		if !left.IsPositive() {
			break
		}
		owed := out[i].Balance()
		if !owed.IsPositive() {
			continue
		}
		take := decimal.Min(owed, left)
		out[i].Paid = out[i].Paid.Add(take)
		left = left.Sub(take)
		if out[i].Paid.Equal(out[i].Amount) {
			settled := at
			out[i].SettledAt = &settled
		}
	}
	return out
}

// PlanBalance is what is still owed on a plan's installments together.
// While an invoice has a plan, it equals the invoice's balance: every
// change of the balance changes the plan with it (Settle, LowerPlan,
// RaisePlan, and the late fees the follow-up engine adds to the plan).
func PlanBalance(ins []Installment) decimal.Decimal {
	sum := decimal.Zero
	for _, in := range ins {
		sum = sum.Add(in.Balance())
	}
	return sum
}

// LowerPlan takes amount off a payment plan, for a credit note or a
// late-fee waiver that lowered the invoice's balance by amount: from the
// last installment still owing backwards, each lowered at most to what
// was paid towards it (never below zero); one lowered to what was paid is
// settled at instant at. So the installments keep adding up to the
// balance. What exceeds the plan's balance is ignored. The input is not
// modified.
func LowerPlan(ins []Installment, amount decimal.Decimal, at time.Time) []Installment {
	if ins == nil {
		return nil
	}
	out := make([]Installment, len(ins))
	copy(out, ins)
	left := amount
	for i := len(out) - 1; i >= 0 && left.IsPositive(); i-- {
		owed := out[i].Balance()
		if !owed.IsPositive() {
			continue
		}
		take := decimal.Min(owed, left)
		out[i].Amount = out[i].Amount.Sub(take)
		left = left.Sub(take)
		if out[i].Paid.Equal(out[i].Amount) {
			settled := at
			out[i].SettledAt = &settled
		}
	}
	return out
}

// RaisePlan adds amount to a payment plan, for a reversed payment that
// raised the invoice's balance by amount: to the last installment not
// yet settled, or, when every installment is settled, as a new last
// installment (ID 0) due on due, or the day after the plan's last due
// date if that is later. It is the rule late fees follow (SPEC §5). An
// invoice without a plan keeps none. The input is not modified.
func RaisePlan(ins []Installment, amount decimal.Decimal, due Date) []Installment {
	if len(ins) == 0 || !amount.IsPositive() {
		return ins
	}
	out := make([]Installment, len(ins), len(ins)+1)
	copy(out, ins)
	for i := len(out) - 1; i >= 0; i-- {
		if !out[i].Settled() {
			out[i].Amount = out[i].Amount.Add(amount)
			return out
		}
	}
	if last := out[len(out)-1].DueDate.AddDays(1); due.Before(last) {
		due = last
	}
	return append(out, Installment{DueDate: due, Amount: amount, Paid: decimal.Zero})
}

package invoice

import (
	"time"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/money"
	"github.com/remitapp/remit/internal/remit"
)

// MethodJiraTransition is the payment method of a payment recorded
// because a person moved the invoice issue to the paid status in Jira.
const MethodJiraTransition = "jira-transition"

// maxMethodLen and maxReferenceLen bound the free-text payment fields.
const (
	maxMethodLen    = 64
	maxReferenceLen = 255
)

// Payment is money received against an invoice. Payments are only ever
// added; the invoice's Paid is their sum.
type Payment struct {
	ID         int64
	Amount     decimal.Decimal
	PaidOn     Date
	Method     string
	Reference  string
	RecordedBy string // accountId, "jira" or "system"
	RecordedAt time.Time
	// A payment recorded in error is reversed, never deleted: it stays in
	// the history, and Paid no longer counts it.
	Reversed       bool
	ReversedAt     *time.Time
	ReversalReason string
	ReversedBy     string
	// Returned is how much of the payment went back to the payer after
	// it was received: a card refund, or a card dispute not won. The
	// payment stays as it was received; Paid counts Amount - Returned.
	Returned decimal.Decimal
}

// Kept is what the payment still counts for: nothing once reversed,
// else what was received less what went back.
func (p Payment) Kept() decimal.Decimal {
	if p.Reversed {
		return decimal.Zero
	}
	return p.Amount.Sub(p.Returned)
}

// PaymentInput is a payment as someone asks to record it: the amount is
// text because only the invoice's currency says how many decimals it may
// have.
type PaymentInput struct {
	Amount    string
	PaidOn    Date
	Method    string
	Reference string
}

// CheckPayment validates in against inv as of today (in the tenant's
// zone) and returns the exact amount. Field problems are
// remit.Unprocessable naming the field: a non-positive amount, one finer
// than the currency's minor unit, more than the balance, a date in the
// future or before the invoice was issued, and an invoice that expects no
// money (paid, void, written off).
func CheckPayment(inv *Invoice, in PaymentInput, today Date) (decimal.Decimal, error) {
	const op = "invoice.CheckPayment"
	f := map[string]string{}
	amount, err := money.Parse(in.Amount, inv.Currency)
	switch {
	case in.Amount == "":
		f["amount"] = "is required"
	case err != nil:
		f["amount"] = "must be a plain decimal with at most " + exponentText(inv.Currency) + " for " + string(inv.Currency)
	case !amount.IsPositive():
		f["amount"] = "must be more than zero"
	case inv.Open() && amount.GreaterThan(inv.Balance()):
		f["amount"] = "is more than the balance of " + money.Format(inv.Balance(), inv.Currency) + " " + string(inv.Currency)
	}
	switch {
	case in.PaidOn.IsZero():
		f["paidOn"] = "is required"
	case today.Before(in.PaidOn):
		f["paidOn"] = "must not be in the future"
	case in.PaidOn.Before(inv.IssueDate):
		f["paidOn"] = "must not be before the issue date " + inv.IssueDate.String()
	}
	if in.Method == "" {
		f["method"] = "is required"
	} else if len(in.Method) > maxMethodLen {
		f["method"] = "must be at most 64 characters"
	}
	if len(in.Reference) > maxReferenceLen {
		f["reference"] = "must be at most 255 characters"
	}
	if !inv.Open() {
		return decimal.Zero, remit.Errorf(remit.Unprocessable, op, "invoice %s is %s and takes no payments", inv.Number, inv.Status)
	}
	if len(f) > 0 {
		return decimal.Zero, remit.FieldErrors(remit.Unprocessable, op, "the payment is not valid", f)
	}
	return amount, nil
}

// StatusAfterPaid is the status of an open invoice once paid in total
// has been received: paid when nothing is left, partially paid when
// something was received, open otherwise.
func StatusAfterPaid(inv *Invoice, paid decimal.Decimal) Status {
	switch {
	case !paid.LessThan(inv.Owed()):
		return StatusPaid
	case paid.IsPositive():
		return StatusPartiallyPaid
	}
	return StatusOpen
}

func exponentText(c money.Currency) string {
	switch e := c.Exponent(); e {
	case 0:
		return "no decimals"
	case 1:
		return "1 decimal"
	default:
		return decimal.NewFromInt32(e).String() + " decimals"
	}
}

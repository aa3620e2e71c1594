package billing

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/money"
	"github.com/remitapp/remit/internal/store"
)

// Received is money a payment provider says arrived for an invoice.
type Received struct {
	Amount    decimal.Decimal
	Currency  money.Currency
	At        time.Time // when the provider took it
	Method    string    // "card"
	Reference string    // the provider's id of the payment, e.g. Stripe's payment intent
	By        string    // who records it in the audit log, e.g. "stripe"
}

// ReceivedOutcome is what RecordReceived made of the money.
type ReceivedOutcome struct {
	// Payment is the payment recorded; its ID is 0 when nothing was (the
	// invoice expected no more money, or another currency).
	Payment invoice.Payment
	// Excess is what arrived beyond what the invoice still owed: flagged,
	// never recorded as a payment.
	Excess decimal.Decimal
}

// RecordReceived records money a payment provider confirmed, in the
// caller's unit of work tx, which holds the provider's claim on the
// event so that both commit or neither does. No person's permission is
// asked: the provider's verified signature is the authority.
//
// What the invoice still owes is recorded as a payment with r's method
// and reference, through the same path as RecordPayment (the plan is
// settled oldest first, the ladder rescheduled, the Jira property
// synced). What arrived beyond that, all of it when the invoice is
// already paid, void or written off or in another currency, is never
// recorded as a payment, so the balance cannot go negative: it is an
// "overpayment" entry in the audit log and a comment on the invoice
// issue, for a person to refund.
func (s *Service) RecordReceived(ctx context.Context, tx *store.Tx, clientKey string, id int64, r Received) (ReceivedOutcome, error) {
	out := ReceivedOutcome{Excess: r.Amount}
	set, _, err := s.DB.GetSettings(ctx, clientKey)
	if err != nil {
		return out, err
	}
	inv, err := s.DB.InvoiceForUpdate(ctx, tx, clientKey, id)
	if err != nil {
		return out, err
	}
	why := ""
	switch {
	case r.Currency != inv.Currency:
		why = fmt.Sprintf("it arrived in %s and invoice %s is in %s", r.Currency, inv.Number, inv.Currency)
	case !inv.Open() || !inv.Balance().IsPositive():
		why = fmt.Sprintf("invoice %s is %s and expects no more money", inv.Number, inv.Status)
	default:
		apply := decimal.Min(r.Amount, inv.Balance())
		out.Excess = r.Amount.Sub(apply)
		if out.Excess.IsPositive() {
			why = fmt.Sprintf("the balance of invoice %s was %s %s", inv.Number, money.Format(inv.Balance(), inv.Currency), inv.Currency)
		}
		out.Payment = invoice.Payment{Amount: apply, PaidOn: paidOn(inv, r.At, s.Now(), set.Location()),
			Method: r.Method, Reference: r.Reference, RecordedBy: r.By}
		if err := s.applyPayment(ctx, tx, clientKey, inv, &out.Payment); err != nil {
			return out, err
		}
		inv.Paid = inv.Paid.Add(apply)
		inv.Status = invoice.StatusAfterPaid(&inv, inv.Paid)
	}
	if out.Excess.IsPositive() {
		excess := money.Format(out.Excess, r.Currency) + " " + string(r.Currency)
		doc := stateOf(inv)
		doc.Note = fmt.Sprintf("%s received by %s (%s) was not recorded as a payment: %s; refund it", excess, r.Method, r.Reference, why)
		doc.Payment = map[string]any{"excess": money.Format(out.Excess, r.Currency), "currency": string(r.Currency),
			"method": r.Method, "reference": r.Reference}
		if err := s.audit(ctx, tx, clientKey, r.By, "overpayment", id, stateOf(inv), doc); err != nil {
			return out, err
		}
		notice := fmt.Sprintf("Remit received %s by %s (reference %s) beyond what invoice %s owed: %s. "+
			"It was not recorded as a payment; refund it to the customer.", excess, r.Method, r.Reference, inv.Number, why)
		if err := s.DB.AddJiraNotice(ctx, tx, clientKey, id, notice); err != nil {
			return out, err
		}
	}
	return out, s.syncLater(ctx, tx, clientKey, id)
}

// paidOn is the day money taken at at counts as paid, in the tenant's
// zone: never before the invoice was issued, never after today.
func paidOn(inv invoice.Invoice, at, now time.Time, loc *time.Location) invoice.Date {
	d, today := invoice.DateOf(at.In(loc)), invoice.DateOf(now.In(loc))
	if today.Before(d) {
		d = today
	}
	if d.Before(inv.IssueDate) {
		d = inv.IssueDate
	}
	return d
}

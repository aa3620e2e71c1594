package billing

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/money"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// Money a payment provider gives back after it confirmed a payment: a
// refund, or a card dispute (a chargeback) that takes it back until the
// dispute is closed. The payment stays in the history as it was
// received; what went back is its Returned part, which Paid no longer
// counts, so the invoice owes it again (a payment plan takes it back on
// its last open installment, as for a reversal). A dispute also marks the
// invoice disputed, which pauses its follow-ups as the panel's dispute
// does; a dispute won brings the money back and lifts it.

// Returned is money a provider gave back from a payment it had confirmed.
type Returned struct {
	PaymentID int64           // the payment the money came from; 0 when none was recorded
	Amount    decimal.Decimal // what went back
	// Excess is the part of Amount that was never recorded as a payment
	// (what arrived beyond the balance): it is not taken off the invoice.
	Excess    decimal.Decimal
	Currency  money.Currency
	Reference string // the provider's id of the refund or dispute (re_…, dp_…)
	Reason    string // the provider's reason, when it gives one
	By        string // who records it in the audit log, e.g. "stripe"
	// Dispute marks the invoice disputed: a card dispute was opened.
	Dispute bool
	// Lost says the dispute was closed lost before Remit heard it open.
	Lost bool
}

// The audit actions of money given back, and of a dispute's end.
const (
	ActionCardRefund      = "card_refund"
	ActionCardDispute     = "card_dispute"
	ActionCardDisputeWon  = "card_dispute_won"
	ActionCardDisputeLost = "card_dispute_lost"
)

// ReturnReceived takes what a provider gave back off the payment it came
// from, in the caller's unit of work tx (which holds the provider's claim
// on the refund or dispute), and returns how much was taken off: no more
// than the payment still counts for; nothing for a payment reversed
// meanwhile, one never recorded, another currency, or a void or
// written-off invoice. Whatever it takes off, it writes an audit entry
// (card_refund or card_dispute) and a comment on the invoice issue that
// say what happened, reschedules the follow-ups and wakes the Jira sync.
// No person's permission is asked: the provider's verified signature is
// the authority.
func (s *Service) ReturnReceived(ctx context.Context, tx *store.Tx, clientKey string, id int64, r Returned) (decimal.Decimal, error) {
	const op = "billing.ReturnReceived"
	set, _, err := s.DB.GetSettings(ctx, clientKey)
	if err != nil {
		return decimal.Zero, err
	}
	inv, err := s.DB.InvoiceForUpdate(ctx, tx, clientKey, id)
	if err != nil {
		return decimal.Zero, err
	}
	if inv.Payments, err = s.DB.PaymentsIn(ctx, tx, clientKey, id); err != nil {
		return decimal.Zero, err
	}
	i := slices.IndexFunc(inv.Payments, func(p invoice.Payment) bool { return p.ID == r.PaymentID && r.PaymentID != 0 })
	applied, why := decimal.Zero, ""
	switch {
	case r.Currency != inv.Currency:
		why = fmt.Sprintf("it is in %s and invoice %s is in %s", r.Currency, inv.Number, inv.Currency)
	case i < 0:
		why = "it was never recorded as a payment of the invoice"
	case inv.Payments[i].Reversed:
		why = fmt.Sprintf("payment #%d was reversed already", r.PaymentID)
	case inv.Status == invoice.StatusVoid || inv.Status == invoice.StatusUncollectible:
		why = fmt.Sprintf("invoice %s is %s", inv.Number, inv.Status)
	default:
		owed := decimal.Max(r.Amount.Sub(r.Excess), decimal.Zero)
		applied = decimal.Min(owed, inv.Payments[i].Kept())
		switch {
		case applied.LessThan(owed):
			why = fmt.Sprintf("payment #%d counted for only %s", r.PaymentID, amountText(inv.Payments[i].Kept(), inv.Currency))
		case r.Excess.IsPositive():
			why = "it was money received beyond the balance, never recorded as a payment"
		}
	}
	next := inv
	next.Payments = slices.Clone(inv.Payments)
	var before, plan []invoice.Installment
	if applied.IsPositive() {
		next.Payments[i].Returned = next.Payments[i].Returned.Add(applied)
		next.Paid = invoice.PaidOf(next.Payments)
		next.Status = invoice.StatusOf(&next)
		paid, err := s.DB.ReturnPayment(ctx, tx, clientKey, id, r.PaymentID, applied, string(next.Status))
		if err != nil {
			return decimal.Zero, err
		}
		if !paid.Equal(next.Paid) {
			return decimal.Zero, remit.Errorf(remit.Internal, op, "invoice %d: stored paid %s, computed %s", id, paid, next.Paid)
		}
		today := invoice.DateOf(tx.Now().In(set.Location()))
		if before, plan, err = s.followPlan(ctx, tx, clientKey, id, func(ins []invoice.Installment) []invoice.Installment {
			return invoice.RaisePlan(ins, applied, today)
		}); err != nil {
			return decimal.Zero, err
		}
	}
	disputed := ""
	if r.Dispute {
		if d, err := invoice.Apply(next, invoice.ActionDispute); err == nil {
			if err := s.DB.SetInvoiceDisputed(ctx, tx, clientKey, id, true); err != nil {
				return decimal.Zero, err
			}
			next, disputed = d, " The invoice is marked disputed, and its follow-ups pause until the dispute is closed."
		}
	}
	cur := inv.Currency
	what, action := "A refund", ActionCardRefund
	switch {
	case r.Lost:
		what, action = "A card dispute, closed lost,", ActionCardDisputeLost
	case r.Dispute:
		what, action = "A card dispute", ActionCardDispute
	}
	var note strings.Builder
	fmt.Fprintf(&note, "%s (%s) gave %s back to the payer", what, r.Reference, amountText(r.Amount, r.Currency))
	if r.Reason != "" {
		fmt.Fprintf(&note, ", reason %s", strings.ReplaceAll(r.Reason, "_", " "))
	}
	if applied.IsPositive() {
		fmt.Fprintf(&note, "; %s of payment #%d no longer counts", amountText(applied, cur), r.PaymentID)
	}
	if why != "" {
		left := r.Amount.Sub(applied)
		if r.Currency != cur {
			left = r.Amount
		}
		fmt.Fprintf(&note, "; %s of it was not taken off the invoice: %s", amountText(left, r.Currency), why)
	}
	note.WriteString(".")
	doc := stateOf(next)
	doc.Note = note.String()
	doc.Payment = map[string]any{"id": r.PaymentID, "returned": money.Format(applied, cur), "amount": money.Format(r.Amount, r.Currency),
		"currency": string(r.Currency), "reference": r.Reference, "reason": r.Reason}
	doc.Plan = planDoc(plan, cur)
	was := stateOf(inv)
	was.Plan = planDoc(before, cur)
	if err := s.audit(ctx, tx, clientKey, r.By, action, id, was, doc); err != nil {
		return decimal.Zero, err
	}
	if err := s.DB.AddJiraNotice(ctx, tx, clientKey, id, fmt.Sprintf("Invoice %s: %s %s%s", inv.Number, note.String(), balanceText(next), disputed)); err != nil {
		return decimal.Zero, err
	}
	return applied, s.syncLater(ctx, tx, clientKey, id)
}

// Restored is money a provider had given back that counts again: a card
// dispute the seller won.
type Restored struct {
	PaymentID int64
	Amount    decimal.Decimal // what ReturnReceived took off for it
	Reference string
	By        string
	// Lift lifts the invoice's dispute: the dispute had marked it. A
	// dispute won before Remit heard it open marked nothing.
	Lift bool
}

// RestoreReturned counts again, in tx, what ReturnReceived took off a
// payment for a dispute now won (never more than is off it, nothing on a
// payment reversed meanwhile), lowers a payment plan by it, and lifts the
// invoice's dispute, so the follow-ups resume with what is still owed.
// It writes a card_dispute_won audit entry and a comment on the invoice
// issue, and wakes the Jira sync.
func (s *Service) RestoreReturned(ctx context.Context, tx *store.Tx, clientKey string, id int64, r Restored) error {
	const op = "billing.RestoreReturned"
	inv, err := s.DB.InvoiceForUpdate(ctx, tx, clientKey, id)
	if err != nil {
		return err
	}
	if inv.Payments, err = s.DB.PaymentsIn(ctx, tx, clientKey, id); err != nil {
		return err
	}
	cur := inv.Currency
	next := inv
	next.Payments = slices.Clone(inv.Payments)
	restored := decimal.Zero
	var before, plan []invoice.Installment
	if i := slices.IndexFunc(next.Payments, func(p invoice.Payment) bool { return p.ID == r.PaymentID }); i >= 0 && !next.Payments[i].Reversed &&
		r.PaymentID != 0 && inv.Status != invoice.StatusVoid && inv.Status != invoice.StatusUncollectible {
		restored = decimal.Min(r.Amount, next.Payments[i].Returned)
	}
	if restored.IsPositive() {
		i := slices.IndexFunc(next.Payments, func(p invoice.Payment) bool { return p.ID == r.PaymentID })
		next.Payments[i].Returned = next.Payments[i].Returned.Sub(restored)
		next.Paid = invoice.PaidOf(next.Payments)
		next.Status = invoice.StatusOf(&next)
		paid, err := s.DB.ReturnPayment(ctx, tx, clientKey, id, r.PaymentID, restored.Neg(), string(next.Status))
		if err != nil {
			return err
		}
		if !paid.Equal(next.Paid) {
			return remit.Errorf(remit.Internal, op, "invoice %d: stored paid %s, computed %s", id, paid, next.Paid)
		}
		if before, plan, err = s.followPlan(ctx, tx, clientKey, id, func(ins []invoice.Installment) []invoice.Installment {
			return invoice.LowerPlan(ins, restored, tx.Now())
		}); err != nil {
			return err
		}
	}
	if d, err := invoice.Apply(next, invoice.ActionUndispute); err == nil && inv.Disputed && r.Lift {
		if err := s.DB.SetInvoiceDisputed(ctx, tx, clientKey, id, false); err != nil {
			return err
		}
		if err := s.DB.WakeFollowupActions(ctx, tx, clientKey, id); err != nil {
			return err
		}
		next = d
	}
	note := fmt.Sprintf("The card dispute %s was won: %s counts again as paid", r.Reference, amountText(restored, cur))
	if restored.IsZero() {
		note = fmt.Sprintf("The card dispute %s was won: nothing had been taken off the invoice for it", r.Reference)
	}
	if inv.Disputed && !next.Disputed {
		note += ", and the invoice is no longer disputed"
	}
	note += "."
	doc := stateOf(next)
	doc.Note = note
	doc.Payment = map[string]any{"id": r.PaymentID, "restored": money.Format(restored, cur), "reference": r.Reference}
	doc.Plan = planDoc(plan, cur)
	was := stateOf(inv)
	was.Plan = planDoc(before, cur)
	if err := s.audit(ctx, tx, clientKey, r.By, ActionCardDisputeWon, id, was, doc); err != nil {
		return err
	}
	if err := s.DB.AddJiraNotice(ctx, tx, clientKey, id, fmt.Sprintf("Invoice %s: %s %s", inv.Number, note, balanceText(next))); err != nil {
		return err
	}
	return s.syncLater(ctx, tx, clientKey, id)
}

// DisputeLost records, in tx, that a card dispute was closed lost: what
// was taken off for it stays off, and the invoice stays disputed for a
// person to settle (write it off, issue a credit note, or lift the
// dispute and chase it). An audit entry and a comment say so.
func (s *Service) DisputeLost(ctx context.Context, tx *store.Tx, clientKey string, id int64, reference string, returned decimal.Decimal, by string) error {
	inv, err := s.DB.InvoiceForUpdate(ctx, tx, clientKey, id)
	if err != nil {
		return err
	}
	note := fmt.Sprintf("The card dispute %s was lost: the %s it took back stays off the invoice. "+
		"Settle the invoice in its panel: write it off, issue a credit note, or lift the dispute to chase it.", reference, amountText(returned, inv.Currency))
	doc := stateOf(inv)
	doc.Note = note
	doc.Payment = map[string]any{"returned": money.Format(returned, inv.Currency), "reference": reference}
	if err := s.audit(ctx, tx, clientKey, by, ActionCardDisputeLost, id, stateOf(inv), doc); err != nil {
		return err
	}
	if err := s.DB.AddJiraNotice(ctx, tx, clientKey, id, fmt.Sprintf("Invoice %s: %s %s", inv.Number, note, balanceText(inv))); err != nil {
		return err
	}
	return s.syncLater(ctx, tx, clientKey, id)
}

package stripepay

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"

	"github.com/shopspring/decimal"
	"github.com/stripe/stripe-go/v82"

	"github.com/remitapp/remit/internal/billing"
	"github.com/remitapp/remit/internal/store"
)

// Refunds and disputes (docs/payments.md, "Refunds and disputes"): money
// Stripe gives back from a card payment Remit recorded is taken off that
// payment, once per refund and dispute, whichever events announce it and
// in whatever order they come.

// The event types that give money back, or bring it back.
const (
	EventChargeRefunded = "charge.refunded"
	EventRefundCreated  = "refund.created"
	EventRefundUpdated  = "refund.updated"
	EventDisputeCreated = "charge.dispute.created"
	EventDisputeClosed  = "charge.dispute.closed"
)

// The outcomes of refunds and disputes.
const (
	Reversed Outcome = "reversed" // money given back is taken off the invoice (or recorded as not owed by it)
	Restored Outcome = "restored" // a dispute won: the money counts again
	Closed   Outcome = "closed"   // a dispute lost after it was opened: what it took stays off
)

// reversal is one refund or dispute an event reports.
type reversal struct {
	id       string // re_… or dp_…
	dispute  bool
	closed   bool   // a dispute's closing event
	status   string // the refund's or dispute's status
	minor    int64
	currency string
	reason   string
}

// reversalsOf reads the refunds or the dispute an event reports, and the
// payment intent they come from; ok is false for other events. A
// charge.refunded event lists the charge's refunds only on API versions
// before 2022-11-15, or when the endpoint expands them; refund.created
// and refund.updated report each refund on any version.
func reversalsOf(ev stripe.Event) (intent string, revs []reversal, ok bool, err error) {
	if ev.Data == nil {
		return "", nil, false, nil
	}
	switch string(ev.Type) {
	case EventRefundCreated, EventRefundUpdated:
		var r stripe.Refund
		if err := json.Unmarshal(ev.Data.Raw, &r); err != nil {
			return "", nil, false, err
		}
		if r.PaymentIntent == nil {
			return "", nil, false, nil
		}
		return r.PaymentIntent.ID, []reversal{refundOf(&r)}, true, nil
	case EventChargeRefunded:
		var c stripe.Charge
		if err := json.Unmarshal(ev.Data.Raw, &c); err != nil {
			return "", nil, false, err
		}
		if c.PaymentIntent == nil || c.Refunds == nil {
			return "", nil, false, nil
		}
		for _, r := range c.Refunds.Data {
			if r != nil && (r.PaymentIntent == nil || r.PaymentIntent.ID == c.PaymentIntent.ID) {
				revs = append(revs, refundOf(r))
			}
		}
		return c.PaymentIntent.ID, revs, len(revs) > 0, nil
	case EventDisputeCreated, EventDisputeClosed:
		var d stripe.Dispute
		if err := json.Unmarshal(ev.Data.Raw, &d); err != nil {
			return "", nil, false, err
		}
		if d.PaymentIntent == nil {
			return "", nil, false, nil
		}
		return d.PaymentIntent.ID, []reversal{{id: d.ID, dispute: true, closed: string(ev.Type) == EventDisputeClosed,
			status: string(d.Status), minor: d.Amount, currency: string(d.Currency), reason: string(d.Reason)}}, true, nil
	}
	return "", nil, false, nil
}

func refundOf(r *stripe.Refund) reversal {
	return reversal{id: r.ID, status: string(r.Status), minor: r.Amount, currency: string(r.Currency), reason: string(r.Reason)}
}

// handleReversals acts on the refunds or dispute of one verified event,
// in one transaction that locks the payment intent's record, so the
// events of one intent are acted on one at a time: the event id is
// claimed, then each refund or dispute by its own id.
func (s *Service) handleReversals(ctx context.Context, ev stripe.Event, intent string, revs []reversal) (Outcome, error) {
	outcome := Ignored
	var clientKey string
	var invoiceID int64
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		outcome = Ignored
		ck, sp, known, err := s.db.StripePaymentByIntent(ctx, tx, intent)
		if err != nil || !known {
			return err // not a payment Remit recorded
		}
		clientKey, invoiceID = ck, sp.InvoiceID
		fresh, err := s.db.ClaimStripeEvent(ctx, tx, ck, ev.ID, string(ev.Type), intent)
		if err != nil {
			return err
		}
		if !fresh {
			outcome = Duplicate
			return nil
		}
		for _, rev := range revs {
			o, err := s.reverse(ctx, tx, ck, sp, ev.ID, rev)
			switch {
			case err != nil:
				return err
			case o == Duplicate && outcome == Ignored:
				outcome = Duplicate // known by another event
			case o != Duplicate && o != Ignored:
				outcome = o
			}
		}
		return nil
	})
	if err != nil {
		return Ignored, err
	}
	s.logger.InfoContext(ctx, "Stripe event handled", slog.String("type", string(ev.Type)), slog.String("outcome", string(outcome)),
		slog.String("client_key", clientKey), slog.Int64("invoice_id", invoiceID), slog.String("stripe_event", ev.ID),
		slog.String("payment_intent", intent))
	return outcome, nil
}

// reverse acts on one refund or dispute of the intent sp, in tx.
func (s *Service) reverse(ctx context.Context, tx *store.Tx, ck string, sp store.StripePayment, eventID string, rev reversal) (Outcome, error) {
	switch {
	case !rev.dispute && rev.status != string(stripe.RefundStatusSucceeded):
		return Ignored, nil // pending, failed or canceled: no money went back (yet)
	case rev.dispute && strings.HasPrefix(rev.status, "warning_"):
		return Ignored, nil // an inquiry: Stripe takes no money back for it
	case rev.dispute && rev.closed && rev.status != string(stripe.DisputeStatusWon) && rev.status != string(stripe.DisputeStatusLost):
		return Ignored, nil
	}
	amount, cur, err := fromStripeAmount(rev.minor, rev.currency)
	if err != nil {
		return Ignored, err
	}
	known, err := s.db.StripeReversals(ctx, tx, ck, sp.PaymentIntent)
	if err != nil {
		return Ignored, err
	}
	var seen *store.StripeReversal
	excess := sp.Excess
	for i, r := range known {
		if r.ID == rev.id {
			seen = &known[i]
		}
		if r.State != store.ReversalWon {
			excess = excess.Sub(r.Amount.Sub(r.Returned)) // the excess these gave back already
		}
	}
	row := store.StripeReversal{ID: rev.id, InvoiceID: sp.InvoiceID, PaymentIntent: sp.PaymentIntent, Kind: store.ReversalRefund,
		State: store.ReversalRefunded, Amount: amount, EventID: eventID}
	back := billing.Returned{PaymentID: sp.PaymentID, Amount: amount, Excess: decimal.Min(amount, decimal.Max(excess, decimal.Zero)),
		Currency: cur, Reference: rev.id, Reason: rev.reason, By: Actor}
	if rev.dispute {
		row.Kind, row.State, back.Dispute = store.ReversalDispute, store.ReversalDisputed, true
	}
	switch {
	case !rev.closed && seen != nil:
		// A replay under another event id, or a dispute that was closed
		// before its opening event came: nothing more to do.
		return Duplicate, nil
	case rev.closed && seen != nil && seen.State != store.ReversalDisputed:
		return Duplicate, nil // closed before
	case rev.closed && seen != nil && rev.status == string(stripe.DisputeStatusWon):
		if err := s.billing.RestoreReturned(ctx, tx, ck, sp.InvoiceID, billing.Restored{PaymentID: sp.PaymentID,
			Amount: seen.Returned, Reference: rev.id, By: Actor, Lift: true}); err != nil {
			return Ignored, err
		}
		return Restored, s.db.SetStripeReversal(ctx, tx, ck, rev.id, store.ReversalWon, decimal.Zero, eventID)
	case rev.closed && seen != nil: // lost: what it took stays off
		if err := s.billing.DisputeLost(ctx, tx, ck, sp.InvoiceID, rev.id, seen.Returned, Actor); err != nil {
			return Ignored, err
		}
		return Closed, s.db.SetStripeReversal(ctx, tx, ck, rev.id, store.ReversalLost, seen.Returned, eventID)
	case rev.closed && rev.status == string(stripe.DisputeStatusWon):
		// Won before Remit heard it open: nothing was taken off, and
		// nothing is; the opening event, when it comes, finds it closed.
		row.State = store.ReversalWon
		if _, err := s.db.ClaimStripeReversal(ctx, tx, ck, row); err != nil {
			return Ignored, err
		}
		return Restored, s.billing.RestoreReturned(ctx, tx, ck, sp.InvoiceID, billing.Restored{PaymentID: sp.PaymentID,
			Reference: rev.id, By: Actor})
	case rev.closed: // lost before Remit heard it open: the money is gone
		row.State, back.Lost = store.ReversalLost, true
	}
	if _, err := s.db.ClaimStripeReversal(ctx, tx, ck, row); err != nil {
		return Ignored, err
	}
	applied, err := s.billing.ReturnReceived(ctx, tx, ck, sp.InvoiceID, back)
	if err != nil {
		return Ignored, err
	}
	return Reversed, s.db.SetStripeReversal(ctx, tx, ck, rev.id, row.State, applied, eventID)
}

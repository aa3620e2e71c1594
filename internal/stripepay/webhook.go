package stripepay

import (
	"context"
	"encoding/json"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v82"
	"github.com/stripe/stripe-go/v82/webhook"

	"github.com/remitapp/remit/internal/billing"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// defaultTolerance is how far a signed timestamp may be from now.
const defaultTolerance = webhook.DefaultTolerance

// The event types that carry a payment; every other type is ignored.
const (
	EventCheckoutCompleted     = "checkout.session.completed"
	EventCheckoutAsyncSucceded = "checkout.session.async_payment_succeeded"
	EventPaymentSucceeded      = "payment_intent.succeeded"
)

// Outcome is what HandleWebhook did with an event.
type Outcome string

// The outcomes.
const (
	Ignored   Outcome = "ignored"   // not a payment, not Remit's, or not paid yet
	Duplicate Outcome = "duplicate" // the event, or its payment intent, was recorded before
	Recorded  Outcome = "recorded"  // the payment is recorded (and any excess flagged)
)

// HandleWebhook verifies a delivery of Stripe's webhook and records the
// payment it reports, exactly once. A body whose Stripe-Signature header
// (sig) does not verify with the endpoint's secret, or whose signed time
// is more than the tolerance from Remit's clock, is remit.Invalid and
// nothing is recorded. The event id and the payment intent are claimed in
// the transaction that records the payment, so a replay, the same intent
// through another event type, or events in any order record it once.
// Events of other types, or for payments Remit did not start, are
// ignored. Any other error leaves nothing recorded, for Stripe to retry.
func (s *Service) HandleWebhook(ctx context.Context, payload []byte, sig string) (Outcome, error) {
	const op = "stripepay.HandleWebhook"
	// The library checks the signature; the tolerance is checked on
	// Remit's clock, which tests and the demo move.
	ev, err := webhook.ConstructEventWithOptions(payload, sig, s.secret,
		webhook.ConstructEventOptions{IgnoreTolerance: true, IgnoreAPIVersionMismatch: true})
	if err != nil {
		return Ignored, &remit.Error{Kind: remit.Invalid, Op: op, Msg: "the Stripe-Signature header does not verify", Err: err}
	}
	if at, ok := signedAt(sig); !ok || absDuration(s.now().Sub(at)) > s.tolerance {
		return Ignored, remit.Errorf(remit.Invalid, op, "the Stripe-Signature timestamp is outside the %s tolerance", s.tolerance)
	}
	intent, revs, ok, err := reversalsOf(ev)
	if err != nil {
		return Ignored, &remit.Error{Kind: remit.Invalid, Op: op, Msg: "the event's refund or dispute cannot be read", Err: err}
	}
	if ok {
		return s.handleReversals(ctx, ev, intent, revs)
	}
	p, ok, err := paymentOf(ev)
	if err != nil || !ok {
		if err != nil {
			err = &remit.Error{Kind: remit.Invalid, Op: op, Msg: "the event's payment cannot be read", Err: err}
		}
		return Ignored, err
	}
	log := s.logger.With(slog.String("client_key", p.clientKey), slog.Int64("invoice_id", p.invoiceID),
		slog.String("stripe_event", ev.ID), slog.String("payment_intent", p.intent))
	outcome := Duplicate
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		fresh, err := s.db.ClaimStripeEvent(ctx, tx, p.clientKey, ev.ID, string(ev.Type), p.intent)
		if err != nil || !fresh {
			return err
		}
		fresh, err = s.db.ClaimStripePayment(ctx, tx, p.clientKey, store.StripePayment{PaymentIntent: p.intent,
			InvoiceID: p.invoiceID, EventID: ev.ID, Amount: p.amount.Amount, Currency: p.amount.Currency})
		if err != nil || !fresh {
			return err
		}
		res, err := s.billing.RecordReceived(ctx, tx, p.clientKey, p.invoiceID, p.amount)
		if err != nil {
			return err
		}
		outcome = Recorded
		return s.db.SetStripePaymentOutcome(ctx, tx, p.clientKey, p.intent, res.Payment.ID, res.Excess)
	})
	if remit.IsKind(err, remit.NotFound) {
		// A tenant or invoice that is gone: Stripe would retry for days
		// for nothing. The money is Stripe's to refund; say so loudly.
		log.WarnContext(ctx, "card payment for an unknown invoice not recorded", slog.String("error", err.Error()))
		return Ignored, nil
	}
	if err != nil {
		return Ignored, err
	}
	log.InfoContext(ctx, "Stripe event handled", slog.String("type", string(ev.Type)), slog.String("outcome", string(outcome)))
	return outcome, nil
}

// payment is what a payment event says, for Remit.
type payment struct {
	clientKey string
	invoiceID int64
	intent    string
	amount    billing.Received
}

// paymentOf reads the payment an event reports; ok is false for events
// that report none: other types, sessions not paid yet (a bank debit
// pays later, with async_payment_succeeded), and payments without
// Remit's metadata.
func paymentOf(ev stripe.Event) (payment, bool, error) {
	if ev.Data == nil {
		return payment{}, false, nil
	}
	var (
		meta         map[string]string
		intent, code string
		minor, stamp int64
	)
	switch string(ev.Type) {
	case EventCheckoutCompleted, EventCheckoutAsyncSucceded:
		var cs stripe.CheckoutSession
		if err := json.Unmarshal(ev.Data.Raw, &cs); err != nil {
			return payment{}, false, err
		}
		if cs.PaymentStatus != stripe.CheckoutSessionPaymentStatusPaid || cs.PaymentIntent == nil {
			return payment{}, false, nil
		}
		meta, intent, code, minor = cs.Metadata, cs.PaymentIntent.ID, string(cs.Currency), cs.AmountTotal
	case EventPaymentSucceeded:
		var pi stripe.PaymentIntent
		if err := json.Unmarshal(ev.Data.Raw, &pi); err != nil {
			return payment{}, false, err
		}
		meta, intent, code, minor = pi.Metadata, pi.ID, string(pi.Currency), pi.AmountReceived
	default:
		return payment{}, false, nil
	}
	stamp = ev.Created
	clientKey, invoiceID, ours := remitInvoice(meta)
	if !ours || intent == "" || minor <= 0 {
		return payment{}, false, nil
	}
	amount, cur, err := fromStripeAmount(minor, code)
	if err != nil {
		return payment{}, false, err
	}
	return payment{clientKey: clientKey, invoiceID: invoiceID, intent: intent, amount: billing.Received{
		Amount: amount, Currency: cur, At: time.Unix(stamp, 0), Method: MethodCard, Reference: intent, By: Actor,
	}}, true, nil
}

// remitInvoice reads the tenant and invoice Remit put in a session's or
// intent's metadata; ours is false when they are not there.
func remitInvoice(meta map[string]string) (clientKey string, invoiceID int64, ours bool) {
	clientKey = meta[MetaClientKey]
	if n, err := strconv.ParseInt(meta[MetaInvoiceID], 10, 64); err == nil && n > 0 && clientKey != "" {
		return clientKey, n, true
	}
	return "", 0, false
}

// signedAt reads the t= timestamp of a Stripe-Signature header.
func signedAt(header string) (time.Time, bool) {
	for part := range strings.SplitSeq(header, ",") {
		if v, ok := strings.CutPrefix(part, "t="); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			return time.Unix(n, 0), err == nil
		}
	}
	return time.Time{}, false
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

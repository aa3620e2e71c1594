package stripepay_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v82/webhook"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/stripepay"
	"github.com/remitapp/remit/internal/stripetest"
)

// completed and succeeded are the two events Stripe sends for one
// Checkout payment of the invoice's 350.00 USD with intent pi.
func (b *testBundle) completed(id, pi string, amount int64) []byte {
	return stripetest.Event(id, stripepay.EventCheckoutCompleted, b.clock.Now(),
		stripetest.CheckoutSessionCompleted("cs_"+pi, pi, amount, "usd", b.meta()))
}

func (b *testBundle) succeeded(id, pi string, amount int64) []byte {
	return stripetest.Event(id, stripepay.EventPaymentSucceeded, b.clock.Now(),
		stripetest.PaymentIntentSucceeded(pi, amount, "usd", b.meta()))
}

// requirePaidOnce holds the invoice to one card payment of 350.00 with
// the intent as its reference, paid, and one payment audit entry.
func (b *testBundle) requirePaidOnce(t *testing.T, pi string) {
	t.Helper()
	inv := b.detail(t)
	if inv.Status != invoice.StatusPaid || !inv.Balance().IsZero() || len(inv.Payments) != 1 {
		t.Fatalf("invoice %s, balance %s, %d payments; want paid once", inv.Status, inv.Balance(), len(inv.Payments))
	}
	p := inv.Payments[0]
	if p.Method != "card" || p.Reference != pi || p.RecordedBy != "stripe" || !p.Amount.Equal(dec("350")) ||
		p.PaidOn != date("2026-11-16") {
		t.Fatalf("payment %+v", p)
	}
	if n := b.count(t, `SELECT count(*) FROM audit_log WHERE client_key = $1 AND action = 'payment'`); n != 1 {
		t.Fatalf("%d payment audit entries", n)
	}
	if n := b.count(t, `SELECT count(*) FROM stripe_payments WHERE client_key = $1 AND payment_id IS NOT NULL`); n != 1 {
		t.Fatalf("%d Stripe payments linked to a payment", n)
	}
}

// TestWebhookRecordsThePaymentOnce: the completed session records the
// payment, with a Jira sync enqueued in the same transaction and the
// follow-ups stopped; the same event again records nothing more.
func TestWebhookRecordsThePaymentOnce(t *testing.T) {
	t.Parallel()
	b := setup(t, "USD", "100")
	before := b.effects(t)
	ev := b.completed("evt_1", "pi_1", 35000)
	b.mustDeliver(t, ev, stripepay.Recorded)
	b.requirePaidOnce(t, "pi_1")
	after := b.effects(t)
	if after.jobs <= before.jobs {
		t.Fatal("no Jira sync enqueued with the payment")
	}
	if n := b.count(t, `SELECT count(*) FROM invoices WHERE client_key = $1 AND next_action_at IS NOT NULL`); n != 0 {
		t.Fatal("the paid invoice still has a follow-up scheduled")
	}
	b.clock.Advance(time.Minute)
	b.mustDeliver(t, ev, stripepay.Duplicate)
	b.requirePaidOnce(t, "pi_1")
	if again := b.effects(t); again != after {
		t.Fatalf("the replay left effects: %+v, want %+v", again, after)
	}
}

// TestWebhookOneIntentTwoEvents: checkout.session.completed and
// payment_intent.succeeded report one payment; in either order it is
// recorded once, and so are replays of both interleaved.
func TestWebhookOneIntentTwoEvents(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		order func(b *testBundle) [][]byte
	}{
		{"session first", func(b *testBundle) [][]byte {
			return [][]byte{b.completed("evt_s", "pi_1", 35000), b.succeeded("evt_p", "pi_1", 35000)}
		}},
		{"intent first", func(b *testBundle) [][]byte {
			return [][]byte{b.succeeded("evt_p", "pi_1", 35000), b.completed("evt_s", "pi_1", 35000)}
		}},
		{"interleaved replays", func(b *testBundle) [][]byte {
			s, p := b.completed("evt_s", "pi_1", 35000), b.succeeded("evt_p", "pi_1", 35000)
			return [][]byte{p, s, p, s, s}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, "USD", "100")
			for i, ev := range tc.order(b) {
				want := stripepay.Duplicate
				if i == 0 {
					want = stripepay.Recorded
				}
				b.mustDeliver(t, ev, want)
			}
			b.requirePaidOnce(t, "pi_1")
			if n := b.count(t, `SELECT count(*) FROM stripe_events WHERE client_key = $1`); n != 2 {
				t.Fatalf("%d events acted on, want both", n)
			}
		})
	}
}

// TestWebhookRefusesWhatStripeDidNotSign: a forged signature, another
// endpoint's secret, a changed body, no header, or a signature from
// outside the tolerance is refused as invalid (400) and leaves nothing:
// no payment, audit entry, job, notice or Stripe row.
func TestWebhookRefusesWhatStripeDidNotSign(t *testing.T) {
	t.Parallel()
	b := setup(t, "USD", "100")
	ev := b.completed("evt_1", "pi_1", 35000)
	now := b.clock.Now()
	for _, tc := range []struct {
		name, body, sig string
		cause           error
	}{
		{"forged", string(ev), "t=" + unix(now) + ",v1=" + strings.Repeat("ab", 32), webhook.ErrNoValidSignature},
		{"wrong secret", string(ev), stripetest.Sign(ev, "whsec_someone_else", now), webhook.ErrNoValidSignature},
		{"changed body", strings.Replace(string(ev), "35000", "3500000", 1), stripetest.Sign(ev, webhookSecret, now), webhook.ErrNoValidSignature},
		{"unsigned", string(ev), "", webhook.ErrNotSigned},
		{"stale", string(ev), stripetest.Sign(ev, webhookSecret, now.Add(-6*time.Minute)), nil},
		{"from the future", string(ev), stripetest.Sign(ev, webhookSecret, now.Add(6*time.Minute)), nil},
	} {
		before := b.effects(t)
		out, err := b.pay.HandleWebhook(b.ctx, []byte(tc.body), tc.sig)
		if !remit.IsKind(err, remit.Invalid) || out != stripepay.Ignored {
			t.Errorf("%s: %v, %v; want invalid", tc.name, out, err)
		}
		if tc.cause != nil && !errors.Is(err, tc.cause) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.cause)
		}
		if after := b.effects(t); after != before {
			t.Errorf("%s left effects: %+v, before %+v", tc.name, after, before)
		}
	}
	if inv := b.detail(t); inv.Status != invoice.StatusOpen || len(inv.Payments) != 0 {
		t.Fatalf("invoice %s with %d payments after refused deliveries", inv.Status, len(inv.Payments))
	}
	// Within the tolerance, the same event is taken.
	b.mustDeliver(t, ev, stripepay.Recorded)
}

// TestWebhookIgnoresOtherEvents: other types, an unpaid session, a
// payment Remit did not start, and an invoice that does not exist are
// answered without recording anything (Stripe is not asked to retry).
func TestWebhookIgnoresOtherEvents(t *testing.T) {
	t.Parallel()
	b := setup(t, "USD", "100")
	unpaid := stripetest.CheckoutSessionCompleted("cs_2", "pi_2", 35000, "usd", b.meta())
	unpaid["payment_status"] = "unpaid"
	unknown := b.meta()
	unknown[stripepay.MetaInvoiceID] = "999999"
	before := b.effects(t)
	for name, ev := range map[string][]byte{
		"customer.created": stripetest.Event("evt_1", "customer.created", b.clock.Now(), map[string]any{"id": "cus_1", "object": "customer"}),
		"unpaid session":   stripetest.Event("evt_2", stripepay.EventCheckoutCompleted, b.clock.Now(), unpaid),
		"not Remit's":      stripetest.Event("evt_3", stripepay.EventPaymentSucceeded, b.clock.Now(), stripetest.PaymentIntentSucceeded("pi_3", 35000, "usd", nil)),
		"unknown invoice":  stripetest.Event("evt_4", stripepay.EventPaymentSucceeded, b.clock.Now(), stripetest.PaymentIntentSucceeded("pi_4", 35000, "usd", unknown)),
	} {
		if out, err := b.deliver(t, ev); err != nil || out != stripepay.Ignored {
			t.Errorf("%s: %v, %v; want ignored", name, out, err)
		}
	}
	if after := b.effects(t); after != before {
		t.Fatalf("ignored events left effects: %+v, before %+v", after, before)
	}
}

// TestWebhookNeverOverpays: a card payment for an invoice paid meanwhile
// by transfer records no payment (the balance stays zero, never
// negative) and flags the whole amount as an overpayment to refund, in
// the audit log and on the Jira issue; one for more than the balance
// records the balance and flags the rest.
func TestWebhookNeverOverpays(t *testing.T) {
	t.Parallel()
	t.Run("already paid", func(t *testing.T) {
		t.Parallel()
		b := setup(t, "USD", "100")
		if _, _, err := b.billing.RecordPayment(b.ctx, b.manager, b.inv.ID, invoice.PaymentInput{Amount: "350.00",
			PaidOn: date("2026-11-16"), Method: "transfer", Reference: "bank"}); err != nil {
			t.Fatal(err)
		}
		b.mustDeliver(t, b.completed("evt_1", "pi_1", 35000), stripepay.Recorded)
		inv := b.detail(t)
		if inv.Status != invoice.StatusPaid || !inv.Balance().IsZero() || len(inv.Payments) != 1 || inv.Payments[0].Method != "transfer" {
			t.Fatalf("invoice %s, balance %s, payments %+v", inv.Status, inv.Balance(), inv.Payments)
		}
		b.requireOverpayment(t, "350.00")
		sp, err := b.db.StripePayments(b.ctx, b.tenant.ClientKey, b.inv.ID)
		if err != nil || len(sp) != 1 || sp[0].PaymentID != 0 || !sp[0].Excess.Equal(dec("350")) {
			t.Fatalf("Stripe payments %+v, %v", sp, err)
		}
		b.mustDeliver(t, b.succeeded("evt_2", "pi_1", 35000), stripepay.Duplicate)
		b.requireOverpayment(t, "350.00")
	})
	t.Run("more than the balance", func(t *testing.T) {
		t.Parallel()
		b := setup(t, "USD", "100")
		if _, _, err := b.billing.RecordPayment(b.ctx, b.manager, b.inv.ID, invoice.PaymentInput{Amount: "300.00",
			PaidOn: date("2026-11-16"), Method: "transfer"}); err != nil {
			t.Fatal(err)
		}
		b.mustDeliver(t, b.succeeded("evt_1", "pi_1", 35000), stripepay.Recorded)
		inv := b.detail(t)
		if inv.Status != invoice.StatusPaid || !inv.Balance().IsZero() || len(inv.Payments) != 2 ||
			!inv.Payments[1].Amount.Equal(dec("50")) || inv.Payments[1].Reference != "pi_1" {
			t.Fatalf("invoice %s, balance %s, payments %+v", inv.Status, inv.Balance(), inv.Payments)
		}
		b.requireOverpayment(t, "300.00")
	})
}

// requireOverpayment holds the tenant to one overpayment audit entry and
// one Jira notice naming the excess.
func (b *testBundle) requireOverpayment(t *testing.T, excess string) {
	t.Helper()
	if n := b.count(t, `SELECT count(*) FROM audit_log WHERE client_key = $1 AND action = 'overpayment'
		AND after->'payment'->>'excess' = '`+excess+`'`); n != 1 {
		t.Fatalf("%d overpayment audit entries for %s", n, excess)
	}
	if n := b.count(t, `SELECT count(*) FROM jira_notices WHERE client_key = $1 AND body LIKE '%`+excess+` USD%refund%'`); n != 1 {
		t.Fatalf("%d Jira notices of the %s overpayment", n, excess)
	}
}

func unix(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) }

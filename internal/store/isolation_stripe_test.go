package store_test

import (
	"context"
	"testing"

	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// stripeState renders A's Stripe rows.
func stripeState(t *testing.T, e env, tenant string) string {
	t.Helper()
	var s string
	must(t, e.pool.QueryRow(context.Background(), `SELECT concat_ws(' | ',
		(SELECT string_agg(s::text, ';' ORDER BY id) FROM stripe_checkout_sessions s WHERE client_key = $1),
		(SELECT string_agg(v::text, ';' ORDER BY id) FROM stripe_events v WHERE client_key = $1),
		(SELECT string_agg(p::text, ';' ORDER BY payment_intent) FROM stripe_payments p WHERE client_key = $1),
		(SELECT string_agg(r::text, ';' ORDER BY id) FROM stripe_reversals r WHERE client_key = $1))`, tenant).Scan(&s))
	return s
}

// seedStripeOfA gives A's invoice a checkout session, an event and a
// claimed payment intent.
func seedStripeOfA(t *testing.T, e env, a string, id int64) {
	t.Helper()
	ctx := context.Background()
	must(t, e.db.InsertCheckoutSession(ctx, a, store.CheckoutSession{ID: "cs_a", InvoiceID: id, Amount: d("10.00"),
		Currency: "USD", URL: "https://checkout.example/cs_a", IdempotencyKey: "key-a", CreatedAt: e.clock.Now()}))
	must(t, e.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := e.db.ClaimStripeEvent(ctx, tx, a, "evt_a", "checkout.session.completed", "pi_a"); err != nil {
			return err
		}
		_, err := e.db.ClaimStripePayment(ctx, tx, a, store.StripePayment{PaymentIntent: "pi_a", InvoiceID: id, EventID: "evt_a",
			Amount: d("10.00"), Currency: "USD"})
		if err != nil {
			return err
		}
		_, err = e.db.ClaimStripeReversal(ctx, tx, a, store.StripeReversal{ID: "re_a", InvoiceID: id, PaymentIntent: "pi_a",
			Kind: store.ReversalRefund, State: store.ReversalRefunded, Amount: d("1.00"), EventID: "evt_a"})
		return err
	}))
}

// stripeIsolationChecks are TestTenantIsolation's checks for Checkout
// sessions and Stripe's events and payments. Stripe's ids are global
// (one event, one intent, whoever it names), so B's claim of A's id is
// refused, and changes nothing of A's.
func stripeIsolationChecks(a, b string) map[string]func(t *testing.T, e env) {
	ctx := context.Background()
	guard := func(check func(t *testing.T, e env, id int64)) func(t *testing.T, e env) {
		return func(t *testing.T, e env) {
			id := idOf(t, e, "invoices", a)
			seedStripeOfA(t, e, a, id)
			before := stripeState(t, e, a)
			check(t, e, id)
			if after := stripeState(t, e, a); after != before {
				t.Fatalf("B's call changed A's rows:\nbefore %s\n after %s", before, after)
			}
		}
	}
	return map[string]func(t *testing.T, e env){
		"InsertCheckoutSession": guard(func(t *testing.T, e env, id int64) {
			err := e.db.InsertCheckoutSession(ctx, b, store.CheckoutSession{ID: "cs_b", InvoiceID: id, Amount: d("1.00"),
				Currency: "USD", URL: "https://checkout.example/cs_b", IdempotencyKey: "key-a", CreatedAt: e.clock.Now()})
			wantKind(t, err, remit.NotFound)
		}),
		"RecentCheckoutSession": guard(func(t *testing.T, e env, _ int64) {
			_, ok, err := e.db.RecentCheckoutSession(ctx, b, "key-a", e.clock.Now().AddDate(0, 0, -1))
			if err != nil || ok {
				t.Fatalf("B finds A's session: %v, %v", ok, err)
			}
		}),
		"ClaimStripeEvent": guard(func(t *testing.T, e env, _ int64) {
			must(t, e.db.InTx(ctx, func(tx *store.Tx) error {
				first, err := e.db.ClaimStripeEvent(ctx, tx, b, "evt_a", "checkout.session.completed", "pi_a")
				if err == nil && first {
					t.Fatal("B claimed an event already acted on")
				}
				return err
			}))
		}),
		"ClaimStripePayment": guard(func(t *testing.T, e env, id int64) {
			err := e.db.InTx(ctx, func(tx *store.Tx) error {
				_, err := e.db.ClaimStripePayment(ctx, tx, b, store.StripePayment{PaymentIntent: "pi_b", InvoiceID: id,
					EventID: "evt_b", Amount: d("1.00"), Currency: "USD"})
				return err
			})
			wantKind(t, err, remit.NotFound)
		}),
		"SetStripePaymentOutcome": guard(func(t *testing.T, e env, _ int64) {
			err := e.db.InTx(ctx, func(tx *store.Tx) error {
				return e.db.SetStripePaymentOutcome(ctx, tx, b, "pi_a", 0, d("5.00"))
			})
			wantKind(t, err, remit.NotFound)
		}),
		"StripeReversals": guard(func(t *testing.T, e env, _ int64) {
			must(t, e.db.InTx(ctx, func(tx *store.Tx) error {
				got, err := e.db.StripeReversals(ctx, tx, b, "pi_a")
				if err != nil || len(got) != 0 {
					t.Fatalf("B sees A's refunds and disputes %+v (err %v)", got, err)
				}
				return nil
			}))
		}),
		"ClaimStripeReversal": guard(func(t *testing.T, e env, id int64) {
			err := e.db.InTx(ctx, func(tx *store.Tx) error {
				first, err := e.db.ClaimStripeReversal(ctx, tx, b, store.StripeReversal{ID: "re_a", InvoiceID: id, PaymentIntent: "pi_a",
					Kind: store.ReversalRefund, State: store.ReversalRefunded, Amount: d("1.00"), EventID: "evt_b"})
				if err == nil && first {
					t.Fatal("B claimed A's refund")
				}
				if err == nil {
					_, err = e.db.ClaimStripeReversal(ctx, tx, b, store.StripeReversal{ID: "re_b", InvoiceID: id, PaymentIntent: "pi_a",
						Kind: store.ReversalRefund, State: store.ReversalRefunded, Amount: d("1.00"), EventID: "evt_b"})
				}
				return err
			})
			wantKind(t, err, remit.NotFound)
		}),
		"SetStripeReversal": guard(func(t *testing.T, e env, _ int64) {
			err := e.db.InTx(ctx, func(tx *store.Tx) error {
				return e.db.SetStripeReversal(ctx, tx, b, "re_a", store.ReversalWon, d("0"), "evt_b")
			})
			wantKind(t, err, remit.NotFound)
		}),
		"StripePayments": guard(func(t *testing.T, e env, id int64) {
			got, err := e.db.StripePayments(ctx, b, id)
			if err != nil || len(got) != 0 {
				t.Fatalf("B sees A's Stripe payments %+v (err %v)", got, err)
			}
		}),
	}
}

package stripepay_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/stripepay"
	"github.com/remitapp/remit/internal/stripetest"
)

const sessionsPath = "/v1/checkout/sessions"

// onlySession is the one session request the test made.
func (b *testBundle) onlySession(t *testing.T) stripetest.Request {
	t.Helper()
	reqs := b.mock.Requests(sessionsPath)
	if len(reqs) != 1 {
		t.Fatalf("%d session requests, want 1: %+v", len(reqs), reqs)
	}
	return reqs[0]
}

// TestCheckoutAsksForTheBalanceInStripeUnits opens a session for an
// invoice in a two-, zero- and three-decimal currency: the line item is
// the balance in Stripe's unit of the currency, named after the invoice,
// and the session and its payment intent carry the tenant and invoice.
func TestCheckoutAsksForTheBalanceInStripeUnits(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		currency, rate, balance, unitAmount string
	}{
		{"EUR", "100", "350.00", "35000"},    // 3.5 h at 100.00
		{"JPY", "1000", "3500", "3500"},      // zero-decimal: yen, not hundredths
		{"KWD", "12.340", "43.190", "43190"}, // three-decimal: fils, last digit 0
	} {
		t.Run(tc.currency, func(t *testing.T) {
			t.Parallel()
			b := setup(t, tc.currency, tc.rate)
			if got := b.inv.Balance().String(); got != dec(tc.balance).String() {
				t.Fatalf("balance %s, want %s", got, tc.balance)
			}
			url, err := b.pay.CheckoutURL(b.ctx, b.tenant.ClientKey, b.inv.ID, successURL, cancelURL)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(url, "https://checkout.stripe.com/") {
				t.Fatalf("url %q is not stripe-mock's Checkout page", url)
			}
			r := b.onlySession(t)
			id := strconv.FormatInt(b.inv.ID, 10)
			want := map[string]string{
				"mode":                                   "payment",
				"success_url":                            successURL,
				"cancel_url":                             cancelURL,
				"line_items[0][quantity]":                "1",
				"line_items[0][price_data][currency]":    strings.ToLower(tc.currency),
				"line_items[0][price_data][unit_amount]": tc.unitAmount,
				"line_items[0][price_data][product_data][name]":   "Invoice " + b.inv.Number,
				"metadata[remit_client_key]":                      b.tenant.ClientKey,
				"metadata[remit_invoice_id]":                      id,
				"payment_intent_data[metadata][remit_client_key]": b.tenant.ClientKey,
				"payment_intent_data[metadata][remit_invoice_id]": id,
			}
			for k, v := range want {
				if got := r.Form.Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			if r.Form.Has("metadata[remit_installment_id]") {
				t.Error("an invoice without a plan named an installment")
			}
			if !strings.HasPrefix(r.IdempotencyKey, "remit-checkout-") {
				t.Errorf("idempotency key %q", r.IdempotencyKey)
			}
			if n := b.count(t, `SELECT count(*) FROM stripe_checkout_sessions WHERE client_key = $1 AND amount = `+tc.balance); n != 1 {
				t.Errorf("%d sessions recorded for %s", n, tc.balance)
			}
		})
	}
}

// TestCheckoutRefusesWhatStripeCannotCharge asks for a KWD amount whose
// last fils digit is not 0: Stripe would refuse it, so Remit refuses it
// first, saying why, and calls Stripe for nothing.
func TestCheckoutRefusesWhatStripeCannotCharge(t *testing.T) {
	t.Parallel()
	b := setup(t, "KWD", "12.345") // 3.5 h = 43.2075, 43.208 KWD
	_, err := b.pay.CheckoutURL(b.ctx, b.tenant.ClientKey, b.inv.ID, successURL, cancelURL)
	if !remit.IsKind(err, remit.Unprocessable) || !strings.Contains(err.Error(), "steps of 0.010") {
		t.Fatalf("err = %v, want an unprocessable amount", err)
	}
	if n := len(b.mock.Requests("")); n != 0 {
		t.Fatalf("%d requests to Stripe", n)
	}
}

// TestCheckoutAsksForTheNextInstallment: on a payment plan the session
// is for the first unsettled installment, named in the metadata; once
// it is paid, the next session is for the next one.
func TestCheckoutAsksForTheNextInstallment(t *testing.T) {
	t.Parallel()
	b := setup(t, "USD", "100") // 350.00
	inv, err := b.billing.SetPlan(b.ctx, b.manager, b.inv.ID, []invoice.InstallmentInput{
		{DueDate: date("2026-12-01"), Amount: "100.00"}, {DueDate: date("2027-01-01"), Amount: "250.00"}})
	if err != nil {
		t.Fatal(err)
	}
	first, second := inv.Plan[0], inv.Plan[1]
	if _, err := b.pay.CheckoutURL(b.ctx, b.tenant.ClientKey, b.inv.ID, successURL, cancelURL); err != nil {
		t.Fatal(err)
	}
	r := b.onlySession(t)
	if got := r.Form.Get("line_items[0][price_data][unit_amount]"); got != "10000" {
		t.Fatalf("unit_amount %s, want the first installment's 10000", got)
	}
	for _, k := range []string{"metadata[remit_installment_id]", "payment_intent_data[metadata][remit_installment_id]"} {
		if got := r.Form.Get(k); got != strconv.FormatInt(first.ID, 10) {
			t.Fatalf("%s = %q, want %d", k, got, first.ID)
		}
	}
	if name := r.Form.Get("line_items[0][price_data][product_data][name]"); !strings.Contains(name, "installment 1 of 2") {
		t.Fatalf("line item %q does not name the installment", name)
	}

	meta := b.meta()
	meta[stripepay.MetaInstallment] = strconv.FormatInt(first.ID, 10)
	b.mustDeliver(t, stripetest.Event("evt_1", stripepay.EventCheckoutCompleted, b.clock.Now(),
		stripetest.CheckoutSessionCompleted("cs_1", "pi_1", 10000, "usd", meta)), stripepay.Recorded)
	got := b.detail(t)
	if got.Status != invoice.StatusPartiallyPaid || !got.Plan[0].Settled() || got.Plan[1].Settled() {
		t.Fatalf("after the first installment: %s, plan %+v", got.Status, got.Plan)
	}

	if _, err := b.pay.CheckoutURL(b.ctx, b.tenant.ClientKey, b.inv.ID, successURL, cancelURL); err != nil {
		t.Fatal(err)
	}
	reqs := b.mock.Requests(sessionsPath)
	if len(reqs) != 2 {
		t.Fatalf("%d session requests, want 2", len(reqs))
	}
	r = reqs[1]
	if r.Form.Get("line_items[0][price_data][unit_amount]") != "25000" ||
		r.Form.Get("metadata[remit_installment_id]") != strconv.FormatInt(second.ID, 10) {
		t.Fatalf("second session: %v", r.Form)
	}
	if r.IdempotencyKey == reqs[0].IdempotencyKey {
		t.Fatal("a new balance reused the idempotency key")
	}
}

// TestCheckoutTwiceIsOneSession: a double click gets the same session
// and Stripe is asked once; a day later (the session has expired) Stripe
// is asked again, with the same key, since nothing was paid.
func TestCheckoutTwiceIsOneSession(t *testing.T) {
	t.Parallel()
	b := setup(t, "EUR", "100")
	one, err := b.pay.CheckoutURL(b.ctx, b.tenant.ClientKey, b.inv.ID, successURL, cancelURL)
	if err != nil {
		t.Fatal(err)
	}
	b.clock.Advance(2 * time.Second)
	two, err := b.pay.CheckoutURL(b.ctx, b.tenant.ClientKey, b.inv.ID, successURL, cancelURL)
	if err != nil || two != one {
		t.Fatalf("second click: %q, %v; want %q", two, err, one)
	}
	b.onlySession(t)
	b.clock.Advance(24 * time.Hour)
	if _, err := b.pay.CheckoutURL(b.ctx, b.tenant.ClientKey, b.inv.ID, successURL, cancelURL); err != nil {
		t.Fatal(err)
	}
	reqs := b.mock.Requests(sessionsPath)
	if len(reqs) != 2 || reqs[0].IdempotencyKey != reqs[1].IdempotencyKey {
		t.Fatalf("after a day: %d requests, keys %v", len(reqs), reqs)
	}
}

// TestCheckoutRefusesSettledAndDisputed: a paid, void or disputed
// invoice, or one of another tenant, opens no session.
func TestCheckoutRefusesSettledAndDisputed(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		change func(b *testBundle) error
		kind   remit.Kind
		says   string
	}{
		{"paid", func(b *testBundle) error {
			_, _, err := b.billing.RecordPayment(b.ctx, b.manager, b.inv.ID, invoice.PaymentInput{Amount: "350.00",
				PaidOn: date("2026-11-16"), Method: "transfer"})
			return err
		}, remit.Conflict, "already paid"},
		{"void", func(b *testBundle) error { _, err := b.billing.Void(b.ctx, b.manager, b.inv.ID); return err },
			remit.Conflict, "cancelled"},
		{"disputed", func(b *testBundle) error { _, err := b.billing.Dispute(b.ctx, b.manager, b.inv.ID); return err },
			remit.Conflict, "disputed"},
		{"written off", func(b *testBundle) error { _, err := b.billing.WriteOff(b.ctx, b.manager, b.inv.ID); return err },
			remit.Conflict, "closed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, "USD", "100")
			if err := tc.change(b); err != nil {
				t.Fatal(err)
			}
			_, err := b.pay.CheckoutURL(b.ctx, b.tenant.ClientKey, b.inv.ID, successURL, cancelURL)
			if !remit.IsKind(err, tc.kind) || !strings.Contains(err.Error(), tc.says) {
				t.Fatalf("err = %v, want %v saying %q", err, tc.kind, tc.says)
			}
			if n := len(b.mock.Requests("")); n != 0 {
				t.Fatalf("%d requests to Stripe", n)
			}
		})
	}
	t.Run("another tenant", func(t *testing.T) {
		t.Parallel()
		b := setup(t, "USD", "100")
		_, err := b.pay.CheckoutURL(b.ctx, "other-site", b.inv.ID, successURL, cancelURL)
		if !remit.IsKind(err, remit.NotFound) {
			t.Fatalf("err = %v, want not found", err)
		}
	})
}

// TestCheckoutOffWithoutService: a nil Service (no secret key) answers
// unavailable rather than panicking, whoever holds it.
func TestCheckoutOffWithoutService(t *testing.T) {
	t.Parallel()
	var off *stripepay.Service
	if _, err := off.CheckoutURL(t.Context(), "acme-site", 1, successURL, cancelURL); !remit.IsKind(err, remit.Unavailable) {
		t.Fatalf("err = %v", err)
	}
}

// TestCheckoutSaysWhatStripeRefused: a request Stripe refuses as invalid
// (here its minimum charge, which stripe-mock does not enforce, so a
// server answers as Stripe does) is unprocessable with Stripe's reason,
// not "try later", and no session is recorded; Stripe being down is
// unavailable.
func TestCheckoutSaysWhatStripeRefused(t *testing.T) {
	t.Parallel()
	b := setup(t, "EUR", "100")
	for _, tc := range []struct {
		status int
		body   string
		kind   remit.Kind
		says   string
	}{
		{400, `{"error":{"type":"invalid_request_error","code":"amount_too_small","message":"Amount must be at least €0.50 eur"}}`,
			remit.Unprocessable, "Stripe refused the payment: Amount must be at least €0.50 eur"},
		{500, `{"error":{"type":"api_error","message":"boom"}}`, remit.Unavailable, "boom"},
	} {
		stripeAPI := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(tc.status)
			_, _ = w.Write([]byte(tc.body))
		}))
		pay, err := stripepay.New(stripepay.Config{SecretKey: "sk_test_remit", WebhookSecret: webhookSecret, APIURL: stripeAPI.URL},
			b.db, b.billing, b.clock.Now, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		_, err = pay.CheckoutURL(b.ctx, b.tenant.ClientKey, b.inv.ID, successURL, cancelURL)
		stripeAPI.Close()
		if !remit.IsKind(err, tc.kind) || !strings.Contains(err.Error(), tc.says) {
			t.Fatalf("Stripe answering %d: err = %v, want %v saying %q", tc.status, err, tc.kind, tc.says)
		}
	}
	if n := b.count(t, `SELECT count(*) FROM stripe_checkout_sessions WHERE client_key = $1`); n != 0 {
		t.Fatalf("%d sessions recorded", n)
	}
}

package app_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/apptest"
	"github.com/remitapp/remit/internal/clock"
	"github.com/remitapp/remit/internal/stripepay"
	"github.com/remitapp/remit/internal/stripetest"
)

const stripeWebhookSecret = "whsec_e2e_remit"

// TestPayNowEndToEnd pays an invoice by card over the whole stack as
// `remit serve` builds it, with stripe-mock as Stripe: the customer page's
// Pay now sends the customer to a Checkout session for the balance, then Stripe's webhook posted to /webhooks/stripe
// forged (refused, nothing recorded), signed (the invoice is paid),
// replayed and announced again by payment_intent.succeeded (nothing
// more); the remit-invoice property and the issue's status follow in the
// simulated Jira, and the follow-ups stop.
func TestPayNowEndToEnd(t *testing.T) {
	t.Parallel()
	mock := stripetest.Start(t)
	c := clock.At(time.Date(2027, 1, 4, 9, 0, 0, 0, time.UTC))
	s := apptest.Start(t, apptest.Options{WithSim: true, Clock: c, Env: map[string]string{
		"REMIT_STRIPE_SECRET_KEY": "sk_test_e2e", "REMIT_STRIPE_WEBHOOK_SECRET": stripeWebhookSecret, "REMIT_STRIPE_API_URL": mock.URL}})
	f := &followStack{Stack: s, clock: c}
	site := f.newFollowSite(t, "paynow", 10, "100.00", "USD")
	due := time.Date(2027, 1, 18, 0, 0, 0, 0, time.UTC)
	id, _ := site.invoice(t, time.Date(2027, 1, 4, 9, 0, 0, 0, time.UTC), due)
	clientKey := site.Inst.ClientKey

	// The customer's way in: the invoice's customer page, whose Pay now
	// form answers 303 to Stripe Checkout.
	var link struct{ URL string }
	ok(t, site.API(t, "POST", "/invoices/"+strconv.FormatInt(id, 10)+"/customer-link", nil, &link), 200, "customer link")
	page, err := http.Get(link.URL)
	if err != nil {
		t.Fatal(err)
	}
	html, _ := io.ReadAll(page.Body)
	page.Body.Close()
	if page.StatusCode != 200 || !strings.Contains(string(html), "Pay now") {
		t.Fatalf("customer page: %d, Pay now offered: %v", page.StatusCode, strings.Contains(string(html), "Pay now"))
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	pay, err := noFollow.PostForm(link.URL+"/pay", nil)
	if err != nil {
		t.Fatal(err)
	}
	pay.Body.Close()
	if url := pay.Header.Get("Location"); pay.StatusCode != http.StatusSeeOther || !strings.HasPrefix(url, "https://checkout.stripe.com/") {
		t.Fatalf("Pay now: %d to %q, want a 303 to Stripe Checkout", pay.StatusCode, url)
	}
	reqs := mock.Requests("/v1/checkout/sessions")
	if len(reqs) != 1 || reqs[0].Form.Get("line_items[0][price_data][unit_amount]") != "100000" ||
		reqs[0].Form.Get("line_items[0][price_data][currency]") != "usd" {
		t.Fatalf("session requests %+v", reqs)
	}
	// Stripe's events carry back the metadata Remit sent.
	meta := map[string]string{}
	for k, v := range reqs[0].Form {
		if name, ok := strings.CutPrefix(k, "payment_intent_data[metadata]["); ok {
			meta[strings.TrimSuffix(name, "]")] = v[0]
		}
	}
	if meta[stripepay.MetaInvoiceID] != strconv.FormatInt(id, 10) || meta[stripepay.MetaClientKey] != clientKey {
		t.Fatalf("payment intent metadata %v", meta)
	}
	completed := stripetest.Event("evt_e2e_1", "checkout.session.completed", c.Now(),
		stripetest.CheckoutSessionCompleted("cs_e2e", "pi_e2e", 100000, "usd", meta))
	succeeded := stripetest.Event("evt_e2e_2", "payment_intent.succeeded", c.Now(),
		stripetest.PaymentIntentSucceeded("pi_e2e", 100000, "usd", meta))
	post := func(body []byte, sig string) *http.Response {
		t.Helper()
		req, err := http.NewRequest("POST", s.URL+"/webhooks/stripe", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		if sig != "" {
			req.Header.Set("Stripe-Signature", sig)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		return resp
	}
	recorded := func() (payments, audits int) {
		return count(t, s, `SELECT count(*) FROM payments WHERE client_key = $1 AND invoice_id = $2`, clientKey, id),
			count(t, s, `SELECT count(*) FROM audit_log WHERE client_key = $1 AND action = 'payment'`, clientKey)
	}

	for name, sig := range map[string]string{
		"forged":       stripetest.Sign(completed, "whsec_not_ours", c.Now()),
		"unsigned":     "",
		"stale":        stripetest.Sign(completed, stripeWebhookSecret, c.Now().Add(-time.Hour)),
		"changed body": stripetest.Sign(bytes.Replace(completed, []byte("100000"), []byte("1"), 1), stripeWebhookSecret, c.Now()),
	} {
		if r := post(completed, sig); r.StatusCode != 400 || r.Header.Get("Content-Type") != "application/problem+json" {
			t.Fatalf("%s delivery: %d %s, want a 400 problem", name, r.StatusCode, r.Header.Get("Content-Type"))
		}
	}
	if p, a := recorded(); p != 0 || a != 0 {
		t.Fatalf("refused deliveries recorded %d payments, %d audit entries", p, a)
	}

	for i, body := range [][]byte{completed, completed, succeeded} {
		if r := post(body, stripetest.Sign(body, stripeWebhookSecret, c.Now())); r.StatusCode != 200 {
			t.Fatalf("delivery %d: %d", i, r.StatusCode)
		}
	}
	if p, a := recorded(); p != 1 || a != 1 {
		t.Fatalf("%d payments, %d payment audit entries; want one of each", p, a)
	}
	var inv struct {
		Status, Balance string
		Payments        []struct{ Method, Reference, Amount string }
	}
	ok(t, site.API(t, "GET", "/invoices/"+strconv.FormatInt(id, 10), nil, &inv), 200, "invoice")
	if inv.Status != "paid" || inv.Balance != "0.00" || len(inv.Payments) != 1 || inv.Payments[0].Method != "card" ||
		inv.Payments[0].Reference != "pi_e2e" || inv.Payments[0].Amount != "1000.00" {
		t.Fatalf("invoice after the webhook: %+v", inv)
	}
	waitPaidIssue(t, site.Site, "Paid", "paid", "0.00")

	for _, a := range f.run(t, site.Site, day(due, 20)) {
		if a.InvoiceID == id {
			t.Fatalf("a paid invoice was followed up: %+v", a)
		}
	}
	if n := count(t, s, `SELECT count(*) FROM invoices WHERE client_key = $1 AND id = $2 AND next_action_at IS NOT NULL`, clientKey, id); n != 0 {
		t.Fatal("the paid invoice still has a follow-up scheduled")
	}
}

// waitPaidIssue waits until the site's one invoice issue is in status and
// its remit-invoice property says propStatus and balance.
func waitPaidIssue(t *testing.T, site *apptest.Site, status, propStatus, balance string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	last := ""
	for time.Now().Before(deadline) {
		for _, is := range site.Site.Issues() {
			var p issueProperty
			if is.Project != "BILL" || json.Unmarshal(is.Properties["remit-invoice"], &p) != nil {
				continue
			}
			if is.Status == status && p.Status == propStatus && p.Balance.String() == balance {
				return
			}
			last = is.Status + " " + p.Status + " " + p.Balance.String()
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatalf("the invoice issue never reached %s/%s/%s (last: %s)", status, propStatus, balance, last)
}

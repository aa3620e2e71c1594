package stripepay_test

import (
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/followupengine"
	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/stripepay"
	"github.com/remitapp/remit/internal/stripetest"
)

// The refund and dispute objects of the events are stripe-mock's, as
// Stripe's OpenAPI document shapes them, with the fields of the test.

func (b *testBundle) refundObject(t *testing.T, id, pi string, amount int64, status string) map[string]any {
	t.Helper()
	return stripetest.With(b.mock.Object(t, "/v1/refunds/"+id), map[string]any{"id": id, "amount": amount, "currency": "usd",
		"payment_intent": pi, "charge": "ch_" + pi, "status": status, "reason": "requested_by_customer", "metadata": map[string]string{}})
}

// refund is a refund.created (or refund.updated) event.
func (b *testBundle) refund(t *testing.T, evt, typ, id, pi string, amount int64, status string) []byte {
	t.Helper()
	return stripetest.Event(evt, typ, b.clock.Now(), b.refundObject(t, id, pi, amount, status))
}

// chargeRefunded is a charge.refunded event listing the charge's refunds
// (as API versions before 2022-11-15 do, or an endpoint that expands them).
func (b *testBundle) chargeRefunded(t *testing.T, evt, pi string, refunds ...map[string]any) []byte {
	t.Helper()
	var total int64
	for _, r := range refunds {
		total += r["amount"].(int64)
	}
	ch := stripetest.With(b.mock.Object(t, "/v1/charges/ch_"+pi), map[string]any{"id": "ch_" + pi, "amount": 35000,
		"amount_refunded": total, "refunded": total == 35000, "currency": "usd", "payment_intent": pi, "metadata": b.meta(),
		"refunds": map[string]any{"object": "list", "data": refunds, "has_more": false, "url": "/v1/charges/ch_" + pi + "/refunds"}})
	return stripetest.Event(evt, stripepay.EventChargeRefunded, b.clock.Now(), ch)
}

// dispute is a charge.dispute.created or .closed event.
func (b *testBundle) dispute(t *testing.T, evt, typ, id, pi string, amount int64, status string) []byte {
	t.Helper()
	d := stripetest.With(b.mock.Object(t, "/v1/disputes/"+id), map[string]any{"id": id, "amount": amount, "currency": "usd",
		"payment_intent": pi, "charge": "ch_" + pi, "status": status, "reason": "product_not_received"})
	return stripetest.Event(evt, typ, b.clock.Now(), d)
}

// paid pays the invoice's 350.00 by card through intent pi.
func (b *testBundle) paid(t *testing.T, pi string) {
	t.Helper()
	b.mustDeliver(t, b.completed("evt_pay_"+pi, pi, 35000), stripepay.Recorded)
	b.clock.Advance(time.Hour)
}

// requireMoney holds the invoice to its status, balance and dispute flag,
// and its one payment to what went back of it.
func (b *testBundle) requireMoney(t *testing.T, status invoice.Status, balance, returned string, disputed bool) {
	t.Helper()
	inv := b.detail(t)
	if inv.Status != status || !inv.Balance().Equal(dec(balance)) || inv.Disputed != disputed || len(inv.Payments) != 1 ||
		!inv.Payments[0].Returned.Equal(dec(returned)) || !inv.Payments[0].Amount.Equal(dec("350")) {
		t.Fatalf("invoice %s, balance %s, disputed %v, payments %+v; want %s, %s, %v, %s returned of 350",
			inv.Status, inv.Balance(), inv.Disputed, inv.Payments, status, balance, disputed, returned)
	}
}

// audited is how many audit entries of the action the invoice has.
func (b *testBundle) audited(t *testing.T, action string) int {
	t.Helper()
	return b.count(t, `SELECT count(*) FROM audit_log WHERE client_key = $1 AND action = '`+action+`'`)
}

// notices are the comments waiting for the invoice issue.
func (b *testBundle) notices(t *testing.T) []string {
	t.Helper()
	rows, err := b.pool.Query(b.ctx, `SELECT body FROM jira_notices WHERE client_key = $1 ORDER BY id`, b.tenant.ClientKey)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// TestRefundsReverseTheirOwnAmountOnce: a refund of 100.00 of the card
// payment takes 100.00 off it, whichever events announce it and however
// often; a second refund of the same charge takes off only its own
// 50.00; a refund not succeeded takes nothing.
func TestRefundsReverseTheirOwnAmountOnce(t *testing.T) {
	t.Parallel()
	b := setup(t, "USD", "100")
	b.paid(t, "pi_1")

	b.mustDeliver(t, b.refund(t, "evt_r1", stripepay.EventRefundCreated, "re_2", "pi_1", 5000, "pending"), stripepay.Ignored)
	b.requireMoney(t, invoice.StatusPaid, "0", "0", false)

	first := b.refund(t, "evt_r2", stripepay.EventRefundCreated, "re_1", "pi_1", 10000, "succeeded")
	b.mustDeliver(t, first, stripepay.Reversed)
	b.requireMoney(t, invoice.StatusPartiallyPaid, "100", "100", false)
	after := b.effects(t)
	if n := b.audited(t, "card_refund"); n != 1 {
		t.Fatalf("%d card_refund audit entries", n)
	}
	if ns := b.notices(t); len(ns) != 1 || !strings.Contains(ns[0], "re_1") || !strings.Contains(ns[0], "100.00 USD") ||
		!strings.Contains(ns[0], "Balance due: 100.00 USD") {
		t.Fatalf("notices %q", ns)
	}
	if n := b.count(t, `SELECT count(*) FROM invoices WHERE client_key = $1 AND next_action_at IS NOT NULL`); n != 1 {
		t.Fatal("the invoice owes again but has no follow-up scheduled")
	}

	// The same refund again: replayed, updated, and listed by charge.refunded.
	b.clock.Advance(time.Minute)
	b.mustDeliver(t, first, stripepay.Duplicate)
	b.mustDeliver(t, b.refund(t, "evt_r3", stripepay.EventRefundUpdated, "re_1", "pi_1", 10000, "succeeded"), stripepay.Duplicate)
	b.mustDeliver(t, b.chargeRefunded(t, "evt_r4", "pi_1", b.refundObject(t, "re_1", "pi_1", 10000, "succeeded")), stripepay.Duplicate)
	b.requireMoney(t, invoice.StatusPartiallyPaid, "100", "100", false)
	again := b.effects(t)
	again.events = after.events // each new event id is claimed; nothing else moves
	if again != after {
		t.Fatalf("the same refund again left effects: %+v, want %+v", again, after)
	}

	// The pending refund succeeds, announced by charge.refunded listing
	// both: only its own 50.00 comes off.
	b.mustDeliver(t, b.chargeRefunded(t, "evt_r5", "pi_1", b.refundObject(t, "re_1", "pi_1", 10000, "succeeded"),
		b.refundObject(t, "re_2", "pi_1", 5000, "succeeded")), stripepay.Reversed)
	b.requireMoney(t, invoice.StatusPartiallyPaid, "150", "150", false)
	b.mustDeliver(t, b.refund(t, "evt_r6", stripepay.EventRefundUpdated, "re_2", "pi_1", 5000, "succeeded"), stripepay.Duplicate)
	b.requireMoney(t, invoice.StatusPartiallyPaid, "150", "150", false)
	if n := b.audited(t, "card_refund"); n != 2 {
		t.Fatalf("%d card_refund audit entries, want 2", n)
	}
	if n := len(b.notices(t)); n != 2 {
		t.Fatalf("%d notices, want one per refund", n)
	}

	// A refund of more than the payment still counts for takes off what
	// is left, and says the rest was not.
	b.mustDeliver(t, b.refund(t, "evt_r7", stripepay.EventRefundCreated, "re_3", "pi_1", 30000, "succeeded"), stripepay.Reversed)
	b.requireMoney(t, invoice.StatusOpen, "350", "350", false)
	if ns := b.notices(t); !strings.Contains(ns[len(ns)-1], "100.00 USD of it was not taken off the invoice") {
		t.Fatalf("last notice %q", ns[len(ns)-1])
	}
}

// TestRefundOfAnOverpayment: money received beyond the balance was never
// a payment; refunding it takes nothing off the invoice.
func TestRefundOfAnOverpayment(t *testing.T) {
	t.Parallel()
	b := setup(t, "USD", "100")
	b.mustDeliver(t, b.completed("evt_pay", "pi_1", 40000), stripepay.Recorded)
	b.mustDeliver(t, b.refund(t, "evt_r1", stripepay.EventRefundCreated, "re_1", "pi_1", 5000, "succeeded"), stripepay.Reversed)
	b.requireMoney(t, invoice.StatusPaid, "0", "0", false)
	b.mustDeliver(t, b.refund(t, "evt_r2", stripepay.EventRefundCreated, "re_2", "pi_1", 5000, "succeeded"), stripepay.Reversed)
	b.requireMoney(t, invoice.StatusPartiallyPaid, "50", "50", false)
}

// TestDisputeWon: a dispute takes its amount off and marks the invoice
// disputed (no follow-up), once however often it is announced; won, the
// money counts again and the dispute is lifted, once.
func TestDisputeWon(t *testing.T) {
	t.Parallel()
	b := setup(t, "USD", "100")
	b.paid(t, "pi_1")
	created := b.dispute(t, "evt_d1", stripepay.EventDisputeCreated, "dp_1", "pi_1", 35000, "needs_response")
	b.mustDeliver(t, created, stripepay.Reversed)
	b.requireMoney(t, invoice.StatusOpen, "350", "350", true)
	if n := b.count(t, `SELECT count(*) FROM invoices WHERE client_key = $1 AND next_action_at IS NOT NULL`); n != 0 {
		t.Fatal("a disputed invoice has a follow-up scheduled")
	}
	b.mustDeliver(t, created, stripepay.Duplicate)
	b.mustDeliver(t, b.dispute(t, "evt_d2", stripepay.EventDisputeCreated, "dp_1", "pi_1", 35000, "needs_response"), stripepay.Duplicate)
	b.requireMoney(t, invoice.StatusOpen, "350", "350", true)

	closed := b.dispute(t, "evt_d3", stripepay.EventDisputeClosed, "dp_1", "pi_1", 35000, "won")
	b.mustDeliver(t, closed, stripepay.Restored)
	b.requireMoney(t, invoice.StatusPaid, "0", "0", false)
	b.mustDeliver(t, closed, stripepay.Duplicate)
	b.mustDeliver(t, b.dispute(t, "evt_d4", stripepay.EventDisputeClosed, "dp_1", "pi_1", 35000, "won"), stripepay.Duplicate)
	b.mustDeliver(t, created, stripepay.Duplicate)
	b.requireMoney(t, invoice.StatusPaid, "0", "0", false)
	if b.audited(t, "card_dispute") != 1 || b.audited(t, "card_dispute_won") != 1 {
		t.Fatalf("audit: %d card_dispute, %d card_dispute_won", b.audited(t, "card_dispute"), b.audited(t, "card_dispute_won"))
	}
	ns := b.notices(t)
	if len(ns) != 2 || !strings.Contains(ns[0], "marked disputed") || !strings.Contains(ns[1], "was won") {
		t.Fatalf("notices %q", ns)
	}

	// The timeline shows the card's events beside the follow-ups.
	engine := &followupengine.Engine{DB: b.db, Jira: b.sites, Billing: b.billing, Perms: b.perms, Now: b.clock.Now, Logger: slog.New(slog.DiscardHandler)}
	tl, err := engine.Timeline(b.ctx, b.manager, b.inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ev := range tl.Events {
		if ev.Step == followupengine.CardActor {
			got = append(got, ev.Action)
		}
	}
	if want := []string{"payment", "card_dispute", "card_dispute_won"}; !slices.Equal(got, want) {
		t.Fatalf("timeline's card events %v, want %v (%+v)", got, want, tl.Events)
	}
}

// TestDisputeLost: lost, what the dispute took stays off and the invoice
// stays disputed for a person to settle.
func TestDisputeLost(t *testing.T) {
	t.Parallel()
	b := setup(t, "USD", "100")
	b.paid(t, "pi_1")
	b.mustDeliver(t, b.dispute(t, "evt_d1", stripepay.EventDisputeCreated, "dp_1", "pi_1", 20000, "needs_response"), stripepay.Reversed)
	b.requireMoney(t, invoice.StatusPartiallyPaid, "200", "200", true)
	b.mustDeliver(t, b.dispute(t, "evt_d2", stripepay.EventDisputeClosed, "dp_1", "pi_1", 20000, "lost"), stripepay.Closed)
	b.mustDeliver(t, b.dispute(t, "evt_d3", stripepay.EventDisputeClosed, "dp_1", "pi_1", 20000, "lost"), stripepay.Duplicate)
	b.requireMoney(t, invoice.StatusPartiallyPaid, "200", "200", true)
	if b.audited(t, "card_dispute_lost") != 1 {
		t.Fatalf("%d card_dispute_lost entries", b.audited(t, "card_dispute_lost"))
	}
}

// TestDisputeClosedBeforeCreated: Stripe's events come in any order. A
// dispute closed won before its opening event changes nothing, and the
// opening event then finds it closed; one closed lost first takes the
// money off once, and its opening event takes nothing more.
func TestDisputeClosedBeforeCreated(t *testing.T) {
	t.Parallel()
	b := setup(t, "USD", "100")
	b.paid(t, "pi_1")
	b.mustDeliver(t, b.dispute(t, "evt_d1", stripepay.EventDisputeClosed, "dp_1", "pi_1", 35000, "won"), stripepay.Restored)
	b.mustDeliver(t, b.dispute(t, "evt_d2", stripepay.EventDisputeCreated, "dp_1", "pi_1", 35000, "needs_response"), stripepay.Duplicate)
	b.requireMoney(t, invoice.StatusPaid, "0", "0", false)

	b.mustDeliver(t, b.dispute(t, "evt_d3", stripepay.EventDisputeClosed, "dp_2", "pi_1", 15000, "lost"), stripepay.Reversed)
	b.mustDeliver(t, b.dispute(t, "evt_d4", stripepay.EventDisputeCreated, "dp_2", "pi_1", 15000, "needs_response"), stripepay.Duplicate)
	b.requireMoney(t, invoice.StatusPartiallyPaid, "150", "150", true)
	if b.audited(t, "card_dispute_lost") != 1 || b.audited(t, "card_dispute") != 0 {
		t.Fatalf("audit: %d card_dispute_lost, %d card_dispute", b.audited(t, "card_dispute_lost"), b.audited(t, "card_dispute"))
	}
	if n := len(b.notices(t)); n != 2 {
		t.Fatalf("%d notices, want one per event that did something", n)
	}
}

// TestReversalEventsNotOurs: an inquiry (no money taken), a refund of an
// intent Remit never recorded, and a forged refund change nothing.
func TestReversalEventsNotOurs(t *testing.T) {
	t.Parallel()
	b := setup(t, "USD", "100")
	b.paid(t, "pi_1")
	before := b.effects(t)
	b.mustDeliver(t, b.dispute(t, "evt_d1", stripepay.EventDisputeCreated, "dp_1", "pi_1", 35000, "warning_needs_response"), stripepay.Ignored)
	b.mustDeliver(t, b.refund(t, "evt_r1", stripepay.EventRefundCreated, "re_9", "pi_other", 35000, "succeeded"), stripepay.Ignored)
	forged := b.refund(t, "evt_r2", stripepay.EventRefundCreated, "re_1", "pi_1", 35000, "succeeded")
	if _, err := b.pay.HandleWebhook(b.ctx, forged, stripetest.Sign(forged, "whsec_someone_else", b.clock.Now())); !remit.IsKind(err, remit.Invalid) {
		t.Fatalf("forged refund: %v", err)
	}
	want := before
	want.events++ // the inquiry's event id is claimed; nothing else moves
	if got := b.effects(t); got != want {
		t.Fatalf("effects %+v, want %+v", got, want)
	}
	b.requireMoney(t, invoice.StatusPaid, "0", "0", false)
}

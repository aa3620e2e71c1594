package customerportal_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/jira/jirafake"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

func paymentOf(amount string) invoice.PaymentInput {
	return invoice.PaymentInput{Amount: amount, PaidOn: date("2026-11-16"), Method: "bank"}
}

// TestPromise: a promise within the tenant's limit is recorded, audited
// as the customer's, moves the invoice's next follow-up to the day the
// promise breaks, and is posted once on the invoice issue although
// Jira's answer to the comment is lost; a date too far ahead or past is
// refused and changes nothing.
func TestPromise(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acc, _ := b.access(t)
	for _, bad := range []string{"2026-11-15", "2026-12-17"} {
		err := b.svc.Promise(b.ctx, acc, date(bad))
		requireKind(t, err, remit.Unprocessable)
	}
	if got := b.audit(t, "customer"); len(got) != 0 {
		t.Fatalf("refused promises left audit entries %+v", got)
	}
	if err := b.svc.Promise(b.ctx, acc, date("2026-12-16")); err != nil {
		t.Fatal(err)
	}
	got := b.audit(t, "customer")
	if len(got) != 1 || got[0].Action != "customer_promise" || !strings.Contains(string(got[0].After), `"promisedOn": "2026-12-16"`) {
		t.Fatalf("audit = %+v", got)
	}
	st, err := b.db.FollowupState(b.ctx, nil, b.tenant.ClientKey, b.inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if st.Promise == nil || st.Promise.PromisedOn != date("2026-12-16") || st.Promise.GraceDays != 2 ||
		st.NextActionAt == nil || !st.NextActionAt.Equal(date("2026-12-19").Start(st.NextActionAt.Location())) {
		t.Fatalf("after the promise: promise %+v, next action %v; want 2026-12-16 + 2 days, next on 2026-12-19", st.Promise, st.NextActionAt)
	}
	b.site.FailAfterWrite(jirafake.MethodAddComment, jirafake.Lost(jirafake.MethodAddComment))
	b.syncAll(t)
	var promises int
	for _, c := range b.comments(t) {
		if strings.Contains(c, "promised on the customer page to pay invoice "+b.inv.Number+" (350.00 USD) by 2026-12-16") {
			promises++
		}
	}
	if promises != 1 {
		t.Fatalf("%d comments of the promise, want 1: %q", promises, b.comments(t))
	}
	p, err := b.svc.Page(b.ctx, acc)
	if err != nil || p.Promise != "2026-12-16" {
		t.Fatalf("the page shows promise %q (%v)", p.Promise, err)
	}
}

// TestPlanRequest: a proposal must add up to the balance; a valid one
// waits for the panel (one at a time); a viewer cannot decide it; the
// manager's accept makes it the invoice's plan through billing's plan use
// case, and a second accept is refused; a declined one leaves no plan.
func TestPlanRequest(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acc, _ := b.access(t)
	short := []invoice.InstallmentInput{{DueDate: date("2026-12-15"), Amount: "100.00"}, {DueDate: date("2027-01-15"), Amount: "200.00"}}
	requireKind(t, b.svc.RequestPlan(b.ctx, acc, short, ""), remit.Unprocessable)
	past := []invoice.InstallmentInput{{DueDate: date("2026-11-15"), Amount: "350.00"}}
	requireKind(t, b.svc.RequestPlan(b.ctx, acc, past, ""), remit.Unprocessable)
	plan := []invoice.InstallmentInput{{DueDate: date("2026-12-15"), Amount: "150.00"}, {DueDate: date("2027-01-15"), Amount: "200.00"}}
	if err := b.svc.RequestPlan(b.ctx, acc, plan, "Cash flow is tight until January."); err != nil {
		t.Fatal(err)
	}
	requireKind(t, b.svc.RequestPlan(b.ctx, acc, plan, ""), remit.Conflict)
	reqs, err := b.svc.PlanRequests(b.ctx, b.viewer, b.inv.ID)
	if err != nil || len(reqs) != 1 || reqs[0].Status != store.PlanRequestPending || len(reqs[0].Installments) != 2 {
		t.Fatalf("requests = %+v, %v", reqs, err)
	}
	rid := reqs[0].ID
	if _, err := b.svc.AcceptPlanRequest(b.ctx, b.viewer, b.inv.ID, rid); !remit.IsKind(err, remit.Forbidden) {
		t.Fatalf("a viewer accepted: %v", err)
	}
	inv, err := b.svc.AcceptPlanRequest(b.ctx, b.manager, b.inv.ID, rid)
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Plan) != 2 || inv.Plan[0].Amount.StringFixed(2) != "150.00" || inv.Plan[1].DueDate != date("2027-01-15") {
		t.Fatalf("plan = %+v", inv.Plan)
	}
	if _, err := b.svc.AcceptPlanRequest(b.ctx, b.manager, b.inv.ID, rid); !remit.IsKind(err, remit.Conflict) {
		t.Fatalf("second accept: %v, want a conflict", err)
	}
	requireKind(t, b.svc.DeclinePlanRequest(b.ctx, b.manager, b.inv.ID, rid), remit.Conflict)
	b.syncAll(t)
	text := strings.Join(b.comments(t), "\n")
	if !strings.Contains(text, "asked on the customer page for a payment plan") || !strings.Contains(text, "Cash flow is tight") ||
		!strings.Contains(text, "was accepted") {
		t.Fatalf("comments = %s", text)
	}

	// Another request on the plan invoice, declined.
	again := []invoice.InstallmentInput{{DueDate: date("2027-02-15"), Amount: "350.00"}}
	if err := b.svc.RequestPlan(b.ctx, acc, again, ""); err != nil {
		t.Fatal(err)
	}
	reqs, _ = b.svc.PlanRequests(b.ctx, b.manager, b.inv.ID)
	if err := b.svc.DeclinePlanRequest(b.ctx, b.manager, b.inv.ID, reqs[1].ID); err != nil {
		t.Fatal(err)
	}
	inv, err = b.bill.Detail(b.ctx, b.tenant.ClientKey, b.inv.ID)
	if err != nil || len(inv.Plan) != 2 {
		t.Fatalf("a declined request changed the plan: %+v, %v", inv.Plan, err)
	}
}

// TestDispute: the reason is required; the dispute pauses follow-ups as
// the panel's does (no next action), is audited as the customer's with
// the reason, and posted; nothing more can be done on the page.
func TestDispute(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acc, _ := b.access(t)
	requireKind(t, b.svc.Dispute(b.ctx, acc, "  "), remit.Unprocessable)
	if err := b.svc.Dispute(b.ctx, acc, "We were billed for hours of another project."); err != nil {
		t.Fatal(err)
	}
	st, err := b.db.FollowupState(b.ctx, nil, b.tenant.ClientKey, b.inv.ID)
	if err != nil || !st.Invoice.Disputed || st.NextActionAt != nil {
		t.Fatalf("after the dispute: disputed %v, next action %v (%v)", st.Invoice.Disputed, st.NextActionAt, err)
	}
	got := b.audit(t, "customer")
	if len(got) != 1 || got[0].Action != "dispute" || !strings.Contains(string(got[0].After), "another project") {
		t.Fatalf("audit = %+v", got)
	}
	b.syncAll(t)
	if text := strings.Join(b.comments(t), "\n"); !strings.Contains(text, "The customer disputed invoice "+b.inv.Number) {
		t.Fatalf("comments = %s", text)
	}
	requireKind(t, b.svc.Promise(b.ctx, acc, date("2026-12-01")), remit.Conflict)
	requireKind(t, b.svc.Dispute(b.ctx, acc, "again"), remit.Conflict)
}

// fakeCheckout is a card payment provider that answers a fixed page.
type fakeCheckout struct {
	calls              int
	clientKey          string
	invoiceID          int64
	successURL, cancel string
	err                error
}

func (f *fakeCheckout) CheckoutURL(_ context.Context, clientKey string, invoiceID int64, successURL, cancelURL string) (string, error) {
	f.calls++
	f.clientKey, f.invoiceID, f.successURL, f.cancel = clientKey, invoiceID, successURL, cancelURL
	return "https://checkout.example/session/cs_1", f.err
}

// TestPay: without a provider, paying by card is a conflict; with one,
// the provider is asked for the token's invoice with return addresses on
// its page; a settled invoice is not sent to pay.
func TestPay(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acc, token := b.access(t)
	if _, err := b.svc.Pay(b.ctx, acc, token); !remit.IsKind(err, remit.Conflict) {
		t.Fatalf("pay without a provider: %v", err)
	}
	fc := &fakeCheckout{}
	b.svc.Checkout = fc
	u, err := b.svc.Pay(b.ctx, acc, token)
	if err != nil || u != "https://checkout.example/session/cs_1" {
		t.Fatalf("pay = %q, %v", u, err)
	}
	page := "https://remit.example/app/c/" + token
	if fc.clientKey != b.tenant.ClientKey || fc.invoiceID != b.inv.ID || fc.successURL != page+"?paid=1" || fc.cancel != page+"?cancelled=1" {
		t.Fatalf("provider asked %+v", fc)
	}
	fc.err = errors.New("provider down")
	if _, err := b.svc.Pay(b.ctx, acc, token); err == nil {
		t.Fatal("a provider failure was not reported")
	}
	if _, _, err := b.bill.RecordPayment(b.ctx, b.manager, b.inv.ID, paymentOf("350.00")); err != nil {
		t.Fatal(err)
	}
	fc.err = nil
	if _, err := b.svc.Pay(b.ctx, acc, token); !remit.IsKind(err, remit.Conflict) || fc.calls != 2 {
		t.Fatalf("pay of a paid invoice: %v after %d calls", err, fc.calls)
	}
}

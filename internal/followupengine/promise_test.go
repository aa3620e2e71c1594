package followupengine_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/customerportal"
	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/jira"
	"github.com/remitapp/remit/internal/mail"
	"github.com/remitapp/remit/internal/store"
)

// outbox keeps the e-mails the engine sends.
type outbox struct{ sent []mail.Message }

func (o *outbox) Send(_ context.Context, m mail.Message) error {
	o.sent = append(o.sent, m)
	return nil
}

// links gives each invoice a fixed customer page address.
type links struct{}

func (links) PageURL(_ context.Context, _ string, id int64) (string, error) {
	return "https://remit.example/c/page-" + strconv.FormatInt(id, 10), nil
}

// withMail gives the customer a billing address and the engine a mailer
// and page links.
func (b *testBundle) withMail(t *testing.T) *outbox {
	t.Helper()
	box := &outbox{}
	b.engine.Mail, b.engine.MailDomain, b.engine.Links = box, "remit.example", links{}
	cust, err := b.setup.Customer(b.ctx, b.manager, b.inv.CustomerID)
	if err != nil {
		t.Fatal(err)
	}
	cust.BillingEmail = "ap@acme.example"
	if _, err := b.setup.SaveCustomer(b.ctx, b.manager, cust); err != nil {
		t.Fatal(err)
	}
	return box
}

// promise makes the customer's promise through the customer page's use
// case, at the clock's instant.
func (b *testBundle) promise(t *testing.T, by string) {
	t.Helper()
	svc := &customerportal.Service{DB: b.db, Billing: b.billing, Now: b.clock.Now}
	on, err := invoice.ParseDate(by)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Promise(b.ctx, customerportal.Access{Tenant: b.tenant, InvoiceID: b.inv.ID}, on); err != nil {
		t.Fatal(err)
	}
}

// TestPromiseHoldsTheLadder: the customer promises, the day after
// overdue-1, to pay by 2026-12-24. No step runs until the promise is
// broken (2026-12-27, two days of grace after the date), although
// overdue-7 falls due on 2026-12-22; then promise-broken comments and
// e-mails the customer about their promise, with the page link, and
// overdue-7's messages are skipped as superseded; the ladder continues
// with escalate-14.
func TestPromiseHoldsTheLadder(t *testing.T) {
	t.Parallel()
	b := setup(t)
	box := b.withMail(t)
	res := b.sweepAt(t, overdueDay)
	for _, o := range res.Outcomes {
		if o.Action != "transition" { // the move to overdue waits for the Jira sync; it is not this test's
			if err := b.act(res, o, 1); err != nil {
				t.Fatal(err)
			}
		}
	}
	sentBefore := len(box.sent)
	b.clock.Set(overdueDay.Add(24 * time.Hour))
	b.promise(t, "2026-12-24")
	st, err := b.db.FollowupState(b.ctx, nil, b.tenant.ClientKey, b.inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 12, 27, 0, 0, 0, 0, time.UTC); st.NextActionAt == nil || !st.NextActionAt.Equal(want) {
		t.Fatalf("next action at %v, want %v", st.NextActionAt, want)
	}
	for day := 18; day <= 26; day++ {
		if res := b.sweepAt(t, time.Date(2026, 12, day, 10, 0, 0, 0, time.UTC)); len(res.Outcomes) != 0 {
			t.Fatalf("2026-12-%d, the promise holds: %v", day, plan(res))
		}
	}
	tl, err := b.engine.Timeline(b.ctx, b.manager, b.inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if tl.Next == nil || tl.Next.Step != "promise-broken" {
		t.Fatalf("the timeline's next step is %+v, want promise-broken", tl.Next)
	}
	customer := false
	for _, ev := range tl.Events {
		customer = customer || (ev.Step == "customer" && ev.Action == "customer_promise" && ev.Detail == "promised to pay by 2026-12-24")
	}
	if !customer {
		t.Fatalf("the timeline does not show the customer's promise: %+v", tl.Events)
	}

	res = b.sweepAt(t, time.Date(2026, 12, 27, 10, 0, 0, 0, time.UTC))
	want := []string{"overdue-7 comment skipped", "overdue-7 email skipped", "promise-broken comment queued", "promise-broken email queued"}
	if got := plan(res); !slices.Equal(got, want) {
		t.Fatalf("broken-promise sweep = %v, want %v", got, want)
	}
	for _, o := range res.Outcomes {
		if o.Status == store.EventQueued {
			if err := b.act(res, o, 1); err != nil {
				t.Fatal(err)
			}
			if got := b.event(t, o.EventID); !strings.HasPrefix(got, "done") {
				t.Fatalf("%s %s: %s", o.Step, o.Action, got)
			}
		}
	}
	if len(box.sent) != sentBefore+1 {
		t.Fatalf("%d e-mails after the promise broke, want 1", len(box.sent)-sentBefore)
	}
	m := box.sent[len(box.sent)-1]
	if !strings.Contains(m.Subject, "promise") || !strings.Contains(m.Text, "by 2026-12-24") ||
		!strings.Contains(m.Text, "https://remit.example/c/page-"+strconv.FormatInt(b.inv.ID, 10)) {
		t.Fatalf("promise-broken e-mail: %s\n%s", m.Subject, m.Text)
	}
	found := false
	for _, c := range b.site.Comments(b.key) {
		if s, ok := jira.ParagraphText(c.Body); ok && strings.Contains(s, "Promise not kept") && strings.Contains(s, "2026-12-24") {
			found = true
		}
	}
	if !found {
		t.Fatal("no promise-broken comment on the invoice issue")
	}
	res = b.sweepAt(t, time.Date(2026, 12, 29, 10, 0, 0, 0, time.UTC))
	if got := plan(res); !slices.Equal(got, []string{"escalate-14 comment queued", "escalate-14 email queued"}) {
		t.Fatalf("after the broken promise: %v, want escalate-14", got)
	}
}

// TestPromiseCancelsWhatWasQueued: an action a sweep queued before the
// customer promised does not go out while the promise holds.
func TestPromiseCancelsWhatWasQueued(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.withMail(t)
	res := b.sweepAt(t, overdueDay)
	b.promise(t, "2026-12-20")
	o := queued(t, res, "overdue-1", "email")
	if err := b.act(res, o, 1); err != nil {
		t.Fatal(err)
	}
	if got := b.event(t, o.EventID); !strings.HasPrefix(got, "cancelled: the customer promised to pay by 2026-12-20") {
		t.Fatalf("queued e-mail after the promise: %s", got)
	}
}

// TestKeptPromise: paid before the promise broke, nothing more runs.
func TestKeptPromise(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.withMail(t)
	b.clock.Set(overdueDay)
	b.promise(t, "2026-12-24")
	b.clock.Set(time.Date(2026, 12, 23, 10, 0, 0, 0, time.UTC))
	if _, _, err := b.billing.RecordPayment(b.ctx, b.manager, b.inv.ID, invoice.PaymentInput{Amount: "350.00", PaidOn: b.inv.DueDate.AddDays(8), Method: "bank"}); err != nil {
		t.Fatal(err)
	}
	for _, day := range []int{27, 29} {
		res := b.sweepAt(t, time.Date(2026, 12, day, 10, 0, 0, 0, time.UTC))
		for _, o := range res.Outcomes {
			if o.Status == store.EventQueued || strings.HasPrefix(o.Step, "promise-broken") {
				t.Fatalf("after the kept promise: %v", plan(res))
			}
		}
	}
}

// TestBrokenPromiseOnAPlanSendsOneEmail: an invoice on a payment plan
// whose promise breaks on the day its second installment's
// reminder-before-due falls due. The customer gets one message that day,
// the promise-broken one; the installment's reminder is recorded skipped,
// superseded by it (SPEC §5: several message steps due at once send only
// one), and the installment's ladder goes on from there.
func TestBrokenPromiseOnAPlanSendsOneEmail(t *testing.T) {
	t.Parallel()
	b := setup(t)
	box := b.withMail(t)
	b.setPlan(t, invoice.InstallmentInput{DueDate: date(t, "2026-12-15"), Amount: "150.00"},
		invoice.InstallmentInput{DueDate: date(t, "2027-01-15"), Amount: "200.00"})
	b.clock.Set(overdueDay.Add(-24 * time.Hour)) // before any step of the first installment
	b.promise(t, "2027-01-09")                   // broken on 2027-01-12, installment 2's reminder day
	for day := 16; day <= 31; day++ {
		if res := b.sweepAt(t, time.Date(2026, 12, day, 10, 0, 0, 0, time.UTC)); len(res.Outcomes) != 0 {
			t.Fatalf("2026-12-%d, the promise holds: %v", day, plan(res))
		}
	}
	res := b.sweepAt(t, time.Date(2027, 1, 12, 10, 0, 0, 0, time.UTC))
	for _, o := range res.Outcomes {
		if o.Status == store.EventQueued && o.Action != "transition" {
			if err := b.act(res, o, 1); err != nil {
				t.Fatal(err)
			}
		}
	}
	if len(box.sent) != 1 {
		var subjects []string
		for _, m := range box.sent {
			subjects = append(subjects, m.Subject)
		}
		t.Fatalf("%d e-mails on the day the promise broke, want 1: %q (%v)", len(box.sent), subjects, plan(res))
	}
	if m := box.sent[0]; !strings.Contains(m.Subject, "promise") || strings.Contains(m.Text, "covers") {
		t.Fatalf("the day's e-mail is not the promise-broken one alone: %s\n%s", m.Subject, m.Text)
	}
	emails := 0
	for _, o := range res.Outcomes {
		if o.Action == "email" && o.Status == store.EventQueued {
			emails++
			if o.Step != "promise-broken" {
				t.Fatalf("%s's e-mail (installment %d) queued beside the broken promise's: %v", o.Step, o.Installment, plan(res))
			}
		}
	}
	if emails != 1 {
		t.Fatalf("%d e-mails queued, want the promise-broken one: %v", emails, plan(res))
	}
	inv := b.reload(t)
	res = b.sweepAt(t, time.Date(2027, 1, 16, 10, 0, 0, 0, time.UTC))
	found := false
	for _, o := range res.Outcomes {
		found = found || (o.Step == "overdue-1" && o.Action == "email" && o.Status == store.EventQueued && o.Installment == inv.Plan[1].ID)
	}
	if !found {
		t.Fatalf("the second installment's ladder does not go on after the broken promise: %v", plan(res))
	}
}

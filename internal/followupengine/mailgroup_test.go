package followupengine_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/remitapp/remit/internal/billing"
	"github.com/remitapp/remit/internal/followup"
	"github.com/remitapp/remit/internal/followupengine"
	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/mail"
	"github.com/remitapp/remit/internal/store"
)

// secondInvoice bills more of the customer's work, issued the same day
// as the first invoice (so due the same day), and syncs it to Jira.
func (b *testBundle) secondInvoice(t *testing.T) invoice.Invoice {
	t.Helper()
	b.site.LogWork(b.work, "557058:dev", time.Date(2026, 11, 15, 10, 0, 0, 0, time.UTC), 3600)
	day := date(t, "2026-11-15")
	inv, err := b.billing.Create(b.ctx, b.manager, billing.GenerateRequest{CustomerID: b.inv.CustomerID, IssueDate: date(t, "2026-11-15"),
		Period: invoice.Period{Start: day, End: day}})
	if err != nil {
		t.Fatal(err)
	}
	b.runSyncs(t)
	return inv
}

// withMail turns e-mail on with a recording sender and gives the
// customer a billing address.
func (b *testBundle) withRecordedMail(t *testing.T) *recordingMailer {
	t.Helper()
	rec := &recordingMailer{}
	b.engine.Mail, b.engine.MailDomain = rec, "remit.example"
	cust, err := b.db.Customer(b.ctx, b.tenant.ClientKey, b.inv.CustomerID)
	if err != nil {
		t.Fatal(err)
	}
	cust.BillingEmail = "ap@acme.example"
	if _, err := b.setup.SaveCustomer(b.ctx, b.manager, cust); err != nil {
		t.Fatal(err)
	}
	return rec
}

// mails are the queued e-mail outcomes of a sweep.
func mails(res followupengine.SweepResult) []followupengine.Outcome {
	var out []followupengine.Outcome
	for _, o := range res.Outcomes {
		if o.Action == string(followup.ActionEmail) && o.Status == store.EventQueued {
			out = append(out, o)
		}
	}
	return out
}

// actUntilDone works the outcome's job, attempt after attempt as River
// would (a snooze costs no attempt), until it returns nil.
func (b *testBundle) actUntilDone(t *testing.T, res followupengine.SweepResult, o followupengine.Outcome) {
	t.Helper()
	attempt := 1
	for range 20 {
		err := b.act(res, o, attempt)
		if err == nil {
			return
		}
		var snooze *river.JobSnoozeError
		if !errors.As(err, &snooze) {
			attempt++
		}
	}
	t.Fatalf("the job of %s %s never finished", o.Step, o.Action)
}

// TestOneEmailPerCustomerPerRun: two invoices of one customer come to
// overdue-1 in the same sweep. The customer gets one e-mail that lists
// both (both PDFs attached, one Message-ID covering the two e-mails the
// steps would have sent alone); each invoice's step is recorded done on
// that invoice; the second job finds its step done and sends nothing.
func TestOneEmailPerCustomerPerRun(t *testing.T) {
	t.Parallel()
	b := setup(t)
	second := b.secondInvoice(t)
	rec := b.withRecordedMail(t)
	res := b.sweepAt(t, overdueDay)
	ms := mails(res)
	if len(ms) != 2 {
		t.Fatalf("%d e-mails queued, want one per invoice: %v", len(ms), plan(res))
	}
	for _, o := range ms {
		b.actUntilDone(t, res, o)
	}
	if len(rec.sent) != 1 {
		t.Fatalf("%d e-mails sent, want 1", len(rec.sent))
	}
	m := rec.sent[0]
	for _, n := range []string{b.inv.Number, second.Number} {
		if !strings.Contains(m.Subject, n) || !strings.Contains(m.Text, n) || !strings.Contains(m.HTML, n) {
			t.Errorf("the e-mail does not name %s:\n%s\n%s", n, m.Subject, m.Text)
		}
	}
	if len(m.Attachments) != 2 || len(m.Covers) != 2 || slices.Contains(m.Covers, m.ID) || !strings.Contains(m.ID, "customer") {
		t.Errorf("attachments %d, id %s covering %v", len(m.Attachments), m.ID, m.Covers)
	}
	for _, o := range ms {
		other := second.Number
		if o.InvoiceID == second.ID {
			other = b.inv.Number
		}
		if ev := b.event(t, o.EventID); ev != "done: sent to ap@acme.example in one e-mail with "+other {
			t.Errorf("invoice %d's e-mail event = %q", o.InvoiceID, ev)
		}
	}
}

// TestOneEmailPerCustomerAfterALostReply: the mail server stored the
// customer's one e-mail but its reply was lost (a fault after the send).
// The retry sends the same message again, with the same Message-ID and
// the same two invoices (SMTP cannot do better: the copies are one
// message to the recipient's client), the sibling job sends nothing of
// its own, and each invoice's step is recorded once.
func TestOneEmailPerCustomerAfterALostReply(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.secondInvoice(t)
	rec := b.withRecordedMail(t)
	rec.fail = []mailFault{{err: &mail.Error{Temporary: true, Err: errors.New("connection reset")}, lost: true}}
	res := b.sweepAt(t, overdueDay)
	ms := mails(res)
	if len(ms) != 2 {
		t.Fatalf("%d e-mails queued: %v", len(ms), plan(res))
	}
	if err := b.act(res, ms[0], 1); err == nil {
		t.Fatal("the send whose reply was lost succeeded")
	}
	// The sibling's job runs next: it sends the group's message, not one
	// of its own.
	b.actUntilDone(t, res, ms[1])
	b.actUntilDone(t, res, ms[0])
	if len(rec.sent) != 2 || rec.sent[0].ID != rec.sent[1].ID || !slices.Equal(rec.sent[0].Covers, rec.sent[1].Covers) ||
		len(rec.sent[1].Covers) != 2 {
		var ids []string
		for _, m := range rec.sent {
			ids = append(ids, m.ID+" "+strings.Join(m.Covers, ","))
		}
		t.Fatalf("sent %v; want the one message twice (one lost reply)", ids)
	}
	for _, o := range ms {
		ev, err := b.db.FollowupEvent(b.ctx, b.tenant.ClientKey, o.EventID)
		if err != nil || ev.Status != store.EventDone || !strings.Contains(ev.Detail, "in one e-mail with") {
			t.Errorf("event %d: %+v, %v", o.EventID, ev, err)
		}
	}
}

// TestEmailHeldBackGoesAlone: of the customer's two invoices due in one
// run, one is disputed when the group's e-mail goes out. The e-mail
// covers the other alone (under that invoice's own Message-ID); when the
// dispute is withdrawn, the held-back invoice's e-mail goes out on its
// own, and nothing is sent twice.
func TestEmailHeldBackGoesAlone(t *testing.T) {
	t.Parallel()
	b := setup(t)
	second := b.secondInvoice(t)
	rec := b.withRecordedMail(t)
	res := b.sweepAt(t, overdueDay)
	ms := mails(res)
	if len(ms) != 2 {
		t.Fatalf("%d e-mails queued: %v", len(ms), plan(res))
	}
	if _, err := b.billing.Dispute(b.ctx, b.manager, second.ID); err != nil {
		t.Fatal(err)
	}
	var first, held followupengine.Outcome
	for _, o := range ms {
		if o.InvoiceID == second.ID {
			held = o
		} else {
			first = o
		}
	}
	b.actUntilDone(t, res, first)
	if len(rec.sent) != 1 || len(rec.sent[0].Covers) != 0 || strings.Contains(rec.sent[0].Text, second.Number) {
		t.Fatalf("sent %d, the first %q covering %v", len(rec.sent), rec.sent[0].Subject, rec.sent[0].Covers)
	}
	if _, err := b.billing.Undispute(b.ctx, b.manager, second.ID); err != nil {
		t.Fatal(err)
	}
	b.actUntilDone(t, res, held)
	if len(rec.sent) != 2 || !strings.Contains(rec.sent[1].Subject, second.Number) || rec.sent[1].ID == rec.sent[0].ID {
		t.Fatalf("sent %d; the second %q (%s)", len(rec.sent), rec.sent[len(rec.sent)-1].Subject, rec.sent[len(rec.sent)-1].ID)
	}
	if ev := b.event(t, held.EventID); ev != "done: sent to ap@acme.example" {
		t.Errorf("held-back e-mail event = %q", ev)
	}
}

// TestOneEmailPerCustomerWhenAMemberIsHeldBackAfterALostReply (seed
// 9752469243834472976 of the model, 5,000 steps): the customer's one
// e-mail for two invoices reached the server but its reply was lost;
// then one invoice was disputed. The retry sends the group's message for
// the other invoice under the same Message-ID (not that invoice's own),
// and when the dispute is withdrawn the held-back invoice's e-mail is
// recorded as carried by the first send, not sent again on its own.
func TestOneEmailPerCustomerWhenAMemberIsHeldBackAfterALostReply(t *testing.T) {
	t.Parallel()
	b := setup(t)
	second := b.secondInvoice(t)
	rec := b.withRecordedMail(t)
	rec.fail = []mailFault{{err: &mail.Error{Temporary: true, Err: errors.New("connection reset")}, lost: true}}
	res := b.sweepAt(t, overdueDay)
	ms := mails(res)
	if len(ms) != 2 {
		t.Fatalf("%d e-mails queued: %v", len(ms), plan(res))
	}
	var first, held followupengine.Outcome
	for _, o := range ms {
		if o.InvoiceID == second.ID {
			held = o
		} else {
			first = o
		}
	}
	if err := b.act(res, first, 1); err == nil {
		t.Fatal("the send whose reply was lost succeeded")
	}
	if _, err := b.billing.Dispute(b.ctx, b.manager, second.ID); err != nil {
		t.Fatal(err)
	}
	b.actUntilDone(t, res, first)
	if _, err := b.billing.Undispute(b.ctx, b.manager, second.ID); err != nil {
		t.Fatal(err)
	}
	b.actUntilDone(t, res, held)
	ids := map[string]bool{}
	for _, m := range rec.sent {
		ids[m.ID] = true
	}
	if len(rec.sent) != 2 || len(ids) != 1 {
		t.Fatalf("%d sends with %d Message-IDs %v; want the one message twice", len(rec.sent), len(ids), ids)
	}
	if ev := b.event(t, held.EventID); !strings.HasPrefix(ev, "done: sent to ap@acme.example in the customer's one e-mail of the run") {
		t.Fatalf("held-back e-mail event = %q", ev)
	}
}

package followupengine_test

import (
	"errors"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/billing"
	"github.com/remitapp/remit/internal/followup"
	"github.com/remitapp/remit/internal/followupengine"
	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/jira"
	"github.com/remitapp/remit/internal/jira/jirafake"
)

// stopWork sweeps the stop-work day and works every queued label action
// of that sweep, returning the release jobs' args they enqueued.
func (b *testBundle) stopWork(t *testing.T) []followupengine.ReleaseArgs {
	t.Helper()
	res := b.sweepAt(t, stopWorkDay)
	for _, o := range res.Outcomes {
		if o.Action == string(followup.ActionLabel) && o.Step == followup.StepStopWork45 {
			if err := b.act(res, o, 1); err != nil {
				t.Fatal(err)
			}
		}
	}
	rows, err := b.pool.Query(b.ctx, `SELECT (args->>'invoiceId')::bigint, (args->>'eventId')::bigint, args->>'label'
		FROM river_job WHERE kind = $1 ORDER BY id`, followupengine.ReleaseArgs{}.Kind())
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []followupengine.ReleaseArgs
	for rows.Next() {
		a := followupengine.ReleaseArgs{ClientKey: b.tenant.ClientKey}
		if err := rows.Scan(&a.InvoiceID, &a.EventID, &a.Label); err != nil {
			t.Fatal(err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// release works a release job as River's attempt number attempt.
func (b *testBundle) release(a followupengine.ReleaseArgs, attempt int) error {
	w := &followupengine.ReleaseWorker{Engine: b.engine}
	return w.Work(b.ctx, &river.Job[followupengine.ReleaseArgs]{JobRow: &rivertype.JobRow{Attempt: attempt, MaxAttempts: 25}, Args: a})
}

// pay records the invoice's whole balance as paid today.
func (b *testBundle) pay(t *testing.T, inv invoice.Invoice) {
	t.Helper()
	cur, err := b.billing.Invoice(b.ctx, b.manager, inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := b.billing.RecordPayment(b.ctx, b.manager, inv.ID, invoice.PaymentInput{Amount: cur.Balance().StringFixed(2),
		PaidOn: invoice.DateOf(b.clock.Now()), Method: "bank", Reference: "pay-" + inv.Number}); err != nil {
		t.Fatal(err)
	}
}

// resumeComments counts the comments on key saying work may resume after
// the invoice numbered number.
func (b *testBundle) resumeComments(key, number string) int {
	n := 0
	for _, c := range b.site.Comments(key) {
		if text, ok := jira.ParagraphText(c.Body); ok && text == followupengine.ResumeComment(number) {
			n++
		}
	}
	return n
}

// TestPaidInvoiceLiftsTheLabelOnce pays a stopped invoice: its release
// waits while it is unpaid, then comments once on the labelled work and
// removes the label once, through an after-write fault on the comment,
// one on the removal, and a job run again after it finished.
func TestPaidInvoiceLiftsTheLabelOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	jobs := b.stopWork(t)
	if len(jobs) != 1 || jobs[0].InvoiceID != b.inv.ID || jobs[0].Label != followup.DefaultLabel {
		t.Fatalf("release jobs = %+v, want one for invoice %d", jobs, b.inv.ID)
	}
	var snooze *river.JobSnoozeError
	if err := b.release(jobs[0], 1); !errors.As(err, &snooze) {
		t.Fatalf("release of an unpaid invoice = %v, want a snooze", err)
	}
	if is, _ := b.site.Issue(b.work); len(is.Labels) != 1 {
		t.Fatalf("labels of unpaid work = %v", is.Labels)
	}

	b.clock.Set(stopWorkDay.Add(48 * time.Hour))
	b.pay(t, b.inv)
	b.site.FailAfterWrite(jirafake.MethodAddComment, jirafake.Unavailable())
	if err := b.release(jobs[0], 1); err == nil {
		t.Fatal("the attempt Jira failed succeeded")
	}
	b.site.FailAfterWrite(jirafake.MethodRemoveLabel, jirafake.Unavailable())
	if err := b.release(jobs[0], 2); err == nil {
		t.Fatal("the attempt Jira failed succeeded")
	}
	for attempt := 3; attempt <= 4; attempt++ {
		if err := b.release(jobs[0], attempt); err != nil {
			t.Fatalf("attempt %d: %v", attempt, err)
		}
	}
	removed := b.site.LabelsRemoved()
	if len(removed) != 1 || removed[0] != (jirafake.LabelAdd{Key: b.work, Label: followup.DefaultLabel}) {
		t.Fatalf("labels removed = %+v, want %s off %s once", removed, followup.DefaultLabel, b.work)
	}
	if is, _ := b.site.Issue(b.work); len(is.Labels) != 0 {
		t.Fatalf("labels of released work = %v", is.Labels)
	}
	if n := b.resumeComments(b.work, b.inv.Number); n != 1 {
		t.Fatalf("%d resume comments on %s, want 1", n, b.work)
	}
}

// TestAnotherStoppedInvoiceKeepsTheLabel pays one of two stopped invoices
// of the customer: the label stays while the other is unpaid, and comes
// off once it is paid too.
func TestAnotherStoppedInvoiceKeepsTheLabel(t *testing.T) {
	t.Parallel()
	b := setup(t)
	day, _ := invoice.ParseDate("2026-11-15")
	issued, _ := invoice.ParseDate("2026-11-16")
	b.site.LogWork(b.work, "557058:dev", time.Date(2026, 11, 15, 12, 0, 0, 0, time.UTC), 3600)
	second, err := b.billing.Create(b.ctx, b.manager, billing.GenerateRequest{CustomerID: b.inv.CustomerID, IssueDate: issued,
		Period: invoice.Period{Start: day, End: day}})
	if err != nil {
		t.Fatal(err)
	}
	b.runSyncs(t)
	jobs := b.stopWork(t)
	if len(jobs) != 2 {
		t.Fatalf("release jobs = %+v, want one per stopped invoice", jobs)
	}
	byInvoice := map[int64]followupengine.ReleaseArgs{}
	for _, j := range jobs {
		byInvoice[j.InvoiceID] = j
	}

	b.clock.Set(stopWorkDay.Add(48 * time.Hour))
	b.pay(t, b.inv)
	if err := b.release(byInvoice[b.inv.ID], 1); err != nil {
		t.Fatal(err)
	}
	if is, _ := b.site.Issue(b.work); len(is.Labels) != 1 || len(b.site.LabelsRemoved()) != 0 {
		t.Fatalf("labels = %v, removed %+v: the unpaid invoice %s should keep the hold", is.Labels, b.site.LabelsRemoved(), second.Number)
	}
	if n := b.resumeComments(b.work, b.inv.Number); n != 0 {
		t.Fatalf("%d resume comments while the hold stays", n)
	}

	b.pay(t, second)
	if err := b.release(byInvoice[second.ID], 1); err != nil {
		t.Fatal(err)
	}
	if is, _ := b.site.Issue(b.work); len(is.Labels) != 0 || len(b.site.LabelsRemoved()) != 1 {
		t.Fatalf("labels = %v, removed %+v after both were paid", is.Labels, b.site.LabelsRemoved())
	}
	if n := b.resumeComments(b.work, second.Number); n != 1 {
		t.Fatalf("%d resume comments, want 1", n)
	}
}

// waitingReleases counts the release jobs River holds for later, and
// holdReleases puts every release job in that state, as River does with
// a job that snoozed (an hour, releaseRecheck).
func (b *testBundle) waitingReleases(t *testing.T) int {
	t.Helper()
	var n int
	if err := b.pool.QueryRow(b.ctx, `SELECT count(*) FROM river_job WHERE kind = $1 AND state = 'scheduled' AND scheduled_at > now()`,
		followupengine.ReleaseArgs{}.Kind()).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func (b *testBundle) holdReleases(t *testing.T) {
	t.Helper()
	if _, err := b.pool.Exec(b.ctx, `UPDATE river_job SET state = 'scheduled', scheduled_at = now() + interval '1 hour' WHERE kind = $1`,
		followupengine.ReleaseArgs{}.Kind()); err != nil {
		t.Fatal(err)
	}
}

// TestSettlingWakesTheRelease: each change that makes a stopped invoice
// stop calling for its label (paid in full, a plan being kept, written
// off, voided) makes its waiting release job due at once, in the
// change's transaction; worked then, it comments once and lifts the
// label once.
func TestSettlingWakesTheRelease(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name   string
		settle func(b *testBundle, t *testing.T)
	}{
		{"paid", func(b *testBundle, t *testing.T) { b.pay(t, b.inv) }},
		{"plan", func(b *testBundle, t *testing.T) {
			cur, err := b.billing.Invoice(b.ctx, b.manager, b.inv.ID)
			if err != nil {
				t.Fatal(err)
			}
			due := invoice.DateOf(b.clock.Now()).AddDays(30)
			if _, err := b.billing.SetPlan(b.ctx, b.manager, b.inv.ID, []invoice.InstallmentInput{
				{DueDate: due, Amount: cur.Balance().StringFixed(2)}}); err != nil {
				t.Fatal(err)
			}
		}},
		{"written off", func(b *testBundle, t *testing.T) {
			if _, err := b.billing.WriteOff(b.ctx, b.manager, b.inv.ID); err != nil {
				t.Fatal(err)
			}
		}},
		{"void", func(b *testBundle, t *testing.T) {
			if _, err := b.billing.Void(b.ctx, b.manager, b.inv.ID); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			jobs := b.stopWork(t)
			if len(jobs) != 1 {
				t.Fatalf("release jobs = %+v, want one", jobs)
			}
			var snooze *river.JobSnoozeError
			if err := b.release(jobs[0], 1); !errors.As(err, &snooze) {
				t.Fatalf("release of an unpaid invoice = %v, want a snooze", err)
			}
			b.holdReleases(t)
			if n := b.waitingReleases(t); n != 1 {
				t.Fatalf("%d waiting releases, want 1", n)
			}
			b.clock.Set(stopWorkDay.Add(48 * time.Hour))
			c.settle(b, t)
			if n := b.waitingReleases(t); n != 0 {
				t.Fatalf("%d releases still waiting after the invoice stopped calling for the label", n)
			}
			for attempt := 1; attempt <= 2; attempt++ { // the second as if River ran it again
				if err := b.release(jobs[0], attempt); err != nil {
					t.Fatalf("attempt %d: %v", attempt, err)
				}
			}
			if removed := b.site.LabelsRemoved(); len(removed) != 1 || removed[0] != (jirafake.LabelAdd{Key: b.work, Label: followup.DefaultLabel}) {
				t.Fatalf("labels removed = %+v, want %s off %s once", removed, followup.DefaultLabel, b.work)
			}
			if n := b.resumeComments(b.work, b.inv.Number); n != 1 {
				t.Fatalf("%d resume comments on %s, want 1", n, b.work)
			}
		})
	}
}

// TestUnsettlingChangeLeavesTheReleaseWaiting: changes to a stopped
// invoice that leave it calling for its label (a part payment, a
// dispute, a plan already behind) wake no release job; one worked anyway
// snoozes again and touches nothing in Jira.
func TestUnsettlingChangeLeavesTheReleaseWaiting(t *testing.T) {
	t.Parallel()
	b := setup(t)
	jobs := b.stopWork(t)
	if len(jobs) != 1 {
		t.Fatalf("release jobs = %+v, want one", jobs)
	}
	b.holdReleases(t)
	b.clock.Set(stopWorkDay.Add(48 * time.Hour))
	today := invoice.DateOf(b.clock.Now())
	if _, _, err := b.billing.RecordPayment(b.ctx, b.manager, b.inv.ID, invoice.PaymentInput{Amount: "10.00",
		PaidOn: today, Method: "bank", Reference: "part-" + b.inv.Number}); err != nil {
		t.Fatal(err)
	}
	if n := b.waitingReleases(t); n != 1 {
		t.Fatalf("a part payment woke the release: %d waiting", n)
	}
	cur, err := b.billing.Invoice(b.ctx, b.manager, b.inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.billing.SetPlan(b.ctx, b.manager, b.inv.ID, []invoice.InstallmentInput{
		{DueDate: today.AddDays(-1), Amount: "1.00"}, {DueDate: today.AddDays(30), Amount: cur.Balance().Sub(decimal.RequireFromString("1")).StringFixed(2)}}); err != nil {
		t.Fatal(err)
	}
	if n := b.waitingReleases(t); n != 1 {
		t.Fatalf("a plan already behind woke the release: %d waiting", n)
	}
	if _, err := b.billing.Dispute(b.ctx, b.manager, b.inv.ID); err != nil {
		t.Fatal(err)
	}
	if n := b.waitingReleases(t); n != 1 {
		t.Fatalf("a dispute woke the release: %d waiting", n)
	}
	var snooze *river.JobSnoozeError
	if err := b.release(jobs[0], 1); !errors.As(err, &snooze) {
		t.Fatalf("release of an invoice still behind = %v, want a snooze", err)
	}
	if is, _ := b.site.Issue(b.work); len(is.Labels) != 1 || len(b.site.LabelsRemoved()) != 0 {
		t.Fatalf("labels = %v, removed %+v: the hold should stay", is.Labels, b.site.LabelsRemoved())
	}
	if n := b.resumeComments(b.work, b.inv.Number); n != 0 {
		t.Fatalf("%d resume comments while the hold stays", n)
	}
}

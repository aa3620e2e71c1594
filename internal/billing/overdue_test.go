package billing_test

import (
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/remitapp/remit/internal/jirasync"
)

// TestTimeAloneMakesTheIssueOverdue: nothing happens to an invoice after
// its due date (no follow-up step moves it, no payment, no edit), yet
// its issue goes to Overdue and its property says overdue. The sync of
// the open invoice scheduled a wake-up for the day after the due date;
// run then, it marks the invoice changed and the sync does the rest.
// Run before that day it does nothing.
func TestTimeAloneMakesTheIssueOverdue(t *testing.T) {
	t.Parallel()
	b := setup(t)
	inv, err := b.svc.Create(b.ctx, b.manager, b.november())
	if err != nil {
		t.Fatal(err)
	}
	b.syncAll(t)
	key := b.site.Created()[0].Key
	var at time.Time
	var n int
	if err := b.pool.QueryRow(b.ctx, `SELECT count(*), max(scheduled_at) FROM river_job WHERE kind = $1 AND state = 'scheduled'`,
		jirasync.OverdueArgs{}.Kind()).Scan(&n, &at); err != nil {
		t.Fatal(err)
	}
	if want := time.Date(inv.DueDate.Year, inv.DueDate.Month, inv.DueDate.Day+1, 0, 0, 0, 0, time.UTC); n != 1 || !at.Equal(want) {
		t.Fatalf("%d overdue wake-ups, at %v; want one at %v", n, at, want)
	}
	w := &jirasync.OverdueWorker{DB: b.db, Now: b.clock.Now}
	job := &river.Job[jirasync.OverdueArgs]{JobRow: &rivertype.JobRow{Attempt: 1, MaxAttempts: 25},
		Args: jirasync.OverdueArgs{ClientKey: b.tenant.ClientKey, InvoiceID: inv.ID, DueDate: inv.DueDate.String()}}
	if err := w.Work(b.ctx, job); err != nil { // before the due date: nothing to do
		t.Fatal(err)
	}
	if ids := b.syncJobs(t); len(ids) != 0 {
		t.Fatalf("a wake-up before the due date enqueued syncs %v", ids)
	}
	b.clock.Set(at.Add(time.Hour))
	if err := w.Work(b.ctx, job); err != nil {
		t.Fatal(err)
	}
	b.syncAll(t)
	is, _ := b.site.Issue(key)
	if p := b.property(t, key); is.Status != "Overdue" || p.Overdue != "true" {
		t.Fatalf("after the due date: issue in %q, property overdue %q", is.Status, p.Overdue)
	}
}

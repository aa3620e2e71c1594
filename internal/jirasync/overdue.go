package jirasync

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// OverdueArgs wakes the sync of an invoice when time alone makes it
// overdue: nothing else changes then (no event, no edit), yet the issue's
// status and its remit-invoice property should say overdue. The sync of an
// open invoice not yet overdue enqueues it for the start of the day after
// the due date in the tenant's zone; it is unique by invoice and due date,
// so each due date wakes the sync once however often the invoice syncs.
type OverdueArgs struct {
	ClientKey string `json:"clientKey" river:"unique"`
	InvoiceID int64  `json:"invoiceId" river:"unique"`
	DueDate   string `json:"dueDate" river:"unique"`
}

// Kind names the job.
func (OverdueArgs) Kind() string { return "invoice_overdue_check" }

// InsertOpts makes the job unique by invoice and due date.
func (OverdueArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}, MaxAttempts: 25}
}

// overdueAt is when an invoice due on due becomes overdue in loc: the
// start of the next day.
func overdueAt(due invoice.Date, loc *time.Location) time.Time {
	d := due.AddDays(1)
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// scheduleOverdue enqueues the OverdueArgs of an open invoice that is not
// overdue today.
func (w *Worker) scheduleOverdue(ctx context.Context, clientKey string, inv invoice.Invoice, set invoice.Settings, today invoice.Date) error {
	if !inv.Open() || inv.Overdue(today) || !inv.Balance().IsPositive() {
		return nil
	}
	return w.DB.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.Enqueue(ctx, OverdueArgs{ClientKey: clientKey, InvoiceID: inv.ID, DueDate: inv.DueDate.String()},
			&river.InsertOpts{ScheduledAt: overdueAt(inv.DueDate, set.Location())})
		return err
	})
}

// OverdueWorker performs OverdueArgs jobs.
type OverdueWorker struct {
	river.WorkerDefaults[OverdueArgs]
	DB  *store.DB
	Now func() time.Time
}

// Work marks the invoice changed and enqueues its sync when it is now
// overdue; an invoice paid, voided or given a new due date meanwhile is
// left alone (its own syncs took care of it).
func (w *OverdueWorker) Work(ctx context.Context, job *river.Job[OverdueArgs]) error {
	a := job.Args
	st, err := w.DB.JiraSyncState(ctx, a.ClientKey, a.InvoiceID)
	if remit.IsKind(err, remit.NotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	set, ok, err := w.DB.GetSettings(ctx, a.ClientKey)
	if err != nil || !ok {
		return err
	}
	inv := st.Invoice
	if st.Deleted || inv.DueDate.String() != a.DueDate || !inv.Overdue(invoice.DateOf(w.Now().In(set.Location()))) {
		return nil
	}
	return w.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := w.DB.BumpJiraVersion(ctx, tx, a.ClientKey, a.InvoiceID); err != nil {
			return err
		}
		_, err := tx.Enqueue(ctx, SyncArgs{ClientKey: a.ClientKey, InvoiceID: a.InvoiceID}, nil)
		return err
	})
}

// Package jirasync projects invoices into Jira: it creates each invoice's
// issue exactly once, links the billed work, keeps the remit-invoice issue
// property and the status in step with the invoice, and notices
// when people delete the issue. All of it runs as durable jobs.
package jirasync

import (
	"github.com/riverqueue/river"
)

// SyncArgs asks for one invoice's Jira issue to match the invoice. Every
// change to an invoice enqueues one in its transaction. The jobs are not
// unique (River cannot enqueue a job while an identical one is still
// marked running, which would lose a change made at the end of a run);
// instead they take turns through a lease on the invoice row, and a job
// that finds Jira already at the invoice's version does nothing.
type SyncArgs struct {
	ClientKey string `json:"clientKey"`
	InvoiceID int64  `json:"invoiceId"`
}

// Kind names the job.
func (SyncArgs) Kind() string { return "invoice_jira_sync" }

// InsertOpts gives Jira outages a long retry budget (River backs off
// polynomially: 25 attempts span about three weeks).
func (SyncArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 25}
}

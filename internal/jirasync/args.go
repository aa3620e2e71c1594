// Package jirasync projects invoices into Jira: it creates each invoice's
// issue exactly once, links the billed work, keeps the remit-invoice issue
// property and the status in step with the invoice, and notices
// when people delete the issue. All of it runs as durable jobs.
package jirasync

import (
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// SyncArgs asks for one invoice's Jira issue to match the invoice. The
// job is idempotent and unique per invoice while queued or running; a
// change made while it runs is caught by the version check at its end.
type SyncArgs struct {
	ClientKey string `json:"clientKey" river:"unique"`
	InvoiceID int64  `json:"invoiceId" river:"unique"`
}

// Kind names the job.
func (SyncArgs) Kind() string { return "invoice_jira_sync" }

// InsertOpts makes the job unique per invoice among jobs not yet finished.
func (SyncArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{
		MaxAttempts: 25,
		UniqueOpts: river.UniqueOpts{
			ByArgs: true,
			ByState: []rivertype.JobState{
				rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
				rivertype.JobStateRetryable, rivertype.JobStateScheduled,
			},
		},
	}
}

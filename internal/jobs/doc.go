// Package jobs wires River, Remit's durable job queue on PostgreSQL.
//
// Every effect on Jira or e-mail goes through a job, and jobs are enqueued
// (store.Tx.Enqueue, River's InsertTx underneath) in the same transaction
// as the write they follow, so a
// rollback drops the job and a commit guarantees it will run (retried with
// backoff) even if the process dies right after. This package holds the
// client construction, the webhook job and its dispatcher, the pruning of
// webhook delivery records, and a graceful stop.
package jobs

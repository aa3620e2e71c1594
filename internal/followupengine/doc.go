// Package followupengine runs the follow-up engine (SPEC §5) on top of the pure
// planner in internal/followup: it sweeps a tenant's due invoices, records
// the planner's decisions as events and enqueues one durable job per
// action in the same transaction, performs the actions (Jira comments and
// transitions, e-mails, late fees, stop-work labels, admin notices) with
// retries, keeps every invoice's next action time current, and schedules
// sweeps from each tenant's cron expression.
//
// Nothing here lives only in memory: the events' unique key in PostgreSQL
// is what keeps an action from running twice, River's unique jobs keep
// replicas from duplicating work, and any process running the workers
// (remit serve, remit followup run) picks up what another left behind.
package followupengine

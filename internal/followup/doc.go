// Package followup is the core of the follow-up engine (SPEC §5): the
// policy ladder and its validation, late fees, the templates of comments
// and e-mails, and Plan, a pure function from one invoice's facts, the
// events already recorded for it and an instant to the actions to run,
// skip or cancel now and the next time anything is due.
//
// Nothing here does I/O. An executor loads facts and events, calls Plan,
// enqueues one durable job per planned action (unique per invoice,
// installment, step and action, see Key) and records an event for each in
// the same transaction; because Plan never returns a step that already
// has an event, running it again after a crash or on another replica
// adds nothing. docs/followup.md states the rules.
package followup

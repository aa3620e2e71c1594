package store

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store/internal/dbsqlc"
)

// The statuses of a follow-up event. Queued events wait for their job;
// the others are final.
const (
	EventQueued    = "queued"
	EventDone      = "done"
	EventSkipped   = "skipped"
	EventFailed    = "failed"
	EventCancelled = "cancelled"
)

// FollowupEvent is one action the follow-up engine decided for an invoice
// (Installment 0) or one of its installments, and what came of it.
type FollowupEvent struct {
	ID          int64
	InvoiceID   int64
	Installment int64
	Step        string
	Action      string
	Status      string
	Reconcile   bool
	Detail      string
	AsOf        time.Time // the sweep instant that decided it
	CreatedAt   time.Time
	At          time.Time // when its status last changed
	Attempts    int
	Payload     json.RawMessage // what the action first sent, nil until then
	MailGroup   int64           // an e-mail's group (one message per customer and sweep); 0 for none
}

// NewFollowupEvent is an event a sweep records.
type NewFollowupEvent struct {
	Installment int64
	Step        string
	Action      string
	Status      string
	Reconcile   bool
	Detail      string
}

// followupEventOf converts a followup_events row.
func followupEventOf(r dbsqlc.FollowupEvent) FollowupEvent {
	return FollowupEvent{
		ID: r.ID, InvoiceID: r.InvoiceID, Installment: r.InstallmentID, Step: r.Step, Action: r.Action,
		Status: r.Status, Reconcile: r.Reconcile, Detail: r.Detail, AsOf: r.AsOf, CreatedAt: r.CreatedAt,
		At: r.At, Attempts: int(r.Attempts), Payload: r.Payload, MailGroup: r.MailGroupID,
	}
}

// followupEventsOf converts followup_events rows; a statement's error
// comes back classified.
func followupEventsOf(op string, rows []dbsqlc.FollowupEvent, err error) ([]FollowupEvent, error) {
	if err != nil {
		return nil, classify(op, err)
	}
	out := make([]FollowupEvent, 0, len(rows))
	for _, r := range rows {
		out = append(out, followupEventOf(r))
	}
	return out, nil
}

// InsertFollowupEvents records a sweep's decisions for one invoice in tx
// and returns the events it inserted. An event whose (invoice,
// installment, step, action) is already recorded is left out, which is
// the database's guarantee that no action runs twice: the caller enqueues
// jobs only for the events returned. An invoice of another tenant is
// remit.NotFound.
func (db *DB) InsertFollowupEvents(ctx context.Context, tx *Tx, clientKey string, invoiceID int64, asOf time.Time, evs []NewFollowupEvent) ([]FollowupEvent, error) {
	const op = "store.InsertFollowupEvents"
	if len(evs) == 0 {
		return nil, nil
	}
	n := len(evs)
	inst := make([]int64, n)
	steps, actions, statuses, details := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	recon := make([]bool, n)
	for i, e := range evs {
		inst[i], steps[i], actions[i], statuses[i], details[i], recon[i] = e.Installment, e.Step, e.Action, e.Status, e.Detail, e.Reconcile
	}
	q := db.queries(tx)
	rows, err := q.InsertFollowupEvents(ctx, dbsqlc.InsertFollowupEventsParams{
		ClientKey: clientKey, InvoiceID: invoiceID, AsOf: asOf, Now: db.now(),
		InstallmentIds: inst, Steps: steps, Actions: actions, Statuses: statuses, Reconciles: recon, Details: details,
	})
	out, err := followupEventsOf(op, rows, err)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		exists, err := q.InvoiceExists(ctx, dbsqlc.InvoiceExistsParams{ClientKey: clientKey, ID: invoiceID})
		if err != nil {
			return nil, classify(op, err)
		}
		if !exists {
			return nil, errNotFoundf(op, "no invoice %d", invoiceID)
		}
	}
	return out, nil
}

// FollowupEvents lists an invoice's recorded events in the order they
// were recorded, in tx when given. Another tenant's invoice has none.
func (db *DB) FollowupEvents(ctx context.Context, tx *Tx, clientKey string, invoiceID int64) ([]FollowupEvent, error) {
	const op = "store.FollowupEvents"
	rows, err := db.queries(tx).FollowupEvents(ctx, dbsqlc.FollowupEventsParams{ClientKey: clientKey, InvoiceID: invoiceID})
	return followupEventsOf(op, rows, err)
}

// FollowupEventsByID reads events by id, for waiting on a sweep's
// actions; ids of other tenants are left out.
func (db *DB) FollowupEventsByID(ctx context.Context, clientKey string, ids []int64) ([]FollowupEvent, error) {
	const op = "store.FollowupEventsByID"
	rows, err := db.q().FollowupEventsByID(ctx, dbsqlc.FollowupEventsByIDParams{ClientKey: clientKey, Ids: ids})
	return followupEventsOf(op, rows, err)
}

// FollowupEvent reads one event. An unknown or other tenant's id is
// remit.NotFound.
func (db *DB) FollowupEvent(ctx context.Context, clientKey string, id int64) (FollowupEvent, error) {
	const op = "store.FollowupEvent"
	r, err := db.q().FollowupEvent(ctx, dbsqlc.FollowupEventParams{ClientKey: clientKey, ID: id})
	if errors.Is(err, pgx.ErrNoRows) {
		return FollowupEvent{}, errNotFoundf(op, "no follow-up event %d", id)
	}
	if err != nil {
		return FollowupEvent{}, classify(op, err)
	}
	return followupEventOf(r), nil
}

// StartFollowupAttempt counts an attempt of a queued event's action and
// keeps payload as what the action sends unless an earlier attempt kept
// one already; it returns the event as it stands, whose Payload is what
// this attempt must send. An event no longer queued comes back unchanged
// (its Status says so). An unknown or other tenant's id is remit.NotFound.
func (db *DB) StartFollowupAttempt(ctx context.Context, clientKey string, id int64, payload json.RawMessage) (FollowupEvent, error) {
	const op = "store.StartFollowupAttempt"
	r, err := db.q().StartFollowupAttempt(ctx, dbsqlc.StartFollowupAttemptParams{ClientKey: clientKey, ID: id, Payload: payload})
	if errors.Is(err, pgx.ErrNoRows) {
		return db.FollowupEvent(ctx, clientKey, id)
	}
	if err != nil {
		return FollowupEvent{}, classify(op, err)
	}
	return followupEventOf(r), nil
}

// SetFollowupPayload replaces a queued event's payload in tx, for an
// action that records what it waits for in the transaction that starts it.
func (db *DB) SetFollowupPayload(ctx context.Context, tx *Tx, clientKey string, id int64, payload json.RawMessage) error {
	const op = "store.SetFollowupPayload"
	n, err := db.queries(tx).SetFollowupPayload(ctx, dbsqlc.SetFollowupPayloadParams{ClientKey: clientKey, ID: id, Payload: payload})
	if err != nil {
		return classify(op, err)
	}
	if n == 0 {
		return remit.Errorf(remit.Conflict, op, "follow-up event %d is not queued", id)
	}
	return nil
}

// RequestFollowupSync records on a queued event, in tx, that its action
// handed its work to the invoice's Jira sync: call it after
// BumpJiraVersion in the transaction that enqueues the sync. The payload
// names the version whose sync completes the event (FinishSyncedTransitions).
// An event no longer queued is remit.Conflict.
func (db *DB) RequestFollowupSync(ctx context.Context, tx *Tx, clientKey string, id int64) error {
	const op = "store.RequestFollowupSync"
	n, err := db.queries(tx).RequestFollowupSync(ctx, dbsqlc.RequestFollowupSyncParams{ClientKey: clientKey, ID: id})
	if err != nil {
		return classify(op, err)
	}
	if n == 0 {
		return remit.Errorf(remit.Conflict, op, "follow-up event %d is not queued", id)
	}
	return nil
}

// FinishSyncedTransitions records, in tx, the outcome of the invoice's
// queued transition events whose sync request (RequestFollowupSync) the
// sync of version covers; the Jira sync calls it in the transaction that
// records the version synced, so a crash before that commit leaves them
// queued for the retry and an event already finished stays as it was. It
// returns the steps of the events it recorded.
func (db *DB) FinishSyncedTransitions(ctx context.Context, tx *Tx, clientKey string, invoiceID, version int64, status, detail string) ([]string, error) {
	const op = "store.FinishSyncedTransitions"
	switch status {
	case EventDone, EventFailed:
	default:
		return nil, remit.Errorf(remit.Invalid, op, "%q is not an outcome of a sync", status)
	}
	steps, err := db.queries(tx).FinishSyncedTransitions(ctx, dbsqlc.FinishSyncedTransitionsParams{
		ClientKey: clientKey, InvoiceID: invoiceID, Version: version, Status: status, Detail: detail, Now: db.now(),
	})
	if err != nil {
		return nil, classify(op, err)
	}
	return steps, nil
}

// FinishFollowupEvent records the outcome of a queued event, in tx when
// given. Only the first outcome counts: finished reports whether this call
// recorded it (false when the event was no longer queued).
func (db *DB) FinishFollowupEvent(ctx context.Context, tx *Tx, clientKey string, id int64, status, detail string) (finished bool, err error) {
	const op = "store.FinishFollowupEvent"
	switch status {
	case EventDone, EventSkipped, EventFailed, EventCancelled:
	default:
		return false, remit.Errorf(remit.Invalid, op, "%q is not a final status", status)
	}
	n, err := db.queries(tx).FinishFollowupEvent(ctx, dbsqlc.FinishFollowupEventParams{
		ClientKey: clientKey, ID: id, Status: status, Detail: detail, Now: db.now(),
	})
	if err != nil {
		return false, classify(op, err)
	}
	return n == 1, nil
}

// FollowupActionQueued reports whether an action of that kind is still
// queued for the invoice, so that a step's messages can wait for its
// late fee and state it.
func (db *DB) FollowupActionQueued(ctx context.Context, clientKey string, invoiceID int64, action string) (bool, error) {
	const op = "store.FollowupActionQueued"
	queued, err := db.q().FollowupActionQueued(ctx, dbsqlc.FollowupActionQueuedParams{ClientKey: clientKey, InvoiceID: invoiceID, Action: action})
	if err != nil {
		return false, classify(op, err)
	}
	return queued, nil
}

// LabelledInvoicesOfCustomer lists the customer's invoices whose label
// action (the stop-work label) is done, in id order.
func (db *DB) LabelledInvoicesOfCustomer(ctx context.Context, clientKey string, customerID int64) ([]int64, error) {
	const op = "store.LabelledInvoicesOfCustomer"
	ids, err := db.q().LabelledInvoicesOfCustomer(ctx, dbsqlc.LabelledInvoicesOfCustomerParams{ClientKey: clientKey, CustomerID: customerID})
	if err != nil {
		return nil, classify(op, err)
	}
	return ids, nil
}

// AbandonedDetail is the detail of an action whose job was discarded.
const AbandonedDetail = "its job was discarded after its last attempt (a crash or a cancel on the final try); it is not run again"

// FailAbandonedFollowupEvents records failed the tenant's queued events
// whose action job River discarded or cancelled: such an event would
// otherwise stay queued for ever, and a queued late fee holds back every
// later message of its invoice. It returns how many it recorded. Its SQL
// stays hand-written: it joins River's river_job, whose schema River's
// migrations own, outside the schema sqlc reads.
func (db *DB) FailAbandonedFollowupEvents(ctx context.Context, clientKey string) (int64, error) {
	const op = "store.FailAbandonedFollowupEvents"
	tag, err := db.pool.Exec(ctx, `
		UPDATE followup_events e SET status = 'failed', detail = $2, at = $3
		FROM river_job j
		WHERE e.client_key = $1 AND e.status = 'queued'
		  AND j.kind = 'followup_action' AND j.state IN ('discarded', 'cancelled')
		  AND j.args->>'clientKey' = $1 AND (j.args->>'eventId')::bigint = e.id`, clientKey, AbandonedDetail, db.now())
	if err != nil {
		return 0, classify(op, err)
	}
	return tag.RowsAffected(), nil
}

// WakeFollowupActions makes the invoice's waiting follow-up action jobs
// (snoozed while it was disputed) run at once, in tx. Its SQL stays
// hand-written: it updates River's river_job, whose schema River's
// migrations own, outside the schema sqlc reads.
func (db *DB) WakeFollowupActions(ctx context.Context, tx *Tx, clientKey string, invoiceID int64) error {
	const op = "store.WakeFollowupActions"
	_, err := db.on(tx).Exec(ctx, `UPDATE river_job SET scheduled_at = now()
		WHERE state = 'scheduled' AND kind = 'followup_action'
		  AND args->>'clientKey' = $1 AND (args->>'invoiceId')::bigint = $2`, clientKey, invoiceID)
	return classify(op, err)
}

// WakeFollowupReleases makes the invoice's waiting release jobs (the
// stop-work label's, snoozed while the invoice called for it) run at
// once, in tx. Its SQL stays hand-written, as WakeFollowupActions's.
func (db *DB) WakeFollowupReleases(ctx context.Context, tx *Tx, clientKey string, invoiceID int64) error {
	const op = "store.WakeFollowupReleases"
	_, err := db.on(tx).Exec(ctx, `UPDATE river_job SET scheduled_at = now()
		WHERE state = 'scheduled' AND kind = 'followup_release'
		  AND args->>'clientKey' = $1 AND (args->>'invoiceId')::bigint = $2`, clientKey, invoiceID)
	return classify(op, err)
}

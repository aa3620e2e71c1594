package store

import (
	"context"
	"time"

	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store/internal/dbsqlc"
)

// pruneBatch bounds how many rows one DELETE removes, so pruning a large
// backlog never holds locks for long.
const pruneBatch = 5000

// RecordWebhookDelivery notes a delivery's X-Atlassian-Webhook-Identifier
// and reports whether this is its first arrival. Call it in the transaction
// that enqueues the processing job: a rollback then forgets both, and a
// duplicate delivery (first == false) enqueues nothing. A nil tx runs on
// the pool. An unknown tenant is remit.NotFound.
func (db *DB) RecordWebhookDelivery(ctx context.Context, tx *Tx, clientKey, identifier, event string, at time.Time) (first bool, err error) {
	const op = "store.RecordWebhookDelivery"
	if identifier == "" {
		return false, remit.FieldErrors(remit.Invalid, op, "webhook without identifier",
			map[string]string{"identifier": "is required"})
	}
	n, err := db.queries(tx).RecordWebhookDelivery(ctx, dbsqlc.RecordWebhookDeliveryParams{
		ClientKey: clientKey, Identifier: identifier, Event: event, ReceivedAt: at,
	})
	if err != nil {
		return false, classify(op, err)
	}
	return n == 1, nil
}

// WebhookDeliverySeen reports whether a delivery identifier was recorded
// for the tenant, for diagnostics and the simulator's duplicate tests.
func (db *DB) WebhookDeliverySeen(ctx context.Context, clientKey, identifier string) (bool, error) {
	const op = "store.WebhookDeliverySeen"
	seen, err := db.q().WebhookDeliverySeen(ctx, dbsqlc.WebhookDeliverySeenParams{ClientKey: clientKey, Identifier: identifier})
	if err != nil {
		return false, classify(op, err)
	}
	return seen, nil
}

// PruneWebhookDeliveries deletes, across all tenants, deliveries received
// before olderThan; Jira does not redeliver after a few days, so old
// identifiers only cost space. It returns how many rows went.
func (db *DB) PruneWebhookDeliveries(ctx context.Context, olderThan time.Time) (int64, error) {
	const op = "store.PruneWebhookDeliveries"
	var total int64
	for {
		n, err := db.q().PruneWebhookDeliveries(ctx, dbsqlc.PruneWebhookDeliveriesParams{OlderThan: olderThan, Batch: pruneBatch})
		if err != nil {
			return total, classify(op, err)
		}
		total += n
		if n < pruneBatch {
			return total, nil
		}
	}
}

// WebhookDelivery is one delivery to record with RecordWebhookDeliveries.
type WebhookDelivery struct {
	ClientKey  string
	Identifier string
	Event      string
	Payload    []byte // the body as received; the job reads it with WebhookPayload
}

// RecordWebhookDeliveries records many deliveries, of any tenants, in one
// statement (webhook intake commits them in groups) and reports for each
// whether it is the first arrival of its (clientKey, identifier): false
// for one seen before and for a repeat of an earlier entry in ds. Call it
// in the transaction that enqueues the jobs of the first arrivals. Rows
// go in key order, so concurrent groups holding repeats of each other's
// deliveries wait for one another instead of deadlocking.
func (db *DB) RecordWebhookDeliveries(ctx context.Context, tx *Tx, at time.Time, ds []WebhookDelivery) ([]bool, error) {
	const op = "store.RecordWebhookDeliveries"
	keys, ids, events := make([]string, len(ds)), make([]string, len(ds)), make([]string, len(ds))
	payloads := make([][]byte, len(ds))
	for i, d := range ds {
		if d.Identifier == "" {
			return nil, remit.FieldErrors(remit.Invalid, op, "webhook without identifier", map[string]string{"identifier": "is required"})
		}
		keys[i], ids[i], events[i], payloads[i] = d.ClientKey, d.Identifier, d.Event, d.Payload
	}
	rows, err := db.queries(tx).RecordWebhookDeliveries(ctx, dbsqlc.RecordWebhookDeliveriesParams{
		ClientKeys: keys, Identifiers: ids, Events: events, Payloads: payloads, ReceivedAt: at,
	})
	if err != nil {
		return nil, classify(op, err)
	}
	type key struct{ clientKey, identifier string }
	inserted := make(map[key]bool, len(rows))
	for _, r := range rows {
		inserted[key{r.ClientKey, r.Identifier}] = true
	}
	first := make([]bool, len(ds))
	for i, d := range ds {
		k := key{d.ClientKey, d.Identifier}
		if inserted[k] {
			first[i] = true
			delete(inserted, k) // a repeat later in ds is not first
		}
	}
	return first, nil
}

// WebhookPayload returns the body of a recorded delivery, for the job
// that processes it. A delivery pruned meanwhile (older than the
// retention) or never recorded is remit.NotFound.
func (db *DB) WebhookPayload(ctx context.Context, clientKey, identifier string) ([]byte, error) {
	const op = "store.WebhookPayload"
	p, err := db.q().WebhookPayload(ctx, dbsqlc.WebhookPayloadParams{ClientKey: clientKey, Identifier: identifier})
	if err != nil {
		return nil, classify(op, err)
	}
	return p, nil
}

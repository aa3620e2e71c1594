// Package webhook takes Jira's webhook deliveries in: it records each
// delivery identifier once and enqueues the durable job that processes it,
// in the same transaction, so a delivery is never lost and never applied
// twice however often Jira repeats it.
package webhook

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/remitapp/remit/internal/jobs"
	"github.com/remitapp/remit/internal/store"
)

// Intake accepts verified deliveries.
type Intake struct {
	DB   *store.DB
	Jobs *river.Client[pgx.Tx]
	Now  func() time.Time
}

// Accept records the delivery and enqueues its job. first is false when
// the identifier was seen before; nothing is enqueued then.
func (in *Intake) Accept(ctx context.Context, clientKey, identifier, event string, body []byte) (bool, error) {
	var first bool
	err := in.DB.InTx(ctx, func(tx pgx.Tx) error {
		var err error
		first, err = in.DB.RecordWebhookDelivery(ctx, tx, clientKey, identifier, event, in.Now())
		if err != nil || !first {
			return err
		}
		_, err = in.Jobs.InsertTx(ctx, tx, jobs.WebhookArgs{
			ClientKey:  clientKey,
			Identifier: identifier,
			Event:      event,
			Payload:    json.RawMessage(body),
		}, nil)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("webhook.Accept: %w", err)
	}
	return first, nil
}

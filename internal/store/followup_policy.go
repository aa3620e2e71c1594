package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/remitapp/remit/internal/followup"
)

// GetPolicy returns the tenant's follow-up policy and true, or the default
// ladder and false when the tenant never saved one.
func (db *DB) GetPolicy(ctx context.Context, clientKey string) (followup.Policy, bool, error) {
	const op = "store.GetPolicy"
	var doc []byte
	err := db.pool.QueryRow(ctx, `SELECT doc FROM followup_policies WHERE client_key = $1`, clientKey).Scan(&doc)
	if errors.Is(err, pgx.ErrNoRows) {
		return followup.DefaultPolicy(), false, nil
	}
	if err != nil {
		return followup.Policy{}, false, classify(op, err)
	}
	var p followup.Policy
	if err := json.Unmarshal(doc, &p); err != nil {
		return followup.Policy{}, false, fmt.Errorf("%s: decode policy of %q: %w", op, clientKey, err)
	}
	return p, true, nil
}

// PutPolicy saves the tenant's policy whole, validated by the caller, and
// records the change with the policy before and after in the audit log,
// in tx (nil = a transaction of its own). An unknown tenant is
// remit.NotFound.
func (db *DB) PutPolicy(ctx context.Context, tx pgx.Tx, clientKey string, p followup.Policy, actor string) error {
	const op = "store.PutPolicy"
	after, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("%s: encode policy: %w", op, err)
	}
	return db.inTx(ctx, tx, func(tx pgx.Tx) error {
		var before []byte
		err := tx.QueryRow(ctx, `SELECT doc FROM followup_policies WHERE client_key = $1 FOR UPDATE`, clientKey).Scan(&before)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return classify(op, err)
		}
		now := db.now()
		_, err = tx.Exec(ctx, `
			INSERT INTO followup_policies (client_key, doc, updated_at, updated_by) VALUES ($1, $2, $3, $4)
			ON CONFLICT (client_key) DO UPDATE SET doc = EXCLUDED.doc, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`,
			clientKey, string(after), now, actor)
		if err != nil {
			return classify(op, err)
		}
		action := "update"
		if before == nil {
			action = "create"
		}
		return db.AppendAudit(ctx, tx, clientKey, AuditEntry{
			At: now, Actor: actor, Entity: "policy", EntityID: clientKey, Action: action, Before: before, After: after,
		})
	})
}

// RescheduleOpenInvoices sets the next action time of every open,
// undisputed invoice of the tenant to at, so that the next sweep at or
// after at plans each of them again, after a change that moves every
// invoice's ladder (a new policy). It returns how many it touched.
func (db *DB) RescheduleOpenInvoices(ctx context.Context, tx pgx.Tx, clientKey string, at time.Time) (int64, error) {
	const op = "store.RescheduleOpenInvoices"
	tag, err := db.on(tx).Exec(ctx, `
		UPDATE invoices SET next_action_at = $2
		WHERE client_key = $1 AND status IN ('open', 'partially_paid') AND NOT disputed`, clientKey, at)
	if err != nil {
		return 0, classify(op, err)
	}
	return tag.RowsAffected(), nil
}

// FollowupTerms reads, in tx when given, what recomputing an invoice's
// next action time needs of its tenant: the policy (the default ladder
// when none was saved) and the timezone of the settings ("" when none).
// Billing calls it inside the transaction of an invoice change, so it
// must not take a second connection from the pool.
func (db *DB) FollowupTerms(ctx context.Context, tx pgx.Tx, clientKey string) (followup.Policy, string, error) {
	const op = "store.FollowupTerms"
	var doc []byte
	var tz *string
	err := db.on(tx).QueryRow(ctx, `SELECT (SELECT doc FROM followup_policies WHERE client_key = $1),
		(SELECT doc->>'timezone' FROM settings WHERE client_key = $1)`, clientKey).Scan(&doc, &tz)
	if err != nil {
		return followup.Policy{}, "", classify(op, err)
	}
	p := followup.DefaultPolicy()
	if doc != nil {
		p = followup.Policy{}
		if err := json.Unmarshal(doc, &p); err != nil {
			return followup.Policy{}, "", fmt.Errorf("%s: decode policy of %q: %w", op, clientKey, err)
		}
	}
	zone := ""
	if tz != nil {
		zone = *tz
	}
	return p, zone, nil
}

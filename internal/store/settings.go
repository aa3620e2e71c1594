package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/remit"
)

// GetSettings returns the tenant's saved billing settings, and false when
// the tenant never saved any (the caller then shows the defaults).
func (db *DB) GetSettings(ctx context.Context, clientKey string) (invoice.Settings, bool, error) {
	const op = "store.GetSettings"
	var doc []byte
	err := db.pool.QueryRow(ctx, `SELECT doc FROM settings WHERE client_key = $1`, clientKey).Scan(&doc)
	if errors.Is(err, pgx.ErrNoRows) {
		return invoice.Settings{}, false, nil
	}
	if err != nil {
		return invoice.Settings{}, false, classify(op, err)
	}
	var s invoice.Settings
	if err := json.Unmarshal(doc, &s); err != nil {
		return invoice.Settings{}, false, fmt.Errorf("%s: decode settings of %q: %w", op, clientKey, err)
	}
	return s, true, nil
}

// PutSettings saves the tenant's settings whole (PUT semantics) and
// records the change, with the settings before and after, in the audit
// log in the same transaction. A nil tx runs in a transaction of its own.
// An unknown tenant is remit.NotFound.
func (db *DB) PutSettings(ctx context.Context, tx pgx.Tx, clientKey string, s invoice.Settings, actor string) error {
	const op = "store.PutSettings"
	after, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("%s: encode settings: %w", op, err)
	}
	return db.inTx(ctx, tx, func(tx pgx.Tx) error {
		var before []byte
		err := tx.QueryRow(ctx, `SELECT doc FROM settings WHERE client_key = $1 FOR UPDATE`, clientKey).Scan(&before)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return classify(op, err)
		}
		now := db.now()
		_, err = tx.Exec(ctx, `
			INSERT INTO settings (client_key, doc, updated_at, updated_by)
			VALUES ($1, $2, $3, $4)
			ON CONFLICT (client_key) DO UPDATE SET
				doc = EXCLUDED.doc, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`,
			clientKey, string(after), now, actor)
		if err != nil {
			return classify(op, err)
		}
		action := "update"
		if before == nil {
			action = "create"
		}
		return db.AppendAudit(ctx, tx, clientKey, AuditEntry{
			At: now, Actor: actor, Entity: "settings", EntityID: clientKey, Action: action,
			Before: before, After: after,
		})
	})
}

// errNotFoundf is a NotFound error naming what is missing for the tenant.
func errNotFoundf(op, format string, args ...any) error {
	return remit.Errorf(remit.NotFound, op, format, args...)
}

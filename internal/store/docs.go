package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/remitapp/remit/internal/store/internal/dbsqlc"
)

// docTable is a table that keeps one JSON document per tenant, saved
// whole, with who saved it and when: settings and follow-up policies.
type docTable struct {
	table  string // a constant below, never input
	entity string // the audit log's name for it
	// get is the generated statement that reads the document.
	get func(q *dbsqlc.Queries, ctx context.Context, clientKey string) ([]byte, error)
}

var (
	settingsDocs = docTable{table: "settings", entity: "settings", get: (*dbsqlc.Queries).SettingsDoc}
	policyDocs   = docTable{table: "followup_policies", entity: "policy", get: (*dbsqlc.Queries).PolicyDoc}
)

// getDoc reads the tenant's document into a T; ok is false when the
// tenant never saved one.
func getDoc[T any](ctx context.Context, db *DB, t docTable, op, clientKey string) (v T, ok bool, err error) {
	doc, err := t.get(db.q(), ctx, clientKey)
	if errors.Is(err, pgx.ErrNoRows) {
		return v, false, nil
	}
	if err != nil {
		return v, false, classify(op, err)
	}
	if err := json.Unmarshal(doc, &v); err != nil {
		return v, false, fmt.Errorf("%s: decode %s of %q: %w", op, t.entity, clientKey, err)
	}
	return v, true, nil
}

// putDoc saves the tenant's document whole and records the change, with
// the document before and after, in the audit log in the same
// transaction (tx, or one of its own when tx is nil). An unknown tenant
// is remit.NotFound.
func (db *DB) putDoc(ctx context.Context, tx *Tx, t docTable, op, clientKey string, v any, actor string) error {
	after, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("%s: encode %s: %w", op, t.entity, err)
	}
	return db.inTx(ctx, tx, func(tx *Tx) error {
		var before []byte
		err := tx.pgx.QueryRow(ctx, `SELECT doc FROM `+t.table+` WHERE client_key = $1 FOR UPDATE`, clientKey).Scan(&before)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return classify(op, err)
		}
		now := db.now()
		_, err = tx.pgx.Exec(ctx, `
			INSERT INTO `+t.table+` (client_key, doc, updated_at, updated_by) VALUES ($1, $2, $3, $4)
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
			At: now, Actor: actor, Entity: t.entity, EntityID: clientKey, Action: action, Before: before, After: after,
		})
	})
}

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
	entity string // the audit log's name for it
	// get, lock and put are the generated statements that read the
	// document, read it locked for update, and save it.
	get  func(q *dbsqlc.Queries, ctx context.Context, clientKey string) ([]byte, error)
	lock func(q *dbsqlc.Queries, ctx context.Context, clientKey string) ([]byte, error)
	put  func(q *dbsqlc.Queries, ctx context.Context, arg dbsqlc.PutSettingsDocParams) error
}

var (
	settingsDocs = docTable{
		entity: "settings",
		get:    (*dbsqlc.Queries).SettingsDoc,
		lock:   (*dbsqlc.Queries).SettingsDocForUpdate,
		put:    (*dbsqlc.Queries).PutSettingsDoc,
	}
	policyDocs = docTable{
		entity: "policy",
		get:    (*dbsqlc.Queries).PolicyDoc,
		lock:   (*dbsqlc.Queries).PolicyDocForUpdate,
		put: func(q *dbsqlc.Queries, ctx context.Context, arg dbsqlc.PutSettingsDocParams) error {
			return q.PutPolicyDoc(ctx, dbsqlc.PutPolicyDocParams(arg))
		},
	}
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
		q := db.queries(tx)
		before, err := t.lock(q, ctx, clientKey)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return classify(op, err)
		}
		now := db.now()
		err = t.put(q, ctx, dbsqlc.PutSettingsDocParams{ClientKey: clientKey, Doc: after, Now: now, Actor: actor})
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

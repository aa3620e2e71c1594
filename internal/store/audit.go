package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store/internal/dbsqlc"
)

// defaultAuditLimit and maxAuditLimit bound one page of AuditEntries.
const (
	defaultAuditLimit = 100
	maxAuditLimit     = 1000
)

// AuditEntry is one line of the append-only audit log: who did what to
// which entity, with the state before and after as JSON.
type AuditEntry struct {
	ID       int64           // assigned by the database; ignored by AppendAudit
	At       time.Time       // zero means the store's clock
	Actor    string          // an Atlassian accountId, "system" or "jira"
	Entity   string          // e.g. "invoice", "payment", "tenant"
	EntityID string          // the entity's id within the tenant
	Action   string          // e.g. "create", "void", "record_payment"
	Before   json.RawMessage // nil when there was nothing before
	After    json.RawMessage // nil when there is nothing after
}

// AuditFilter selects a page of a tenant's audit log, oldest first.
type AuditFilter struct {
	Entity   string // "" = every entity
	EntityID string // "" = every id (only with Entity)
	AfterID  int64  // keyset cursor: entries with ID > AfterID
	Limit    int    // 0 = 100; at most 1000
}

// AppendAudit adds an entry in the caller's transaction so the audit line
// exists exactly when the change it describes does. A nil tx runs on the
// pool.
func (db *DB) AppendAudit(ctx context.Context, tx *Tx, clientKey string, e AuditEntry) error {
	const op = "store.AppendAudit"
	fields := map[string]string{}
	if e.Actor == "" {
		fields["actor"] = "is required"
	}
	if e.Entity == "" {
		fields["entity"] = "is required"
	}
	if e.Action == "" {
		fields["action"] = "is required"
	}
	if len(fields) > 0 {
		return remit.FieldErrors(remit.Invalid, op, "incomplete audit entry", fields)
	}
	at := e.At
	if at.IsZero() {
		at = db.now()
	}
	err := db.queries(tx).AppendAudit(ctx, dbsqlc.AppendAuditParams{
		ClientKey: clientKey, At: at, Actor: e.Actor, Entity: e.Entity, EntityID: e.EntityID, Action: e.Action,
		Before: nullJSON(e.Before), After: nullJSON(e.After),
	})
	return classify(op, err)
}

// AuditEntries returns a page of the tenant's audit log, for the issue
// panel and the admin export.
func (db *DB) AuditEntries(ctx context.Context, clientKey string, f AuditFilter) ([]AuditEntry, error) {
	const op = "store.AuditEntries"
	limit := f.Limit
	if limit <= 0 {
		limit = defaultAuditLimit
	}
	limit = min(limit, maxAuditLimit)
	rows, err := db.q().AuditEntries(ctx, dbsqlc.AuditEntriesParams{
		ClientKey: clientKey, Entity: f.Entity, EntityID: f.EntityID, AfterID: f.AfterID, MaxRows: int64(limit),
	})
	if err != nil {
		return nil, classify(op, err)
	}
	entries := make([]AuditEntry, 0, len(rows))
	for _, r := range rows {
		entries = append(entries, AuditEntry{
			ID: r.ID, At: r.At, Actor: r.Actor, Entity: r.Entity, EntityID: r.EntityID, Action: r.Action,
			Before: r.Before, After: r.After,
		})
	}
	return entries, nil
}

// PurgeAudit deletes all of a tenant's audit entries through the database
// function that alone may bypass the append-only trigger. Only the
// retention sweep erasing an uninstalled tenant calls it.
func (db *DB) PurgeAudit(ctx context.Context, tx *Tx, clientKey string) (int64, error) {
	const op = "store.PurgeAudit"
	n, err := db.queries(tx).PurgeAudit(ctx, clientKey)
	if err != nil {
		return 0, classify(op, err)
	}
	return n, nil
}

// nullJSON stores an absent document as SQL NULL rather than JSON null
// (a nil slice is NULL to pgx; an empty one would be invalid JSON).
func nullJSON(b json.RawMessage) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}

package store

import (
	"context"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/remit"
)

// GetSettings returns the tenant's saved billing settings, and false when
// the tenant never saved any (the caller then shows the defaults).
func (db *DB) GetSettings(ctx context.Context, clientKey string) (invoice.Settings, bool, error) {
	return getDoc[invoice.Settings](ctx, db, settingsDocs, "store.GetSettings", clientKey)
}

// PutSettings saves the tenant's settings whole (PUT semantics) and
// records the change, with the settings before and after, in the audit
// log in the same transaction. A nil tx runs in a transaction of its own.
// An unknown tenant is remit.NotFound.
func (db *DB) PutSettings(ctx context.Context, tx *Tx, clientKey string, s invoice.Settings, actor string) error {
	return db.putDoc(ctx, tx, settingsDocs, "store.PutSettings", clientKey, s, actor)
}

// errNotFoundf is a NotFound error naming what is missing for the tenant.
func errNotFoundf(op, format string, args ...any) error {
	return remit.Errorf(remit.NotFound, op, format, args...)
}

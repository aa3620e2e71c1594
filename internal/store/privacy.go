package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store/internal/dbsqlc"
)

// ErasedAccount replaces the accountId of a closed Atlassian account
// everywhere Remit stored it: the rows (and money) stay, the person goes.
const ErasedAccount = "closed-account"

// AccountDue is an accountId to report and when Remit's copy of its data
// last changed (the report's updatedAt).
type AccountDue struct {
	AccountID string
	UpdatedAt time.Time
}

// SyncAccountReports registers every accountId the tenant's data holds
// that is not yet known to the reporting schedule; it returns how many
// were new.
func (db *DB) SyncAccountReports(ctx context.Context, clientKey string) (int64, error) {
	const op = "store.SyncAccountReports"
	n, err := db.q().SyncAccountReports(ctx, dbsqlc.SyncAccountReportsParams{ClientKey: clientKey, ErasedAccount: ErasedAccount})
	if err != nil {
		return 0, classify(op, err)
	}
	return n, nil
}

// AccountsDue lists up to limit of the tenant's active accounts whose
// cycle has come round at asOf (never reported, or next_report_at passed),
// in accountId order.
func (db *DB) AccountsDue(ctx context.Context, clientKey string, asOf time.Time, limit int) ([]AccountDue, error) {
	const op = "store.AccountsDue"
	rows, err := db.q().AccountsDue(ctx, dbsqlc.AccountsDueParams{ClientKey: clientKey, AsOf: asOf, MaxRows: int64(limit)})
	if err != nil {
		return nil, classify(op, err)
	}
	out := make([]AccountDue, 0, len(rows))
	for _, r := range rows {
		out = append(out, AccountDue(r))
	}
	return out, nil
}

// MarkAccountsReported records that the accounts were reported at at and
// may be reported again from next on (at + Cycle-Period).
func (db *DB) MarkAccountsReported(ctx context.Context, clientKey string, accountIDs []string, at, next time.Time) error {
	const op = "store.MarkAccountsReported"
	err := db.q().MarkAccountsReported(ctx, dbsqlc.MarkAccountsReportedParams{
		ClientKey: clientKey, AccountIds: accountIDs, At: at, Next: next,
	})
	return classify(op, err)
}

// EraseAccount removes a closed account's personal data from every table
// that stores accountIds, in one transaction: its id becomes ErasedAccount
// in the audit log (actor and documents), invoices, payments (recorded
// or reversed), credit notes and settings,
// and its rate override is dropped from customers, and the reporting
// schedule forgets it, so it is never reported again. It returns the rows
// changed.
func (db *DB) EraseAccount(ctx context.Context, clientKey, accountID string) (int64, error) {
	const op = "store.EraseAccount"
	if accountID == "" || accountID == ErasedAccount {
		return 0, remit.Errorf(remit.Invalid, op, "no account to erase")
	}
	var total int64
	err := db.InTx(ctx, func(tx *Tx) error {
		q := dbsqlc.New(tx.pgx)
		n, err := q.AnonymiseAudit(ctx, dbsqlc.AnonymiseAuditParams{ClientKey: clientKey, AccountID: accountID, ErasedAccount: ErasedAccount})
		if err != nil {
			return err
		}
		total += n
		for _, erase := range []func() (int64, error){
			func() (int64, error) {
				return q.EraseInvoiceCreator(ctx, dbsqlc.EraseInvoiceCreatorParams{ClientKey: clientKey, AccountID: accountID, ErasedAccount: ErasedAccount})
			},
			func() (int64, error) {
				return q.ErasePaymentRecorder(ctx, dbsqlc.ErasePaymentRecorderParams{ClientKey: clientKey, AccountID: accountID, ErasedAccount: ErasedAccount})
			},
			func() (int64, error) {
				return q.ErasePaymentReverser(ctx, dbsqlc.ErasePaymentReverserParams{ClientKey: clientKey, AccountID: accountID, ErasedAccount: ErasedAccount})
			},
			func() (int64, error) {
				return q.EraseCreditNoteIssuer(ctx, dbsqlc.EraseCreditNoteIssuerParams{ClientKey: clientKey, AccountID: accountID, ErasedAccount: ErasedAccount})
			},
			func() (int64, error) {
				return q.EraseSettingsEditor(ctx, dbsqlc.EraseSettingsEditorParams{ClientKey: clientKey, AccountID: accountID, ErasedAccount: ErasedAccount})
			},
			func() (int64, error) {
				return q.ErasePolicyEditor(ctx, dbsqlc.ErasePolicyEditorParams{ClientKey: clientKey, AccountID: accountID, ErasedAccount: ErasedAccount})
			},
			func() (int64, error) {
				return q.EraseRateOverride(ctx, dbsqlc.EraseRateOverrideParams{ClientKey: clientKey, AccountID: accountID, ErasedAccount: ErasedAccount})
			},
		} {
			n, err := erase()
			if err != nil {
				return err
			}
			total += n
		}
		// The id itself goes too: with the data erased no source yields
		// it, so it is never reported again.
		return q.ForgetAccountReport(ctx, dbsqlc.ForgetAccountReportParams{ClientKey: clientKey, AccountID: accountID})
	})
	if err != nil {
		return 0, classify(op, err)
	}
	return total, nil
}

// UninstalledBefore lists the tenants uninstalled before cutoff, whose
// retention period is over: the retention sweep purges them.
func (db *DB) UninstalledBefore(ctx context.Context, cutoff time.Time) ([]string, error) {
	const op = "store.UninstalledBefore"
	keys, err := db.q().UninstalledBefore(ctx, cutoff)
	if err != nil {
		return nil, classify(op, err)
	}
	return nonNil(keys), nil
}

// PurgeTenant deletes all of a tenant's data, the tenant row included,
// if it is still uninstalled since before cutoff (a re-install that raced
// the sweep wins). It reports whether it purged.
func (db *DB) PurgeTenant(ctx context.Context, clientKey string, cutoff time.Time) (bool, error) {
	const op = "store.PurgeTenant"
	purged := false
	err := db.InTx(ctx, func(tx *Tx) error {
		q := dbsqlc.New(tx.pgx)
		_, err := q.StillUninstalledForUpdate(ctx, dbsqlc.StillUninstalledForUpdateParams{ClientKey: clientKey, Cutoff: cutoff})
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if _, err := db.PurgeAudit(ctx, tx, clientKey); err != nil {
			return err
		}
		// Everything else hangs off tenants with ON DELETE CASCADE.
		if err := q.DeleteTenant(ctx, clientKey); err != nil {
			return err
		}
		purged = true
		return nil
	})
	db.cache.forget(clientKey)
	if err != nil {
		return false, classify(op, err)
	}
	return purged, nil
}

// exportSkipped are tables with a client_key that the export leaves out:
// the tenant row is exported without its secret, and tokens are secrets.
var exportSkipped = map[string]bool{"tenants": true, "forge_tokens": true, "webhook_deliveries": true}

// ExportTenant returns every row Remit holds for the tenant, table by
// table, as JSON arrays, read in one snapshot. Tables are found by their
// client_key column, so a table added later is exported without a change
// here; the tenant row comes without its shared secret. Its SQL stays
// hand-written: the table names are found at run time.
func (db *DB) ExportTenant(ctx context.Context, clientKey string) (map[string]json.RawMessage, error) {
	const op = "store.ExportTenant"
	out := map[string]json.RawMessage{}
	err := db.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.pgx.Exec(ctx, `SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY`); err != nil {
			return err
		}
		var tenant json.RawMessage
		if err := tx.pgx.QueryRow(ctx, `SELECT to_jsonb(t) - 'shared_secret_enc' FROM tenants t WHERE client_key = $1`,
			clientKey).Scan(&tenant); err != nil {
			return err
		}
		out["tenant"] = tenant
		rows, err := tx.pgx.Query(ctx, `SELECT table_name FROM information_schema.columns
			WHERE table_schema = current_schema() AND column_name = 'client_key' ORDER BY table_name`)
		if err != nil {
			return err
		}
		tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		for _, table := range tables {
			if exportSkipped[table] {
				continue
			}
			var doc json.RawMessage
			q := fmt.Sprintf(`SELECT coalesce(jsonb_agg(to_jsonb(x)), '[]') FROM %s x WHERE client_key = $1`,
				pgx.Identifier{table}.Sanitize())
			if err := tx.pgx.QueryRow(ctx, q, clientKey).Scan(&doc); err != nil {
				return err
			}
			out[table] = doc
		}
		return nil
	})
	if err != nil {
		return nil, classify(op, err)
	}
	return out, nil
}

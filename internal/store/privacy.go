package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/remitapp/remit/internal/remit"
)

// ErasedAccount replaces the accountId of a closed Atlassian account
// everywhere Remit stored it: the rows (and money) stay, the person goes.
const ErasedAccount = "closed-account"

// accountSources selects every (accountId, last change) Remit stores for
// tenant $1: audit actors, who saved the settings or the follow-up policy,
// who created invoices, who recorded payments and the per-person rate
// overrides of customers.
// The system actors "system" and "jira" and erased ids are not people.
const accountSources = `
	SELECT actor AS account_id, at AS changed_at FROM audit_log WHERE client_key = $1
	UNION ALL SELECT updated_by, updated_at FROM settings WHERE client_key = $1
	UNION ALL SELECT updated_by, updated_at FROM followup_policies WHERE client_key = $1
	UNION ALL SELECT created_by, created_at FROM invoices WHERE client_key = $1
	UNION ALL SELECT recorded_by, recorded_at FROM payments WHERE client_key = $1
	UNION ALL SELECT k, updated_at FROM customers, jsonb_object_keys(coalesce(rate_overrides->'accounts', '{}')) AS k
		WHERE client_key = $1`

const notAPerson = `account_id NOT IN ('', 'system', 'jira', '` + ErasedAccount + `')`

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
	tag, err := db.pool.Exec(ctx, `
		INSERT INTO account_reports (client_key, account_id)
		SELECT DISTINCT $1, account_id FROM (`+accountSources+`) s WHERE `+notAPerson+`
		ON CONFLICT (client_key, account_id) DO NOTHING`, clientKey)
	if err != nil {
		return 0, classify(op, err)
	}
	return tag.RowsAffected(), nil
}

// AccountsDue lists up to limit of the tenant's active accounts whose
// cycle has come round at asOf (never reported, or next_report_at passed),
// in accountId order.
func (db *DB) AccountsDue(ctx context.Context, clientKey string, asOf time.Time, limit int) ([]AccountDue, error) {
	const op = "store.AccountsDue"
	rows, err := db.pool.Query(ctx, `
		WITH src AS (`+accountSources+`)
		SELECT r.account_id, coalesce((SELECT max(changed_at) FROM src WHERE src.account_id = r.account_id), $2)
		FROM account_reports r
		WHERE r.client_key = $1 AND r.status = 'active' AND (r.next_report_at IS NULL OR r.next_report_at <= $2)
		ORDER BY r.account_id LIMIT $3`, clientKey, asOf, limit)
	if err != nil {
		return nil, classify(op, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (AccountDue, error) {
		var a AccountDue
		err := r.Scan(&a.AccountID, &a.UpdatedAt)
		return a, err
	})
	return out, classify(op, err)
}

// MarkAccountsReported records that the accounts were reported at at and
// may be reported again from next on (at + Cycle-Period).
func (db *DB) MarkAccountsReported(ctx context.Context, clientKey string, accountIDs []string, at, next time.Time) error {
	const op = "store.MarkAccountsReported"
	_, err := db.pool.Exec(ctx, `
		UPDATE account_reports SET reported_at = $3, next_report_at = $4
		WHERE client_key = $1 AND account_id = ANY($2) AND status = 'active'`, clientKey, accountIDs, at, next)
	return classify(op, err)
}

// EraseAccount removes a closed account's personal data from every table
// that stores accountIds, in one transaction: its id becomes ErasedAccount
// in the audit log (actor and documents), invoices, payments and settings,
// and its rate override is dropped from customers, and the reporting
// schedule forgets it, so it is never reported again. It returns the rows
// changed.
func (db *DB) EraseAccount(ctx context.Context, clientKey, accountID string) (int64, error) {
	const op = "store.EraseAccount"
	if accountID == "" || accountID == ErasedAccount {
		return 0, remit.Errorf(remit.Invalid, op, "no account to erase")
	}
	var total int64
	err := db.InTx(ctx, func(tx pgx.Tx) error {
		var n int64
		if err := tx.QueryRow(ctx, `SELECT remit_anonymise_audit($1, $2, $3)`, clientKey, accountID, ErasedAccount).Scan(&n); err != nil {
			return err
		}
		total += n
		for _, q := range []string{
			`UPDATE invoices SET created_by = $3 WHERE client_key = $1 AND created_by = $2`,
			`UPDATE payments SET recorded_by = $3 WHERE client_key = $1 AND recorded_by = $2`,
			`UPDATE settings SET updated_by = $3 WHERE client_key = $1 AND updated_by = $2`,
			`UPDATE followup_policies SET updated_by = $3 WHERE client_key = $1 AND updated_by = $2`,
			`UPDATE customers SET rate_overrides = jsonb_set(rate_overrides, '{accounts}', (rate_overrides->'accounts') - $2::text)
				WHERE client_key = $1 AND rate_overrides->'accounts' ? $2::text AND $3 <> ''`,
		} {
			tag, err := tx.Exec(ctx, q, clientKey, accountID, ErasedAccount)
			if err != nil {
				return err
			}
			total += tag.RowsAffected()
		}
		// The id itself goes too: with the data erased no source yields
		// it, so it is never reported again.
		_, err := tx.Exec(ctx, `DELETE FROM account_reports WHERE client_key = $1 AND account_id = $2`, clientKey, accountID)
		return err
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
	rows, err := db.pool.Query(ctx, `SELECT client_key FROM tenants
		WHERE state = 'uninstalled' AND uninstalled_at < $1 ORDER BY client_key`, cutoff)
	if err != nil {
		return nil, classify(op, err)
	}
	keys, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return keys, classify(op, err)
}

// PurgeTenant deletes all of a tenant's data, the tenant row included,
// if it is still uninstalled since before cutoff (a re-install that raced
// the sweep wins). It reports whether it purged.
func (db *DB) PurgeTenant(ctx context.Context, clientKey string, cutoff time.Time) (bool, error) {
	const op = "store.PurgeTenant"
	purged := false
	err := db.InTx(ctx, func(tx pgx.Tx) error {
		var still bool
		err := tx.QueryRow(ctx, `SELECT true FROM tenants WHERE client_key = $1
			AND state = 'uninstalled' AND uninstalled_at < $2 FOR UPDATE`, clientKey, cutoff).Scan(&still)
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
		if _, err := tx.Exec(ctx, `DELETE FROM tenants WHERE client_key = $1`, clientKey); err != nil {
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
// here; the tenant row comes without its shared secret.
func (db *DB) ExportTenant(ctx context.Context, clientKey string) (map[string]json.RawMessage, error) {
	const op = "store.ExportTenant"
	out := map[string]json.RawMessage{}
	err := db.InTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY`); err != nil {
			return err
		}
		var tenant json.RawMessage
		if err := tx.QueryRow(ctx, `SELECT to_jsonb(t) - 'shared_secret_enc' FROM tenants t WHERE client_key = $1`,
			clientKey).Scan(&tenant); err != nil {
			return err
		}
		out["tenant"] = tenant
		rows, err := tx.Query(ctx, `SELECT table_name FROM information_schema.columns
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
			if err := tx.QueryRow(ctx, q, clientKey).Scan(&doc); err != nil {
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

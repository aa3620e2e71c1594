package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/remitapp/remit/internal/remit"
)

// tenantColumns is the column list every tenant read scans with scanTenant.
const tenantColumns = `client_key, app_key, base_url, display_url, product_type, shared_secret_enc,
	oauth_client_id, coalesce(cloud_id, ''), coalesce(installation_id, ''), state, enabled,
	installed_at, updated_at, uninstalled_at`

// UpsertInstall records an install or re-install. A re-install replaces the
// shared secret and URLs, marks the tenant installed and enabled again and
// clears uninstalled_at, but keeps installed_at of the first install and
// keeps a known cloud_id or installation_id when the new install carries
// none. Another tenant already holding the cloud_id or installation_id is a
// Conflict.
func (db *DB) UpsertInstall(ctx context.Context, t remit.Tenant) (remit.Tenant, error) {
	const op = "store.UpsertInstall"
	fields := map[string]string{}
	if t.ClientKey == "" {
		fields["clientKey"] = "is required"
	}
	if t.SharedSecret == "" {
		fields["sharedSecret"] = "is required"
	}
	if t.BaseURL == "" {
		fields["baseUrl"] = "is required"
	}
	if len(fields) > 0 {
		return remit.Tenant{}, remit.FieldErrors(remit.Invalid, op, "incomplete install payload", fields)
	}
	sealed := db.box.Seal([]byte(t.SharedSecret), []byte(t.ClientKey))
	now := db.now()
	row := db.pool.QueryRow(ctx, `
		INSERT INTO tenants (client_key, app_key, base_url, display_url, product_type, shared_secret_enc,
			oauth_client_id, cloud_id, installation_id, state, enabled, installed_at, updated_at, uninstalled_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, NULLIF($8, ''), NULLIF($9, ''), 'installed', true, $10, $10, NULL)
		ON CONFLICT (client_key) DO UPDATE SET
			app_key = EXCLUDED.app_key,
			base_url = EXCLUDED.base_url,
			display_url = EXCLUDED.display_url,
			product_type = EXCLUDED.product_type,
			shared_secret_enc = EXCLUDED.shared_secret_enc,
			oauth_client_id = EXCLUDED.oauth_client_id,
			cloud_id = coalesce(EXCLUDED.cloud_id, tenants.cloud_id),
			installation_id = coalesce(EXCLUDED.installation_id, tenants.installation_id),
			state = 'installed',
			enabled = true,
			updated_at = EXCLUDED.updated_at,
			uninstalled_at = NULL
		RETURNING `+tenantColumns,
		t.ClientKey, t.AppKey, t.BaseURL, t.DisplayURL, t.ProductType, sealed,
		t.OAuthClientID, t.CloudID, t.InstallationID, now)
	out, err := db.scanTenant(row)
	db.cache.forget(t.ClientKey)
	if err != nil {
		return remit.Tenant{}, classify(op, err)
	}
	return out, nil
}

// TenantByClientKey returns the tenant with its shared secret decrypted, in
// any state; callers check Active. remit.NotFound when there is none.
func (db *DB) TenantByClientKey(ctx context.Context, clientKey string) (remit.Tenant, error) {
	const op = "store.TenantByClientKey"
	if t, ok := db.cache.get(clientKey); ok {
		return t, nil
	}
	if db.cache.unknown(clientKey) {
		return remit.Tenant{}, remit.Errorf(remit.NotFound, op, "no tenant (cached)")
	}
	gen := db.cache.generation()
	row := db.pool.QueryRow(ctx, `SELECT `+tenantColumns+` FROM tenants WHERE client_key = $1`, clientKey)
	t, err := db.scanTenant(row)
	if errors.Is(err, pgx.ErrNoRows) {
		db.cache.putUnknown(clientKey, gen)
	}
	if err != nil {
		return remit.Tenant{}, classify(op, err)
	}
	db.cache.put(t, gen)
	return t, nil
}

// SetTenantEnabled follows the Connect enabled/disabled callbacks; a
// disabled tenant gets no calls and no follow-ups.
func (db *DB) SetTenantEnabled(ctx context.Context, clientKey string, enabled bool) error {
	const op = "store.SetTenantEnabled"
	tag, err := db.pool.Exec(ctx,
		`UPDATE tenants SET enabled = $2, updated_at = $3 WHERE client_key = $1`,
		clientKey, enabled, db.now())
	db.cache.forget(clientKey)
	if err != nil {
		return classify(op, err)
	}
	if tag.RowsAffected() == 0 {
		return remit.Errorf(remit.NotFound, op, "no tenant %q", clientKey)
	}
	return nil
}

// MarkTenantUninstalled records the uninstall callback: the tenant is
// disabled and its data is kept until the retention period after at ends,
// so a re-install restores it.
func (db *DB) MarkTenantUninstalled(ctx context.Context, clientKey string, at time.Time) error {
	const op = "store.MarkTenantUninstalled"
	tag, err := db.pool.Exec(ctx, `
		UPDATE tenants SET state = 'uninstalled', enabled = false, uninstalled_at = $2, updated_at = $3
		WHERE client_key = $1`,
		clientKey, at, db.now())
	db.cache.forget(clientKey)
	if err != nil {
		return classify(op, err)
	}
	if tag.RowsAffected() == 0 {
		return remit.Errorf(remit.NotFound, op, "no tenant %q", clientKey)
	}
	return nil
}

// ActiveTenants lists installed, enabled tenants in clientKey order, for
// sweeps that run across all sites (follow-ups, privacy reporting).
func (db *DB) ActiveTenants(ctx context.Context) ([]remit.Tenant, error) {
	const op = "store.ActiveTenants"
	rows, err := db.pool.Query(ctx, `SELECT `+tenantColumns+`
		FROM tenants WHERE state = 'installed' AND enabled ORDER BY client_key`)
	if err != nil {
		return nil, classify(op, err)
	}
	defer rows.Close()
	var out []remit.Tenant
	for rows.Next() {
		t, err := db.scanTenant(rows)
		if err != nil {
			return nil, classify(op, err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, classify(op, err)
	}
	return out, nil
}

// scanTenant reads one row of tenantColumns and opens the sealed secret
// with the row's own clientKey as additional data.
func (db *DB) scanTenant(row pgx.Row) (remit.Tenant, error) {
	var t remit.Tenant
	var sealed []byte
	var state string
	if err := row.Scan(&t.ClientKey, &t.AppKey, &t.BaseURL, &t.DisplayURL, &t.ProductType, &sealed,
		&t.OAuthClientID, &t.CloudID, &t.InstallationID, &state, &t.Enabled,
		&t.InstalledAt, &t.UpdatedAt, &t.UninstalledAt); err != nil {
		return remit.Tenant{}, err
	}
	t.State = remit.TenantState(state)
	secret, err := db.box.Open(sealed, []byte(t.ClientKey))
	if err != nil {
		return remit.Tenant{}, fmt.Errorf("open shared secret of tenant %q: %w", t.ClientKey, err)
	}
	t.SharedSecret = string(secret)
	return t, nil
}

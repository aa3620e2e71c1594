package store

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/remitapp/remit/internal/remit"
)

// ForgeClientKeyPrefix starts the clientKey Remit gives a site that
// reaches it only through Forge, which has no Connect clientKey.
const ForgeClientKeyPrefix = "forge:"

// UpsertForgeInstall records a Forge installation (the
// avi:forge:installed:app trigger, or any verified invocation of an
// installation Remit has not seen). It finds the tenant by installationId,
// else by cloudId, so a Connect tenant that adopts Forge keeps its data; it
// then attaches both ids and marks the tenant installed and enabled again,
// which also restores a tenant uninstalled within the retention period.
// Only when neither matches is a new tenant created, keyed
// "forge:<cloudId>", with no Connect shared secret: the Connect verifier
// refuses every token of a tenant without one, and the Jira client
// factory reaches it through its Forge system token. created reports
// that case.
func (db *DB) UpsertForgeInstall(ctx context.Context, t remit.Tenant) (out remit.Tenant, created bool, err error) {
	const op = "store.UpsertForgeInstall"
	fields := map[string]string{}
	if t.InstallationID == "" {
		fields["installationId"] = "is required"
	}
	if t.CloudID == "" {
		fields["cloudId"] = "is required"
	}
	if t.BaseURL == "" {
		fields["baseUrl"] = "is required"
	}
	if len(fields) > 0 {
		return remit.Tenant{}, false, remit.FieldErrors(remit.Invalid, op, "incomplete Forge installation", fields)
	}
	now := db.now()
	var clientKey string
	err = db.InTx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `
			SELECT client_key FROM tenants WHERE installation_id = $1 OR cloud_id = $2
			ORDER BY installation_id IS NOT DISTINCT FROM $1 DESC LIMIT 1 FOR UPDATE`, t.InstallationID, t.CloudID).Scan(&clientKey)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			clientKey, created = ForgeClientKeyPrefix+t.CloudID, true
			sealed := db.box.Seal(nil, []byte(clientKey))
			_, err = tx.Exec(ctx, `
				INSERT INTO tenants (client_key, app_key, base_url, display_url, product_type, shared_secret_enc,
					cloud_id, installation_id, state, enabled, installed_at, updated_at)
				VALUES ($1, $2, $3, $3, 'jira', $4, $5, $6, 'installed', true, $7, $7)`,
				clientKey, t.AppKey, t.BaseURL, sealed, t.CloudID, t.InstallationID, now)
			return err
		case err != nil:
			return err
		}
		_, err = tx.Exec(ctx, `
			UPDATE tenants SET installation_id = $2, cloud_id = coalesce(cloud_id, $3),
				state = 'installed', enabled = true, uninstalled_at = NULL, updated_at = $4
			WHERE client_key = $1`, clientKey, t.InstallationID, t.CloudID, now)
		return err
	})
	db.cache.forget(clientKey)
	if err != nil {
		return remit.Tenant{}, false, classify(op, err)
	}
	out, err = db.TenantByClientKey(ctx, clientKey)
	return out, created, err
}

// TenantByInstallationID finds the tenant a Forge invocation is for, in
// any state; remit.NotFound when Remit does not know the installation.
func (db *DB) TenantByInstallationID(ctx context.Context, installationID string) (remit.Tenant, error) {
	const op = "store.TenantByInstallationID"
	row := db.pool.QueryRow(ctx, `SELECT `+tenantColumns+` FROM tenants WHERE installation_id = $1`, installationID)
	t, err := db.scanTenant(row)
	if err != nil {
		return remit.Tenant{}, classify(op, err)
	}
	return t, nil
}

// SaveForgeToken keeps the tenant's latest Forge system token and API base
// URL, so jobs that run outside an invocation can still call Jira.
func (db *DB) SaveForgeToken(ctx context.Context, clientKey, apiBaseURL, token string, expiresAt time.Time) error {
	const op = "store.SaveForgeToken"
	if token == "" || apiBaseURL == "" {
		return remit.Errorf(remit.Invalid, op, "token and API base URL are required")
	}
	sealed := db.box.Seal([]byte(token), []byte(clientKey+"|forge"))
	_, err := db.pool.Exec(ctx, `
		INSERT INTO forge_tokens (client_key, api_base_url, token_enc, expires_at, updated_at)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (client_key) DO UPDATE SET api_base_url = EXCLUDED.api_base_url,
			token_enc = EXCLUDED.token_enc, expires_at = EXCLUDED.expires_at, updated_at = EXCLUDED.updated_at
		WHERE forge_tokens.expires_at <= EXCLUDED.expires_at`,
		clientKey, apiBaseURL, sealed, expiresAt, db.now())
	return classify(op, err)
}

// ForgeToken returns the tenant's latest Forge system token and where to
// use it; remit.NotFound when there is none or it has expired.
func (db *DB) ForgeToken(ctx context.Context, clientKey string) (apiBaseURL, token string, expiresAt time.Time, err error) {
	const op = "store.ForgeToken"
	var sealed []byte
	err = db.pool.QueryRow(ctx, `SELECT api_base_url, token_enc, expires_at FROM forge_tokens WHERE client_key = $1`,
		clientKey).Scan(&apiBaseURL, &sealed, &expiresAt)
	if err != nil {
		return "", "", time.Time{}, classify(op, err)
	}
	if !expiresAt.After(db.now()) {
		return "", "", time.Time{}, remit.Errorf(remit.NotFound, op, "the Forge token of %s has expired", clientKey)
	}
	plain, err := db.box.Open(sealed, []byte(clientKey+"|forge"))
	if err != nil {
		return "", "", time.Time{}, remit.Wrap(remit.Internal, op, err)
	}
	return apiBaseURL, string(plain), expiresAt, nil
}

// SetTenantCloudID records a Connect tenant's cloudId once Jira confirmed
// it (GET {baseUrl}/_edge/tenant_info), so its Forge installation finds it.
func (db *DB) SetTenantCloudID(ctx context.Context, clientKey, cloudID string) error {
	const op = "store.SetTenantCloudID"
	tag, err := db.pool.Exec(ctx, `UPDATE tenants SET cloud_id = $2, updated_at = $3 WHERE client_key = $1 AND cloud_id IS NULL`,
		clientKey, cloudID, db.now())
	db.cache.forget(clientKey)
	if err != nil {
		return classify(op, err)
	}
	if tag.RowsAffected() == 0 {
		return remit.Errorf(remit.NotFound, op, "no tenant %q without a cloudId", clientKey)
	}
	return nil
}

// TenantsWithoutCloudID lists installed Connect tenants at baseURL whose
// cloudId is not known yet: the candidates a Forge installation for that
// site may belong to, each to be confirmed against Jira before use.
func (db *DB) TenantsWithoutCloudID(ctx context.Context, baseURL string) ([]string, error) {
	const op = "store.TenantsWithoutCloudID"
	rows, err := db.pool.Query(ctx, `SELECT client_key FROM tenants
		WHERE cloud_id IS NULL AND rtrim(base_url, '/') = rtrim($1, '/') ORDER BY client_key`, baseURL)
	if err != nil {
		return nil, classify(op, err)
	}
	keys, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return keys, classify(op, err)
}

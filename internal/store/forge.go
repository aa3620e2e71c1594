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
// that case. An installation id the tenant had before is retired; a
// retired id is refused (remit.Unauthorized).
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
		if err := refuseRetired(ctx, tx, op, t.InstallationID); err != nil {
			return err
		}
		var current *string
		err := tx.QueryRow(ctx, `
			SELECT client_key, installation_id FROM tenants WHERE installation_id = $1 OR cloud_id = $2
			ORDER BY installation_id IS NOT DISTINCT FROM $1 DESC LIMIT 1 FOR UPDATE`, t.InstallationID, t.CloudID).Scan(&clientKey, &current)
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
		if err := retire(ctx, tx, clientKey, current, t.InstallationID, now); err != nil {
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

// FollowForgeInstallation gives the installed tenant of cloudID the
// installation id installationID. Forge can change a site's
// installationId without any lifecycle event; a verified invocation
// naming a new id for a cloudId Remit knows is the same site, so the
// tenant follows it instead of refusing the site or making it a second
// tenant. The id it replaces is retired: a retired id is never followed
// or installed again, so an old installation cannot take the tenant
// back. remit.NotFound when no installed, enabled tenant has cloudID or
// installationID is retired; an inactive tenant is left as it is.
func (db *DB) FollowForgeInstallation(ctx context.Context, cloudID, installationID string) (remit.Tenant, error) {
	const op = "store.FollowForgeInstallation"
	if cloudID == "" || installationID == "" {
		return remit.Tenant{}, remit.Errorf(remit.Invalid, op, "cloudId and installationId are required")
	}
	var clientKey string
	err := db.InTx(ctx, func(tx pgx.Tx) error {
		if err := refuseRetired(ctx, tx, op, installationID); remit.IsKind(err, remit.Unauthorized) {
			return remit.Errorf(remit.NotFound, op, "installation %s was replaced", installationID)
		} else if err != nil {
			return err
		}
		var current *string
		if err := tx.QueryRow(ctx, `SELECT client_key, installation_id FROM tenants
			WHERE cloud_id = $1 AND state = 'installed' AND enabled FOR UPDATE`, cloudID).Scan(&clientKey, &current); err != nil {
			return err
		}
		if err := retire(ctx, tx, clientKey, current, installationID, db.now()); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE tenants SET installation_id = $2, updated_at = $3 WHERE client_key = $1`,
			clientKey, installationID, db.now())
		return err
	})
	db.cache.forget(clientKey)
	if err != nil {
		return remit.Tenant{}, classify(op, err)
	}
	return db.TenantByClientKey(ctx, clientKey)
}

// refuseRetired fails with remit.Unauthorized when installationID is one a
// tenant has had and replaced.
func refuseRetired(ctx context.Context, tx pgx.Tx, op, installationID string) error {
	var retired bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM forge_retired_installations WHERE installation_id = $1)`,
		installationID).Scan(&retired); err != nil {
		return err
	}
	if retired {
		return remit.Errorf(remit.Unauthorized, op, "installation %s was replaced", installationID)
	}
	return nil
}

// retire records the tenant's current installation id as replaced by
// next; nothing when it has none or it is next.
func retire(ctx context.Context, tx pgx.Tx, clientKey string, current *string, next string, now time.Time) error {
	if current == nil || *current == next {
		return nil
	}
	_, err := tx.Exec(ctx, `INSERT INTO forge_retired_installations (installation_id, client_key, retired_at)
		VALUES ($1, $2, $3) ON CONFLICT (installation_id) DO NOTHING`, *current, clientKey, now)
	return err
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

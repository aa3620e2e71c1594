package store

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store/internal/dbsqlc"
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
	err = db.InTx(ctx, func(tx *Tx) error {
		q := dbsqlc.New(tx.pgx)
		if err := refuseRetired(ctx, q, op, t.InstallationID); err != nil {
			return err
		}
		found, err := q.ForgeTenantForUpdate(ctx, dbsqlc.ForgeTenantForUpdateParams{InstallationID: t.InstallationID, CloudID: t.CloudID})
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			clientKey, created = ForgeClientKeyPrefix+t.CloudID, true
			sealed := db.box.Seal(nil, []byte(clientKey))
			return q.InsertForgeTenant(ctx, dbsqlc.InsertForgeTenantParams{
				ClientKey: clientKey, AppKey: t.AppKey, BaseURL: t.BaseURL, SharedSecretEnc: sealed,
				CloudID: t.CloudID, InstallationID: t.InstallationID, Now: now,
			})
		case err != nil:
			return err
		}
		clientKey = found.ClientKey
		if err := retire(ctx, q, clientKey, found.InstallationID, t.InstallationID, now); err != nil {
			return err
		}
		return q.AdoptForgeInstallation(ctx, dbsqlc.AdoptForgeInstallationParams{
			ClientKey: clientKey, InstallationID: t.InstallationID, CloudID: t.CloudID, Now: now,
		})
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
	err := db.InTx(ctx, func(tx *Tx) error {
		q := dbsqlc.New(tx.pgx)
		if err := refuseRetired(ctx, q, op, installationID); remit.IsKind(err, remit.Unauthorized) {
			return remit.Errorf(remit.NotFound, op, "installation %s was replaced", installationID)
		} else if err != nil {
			return err
		}
		found, err := q.InstalledTenantByCloudIDForUpdate(ctx, cloudID)
		if err != nil {
			return err
		}
		clientKey = found.ClientKey
		if err := retire(ctx, q, clientKey, found.InstallationID, installationID, db.now()); err != nil {
			return err
		}
		return q.SetTenantInstallationID(ctx, dbsqlc.SetTenantInstallationIDParams{
			ClientKey: clientKey, InstallationID: installationID, Now: db.now(),
		})
	})
	db.cache.forget(clientKey)
	if err != nil {
		return remit.Tenant{}, classify(op, err)
	}
	return db.TenantByClientKey(ctx, clientKey)
}

// refuseRetired fails with remit.Unauthorized when installationID is one a
// tenant has had and replaced.
func refuseRetired(ctx context.Context, q *dbsqlc.Queries, op, installationID string) error {
	retired, err := q.InstallationRetired(ctx, installationID)
	if err != nil {
		return err
	}
	if retired {
		return remit.Errorf(remit.Unauthorized, op, "installation %s was replaced", installationID)
	}
	return nil
}

// retire records the tenant's current installation id as replaced by
// next; nothing when it has none or it is next.
func retire(ctx context.Context, q *dbsqlc.Queries, clientKey string, current *string, next string, now time.Time) error {
	if current == nil || *current == next {
		return nil
	}
	return q.RetireInstallation(ctx, dbsqlc.RetireInstallationParams{InstallationID: *current, ClientKey: clientKey, Now: now})
}

// TenantByInstallationID finds the tenant a Forge invocation is for, in
// any state; remit.NotFound when Remit does not know the installation.
func (db *DB) TenantByInstallationID(ctx context.Context, installationID string) (remit.Tenant, error) {
	const op = "store.TenantByInstallationID"
	row, err := db.q().TenantByInstallationID(ctx, installationID)
	if err != nil {
		return remit.Tenant{}, classify(op, err)
	}
	t, err := db.tenantOf(row)
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
	err := db.q().SaveForgeToken(ctx, dbsqlc.SaveForgeTokenParams{
		ClientKey: clientKey, APIBaseURL: apiBaseURL, TokenEnc: sealed, ExpiresAt: expiresAt, Now: db.now(),
	})
	return classify(op, err)
}

// ForgeToken returns the tenant's latest Forge system token and where to
// use it; remit.NotFound when there is none or it has expired.
func (db *DB) ForgeToken(ctx context.Context, clientKey string) (apiBaseURL, token string, expiresAt time.Time, err error) {
	const op = "store.ForgeToken"
	row, err := db.q().ForgeToken(ctx, clientKey)
	if err != nil {
		return "", "", time.Time{}, classify(op, err)
	}
	apiBaseURL, sealed, expiresAt := row.APIBaseURL, row.TokenEnc, row.ExpiresAt
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
	n, err := db.q().SetTenantCloudID(ctx, dbsqlc.SetTenantCloudIDParams{ClientKey: clientKey, CloudID: cloudID, Now: db.now()})
	db.cache.forget(clientKey)
	if err != nil {
		return classify(op, err)
	}
	if n == 0 {
		return remit.Errorf(remit.NotFound, op, "no tenant %q without a cloudId", clientKey)
	}
	return nil
}

// TenantsWithoutCloudID lists installed Connect tenants at baseURL whose
// cloudId is not known yet: the candidates a Forge installation for that
// site may belong to, each to be confirmed against Jira before use.
func (db *DB) TenantsWithoutCloudID(ctx context.Context, baseURL string) ([]string, error) {
	const op = "store.TenantsWithoutCloudID"
	keys, err := db.q().TenantsWithoutCloudID(ctx, baseURL)
	if err != nil {
		return nil, classify(op, err)
	}
	return nonNil(keys), nil
}

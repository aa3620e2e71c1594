package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store/internal/dbsqlc"
)

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
	row, err := db.q().UpsertInstall(ctx, dbsqlc.UpsertInstallParams{
		ClientKey: t.ClientKey, AppKey: t.AppKey, BaseURL: t.BaseURL, DisplayURL: t.DisplayURL,
		ProductType: t.ProductType, SharedSecretEnc: sealed, OAuthClientID: t.OAuthClientID,
		CloudID: t.CloudID, InstallationID: t.InstallationID, Now: now,
	})
	db.cache.forget(t.ClientKey)
	if err != nil {
		return remit.Tenant{}, classify(op, err)
	}
	out, err := db.tenantOf(row)
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
	row, err := db.q().TenantByClientKey(ctx, clientKey)
	if errors.Is(err, pgx.ErrNoRows) {
		db.cache.putUnknown(clientKey, gen)
	}
	if err != nil {
		return remit.Tenant{}, classify(op, err)
	}
	t, err := db.tenantOf(row)
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
	n, err := db.q().SetTenantEnabled(ctx, dbsqlc.SetTenantEnabledParams{ClientKey: clientKey, Enabled: enabled, Now: db.now()})
	db.cache.forget(clientKey)
	if err != nil {
		return classify(op, err)
	}
	if n == 0 {
		return remit.Errorf(remit.NotFound, op, "no tenant %q", clientKey)
	}
	return nil
}

// MarkTenantUninstalled records the uninstall callback: the tenant is
// disabled and its data is kept until the retention period after at ends,
// so a re-install restores it.
func (db *DB) MarkTenantUninstalled(ctx context.Context, clientKey string, at time.Time) error {
	const op = "store.MarkTenantUninstalled"
	n, err := db.q().MarkTenantUninstalled(ctx, dbsqlc.MarkTenantUninstalledParams{ClientKey: clientKey, At: at, Now: db.now()})
	db.cache.forget(clientKey)
	if err != nil {
		return classify(op, err)
	}
	if n == 0 {
		return remit.Errorf(remit.NotFound, op, "no tenant %q", clientKey)
	}
	return nil
}

// ActiveTenants lists installed, enabled tenants in clientKey order, for
// sweeps that run across all sites (follow-ups, privacy reporting).
func (db *DB) ActiveTenants(ctx context.Context) ([]remit.Tenant, error) {
	const op = "store.ActiveTenants"
	rows, err := db.q().ActiveTenants(ctx)
	if err != nil {
		return nil, classify(op, err)
	}
	var out []remit.Tenant
	for _, row := range rows {
		t, err := db.tenantOf(row)
		if err != nil {
			return nil, classify(op, err)
		}
		out = append(out, t)
	}
	return out, nil
}

// tenantOf converts a tenants row and opens the sealed secret with the
// row's own clientKey as additional data.
func (db *DB) tenantOf(row dbsqlc.Tenant) (remit.Tenant, error) {
	t := remit.Tenant{
		ClientKey: row.ClientKey, AppKey: row.AppKey, BaseURL: row.BaseURL, DisplayURL: row.DisplayURL,
		ProductType: row.ProductType, OAuthClientID: row.OAuthClientID,
		CloudID: deref(row.CloudID), InstallationID: deref(row.InstallationID),
		State: remit.TenantState(row.State), Enabled: row.Enabled,
		InstalledAt: row.InstalledAt, UpdatedAt: row.UpdatedAt, UninstalledAt: row.UninstalledAt,
	}
	secret, err := db.box.Open(row.SharedSecretEnc, []byte(t.ClientKey))
	if err != nil {
		return remit.Tenant{}, fmt.Errorf("open shared secret of tenant %q: %w", t.ClientKey, err)
	}
	t.SharedSecret = string(secret)
	return t, nil
}

// deref reads a NULL-able text column the way coalesce(x, ”) would.
func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

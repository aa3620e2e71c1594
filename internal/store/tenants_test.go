package store_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

func TestUpsertInstallAndReinstall(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, store.Options{})
	firstAt := e.clock.Now()

	in := tenantFixture("site-a")
	in.CloudID = "cloud-a"
	got, err := e.db.UpsertInstall(ctx, in)
	must(t, err)
	if got.State != remit.TenantInstalled || !got.Enabled || !got.Active() {
		t.Fatalf("after install: state %q enabled %v", got.State, got.Enabled)
	}
	if !got.InstalledAt.Equal(firstAt) || !got.UpdatedAt.Equal(firstAt) || got.UninstalledAt != nil {
		t.Fatalf("after install: installed %v updated %v uninstalled %v", got.InstalledAt, got.UpdatedAt, got.UninstalledAt)
	}
	if got.SharedSecret != in.SharedSecret || got.CloudID != "cloud-a" || got.InstallationID != "" ||
		got.DisplayURL != in.DisplayURL || got.OAuthClientID != in.OAuthClientID || got.ProductType != "jira" {
		t.Fatalf("after install: %+v", got)
	}

	e.clock.Advance(time.Hour)
	must(t, e.db.MarkTenantUninstalled(ctx, "site-a", e.clock.Now()))
	e.clock.Advance(time.Hour)

	re := tenantFixture("site-a")
	re.SharedSecret = "a-brand-new-secret"
	re.BaseURL = "https://renamed.atlassian.net"
	re.InstallationID = "inst-1" // cloud id absent this time: keep the known one
	got, err = e.db.UpsertInstall(ctx, re)
	must(t, err)
	if got.SharedSecret != "a-brand-new-secret" || got.BaseURL != re.BaseURL {
		t.Errorf("re-install did not replace secret/base URL: %+v", got)
	}
	if !got.InstalledAt.Equal(firstAt) {
		t.Errorf("installed_at = %v, want first install %v", got.InstalledAt, firstAt)
	}
	if !got.UpdatedAt.Equal(e.clock.Now()) {
		t.Errorf("updated_at = %v, want %v", got.UpdatedAt, e.clock.Now())
	}
	if got.State != remit.TenantInstalled || !got.Enabled || got.UninstalledAt != nil {
		t.Errorf("re-install did not restore state: %q enabled %v uninstalled %v", got.State, got.Enabled, got.UninstalledAt)
	}
	if got.CloudID != "cloud-a" || got.InstallationID != "inst-1" {
		t.Errorf("ids after re-install: cloud %q installation %q", got.CloudID, got.InstallationID)
	}
	read, err := e.db.TenantByClientKey(ctx, "site-a")
	must(t, err)
	if read.SharedSecret != "a-brand-new-secret" {
		t.Errorf("TenantByClientKey secret = %q", read.SharedSecret)
	}
}

func TestUpsertInstallValidatesAndConflicts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, store.Options{})

	_, err := e.db.UpsertInstall(ctx, remit.Tenant{ClientKey: "x"})
	wantKind(t, err, remit.Invalid)
	var rerr *remit.Error
	if !asRemitError(err, &rerr) || rerr.Fields["sharedSecret"] == "" || rerr.Fields["baseUrl"] == "" {
		t.Errorf("fields = %v, want sharedSecret and baseUrl", rerr)
	}

	a := tenantFixture("site-a")
	a.CloudID, a.InstallationID = "cloud-1", "inst-1"
	_, err = e.db.UpsertInstall(ctx, a)
	must(t, err)
	b := tenantFixture("site-b")
	b.CloudID = "cloud-1"
	_, err = e.db.UpsertInstall(ctx, b)
	wantKind(t, err, remit.Conflict)
	b.CloudID, b.InstallationID = "", "inst-1"
	_, err = e.db.UpsertInstall(ctx, b)
	wantKind(t, err, remit.Conflict)
	if _, err := e.db.TenantByClientKey(ctx, "site-b"); !remit.IsKind(err, remit.NotFound) {
		t.Errorf("a conflicting install left a row behind: %v", err)
	}
}

func TestTenantLifecycleState(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, store.Options{})
	install(t, e.db, "site-a")
	install(t, e.db, "site-b")
	install(t, e.db, "site-c")

	must(t, e.db.SetTenantEnabled(ctx, "site-a", false))
	a, err := e.db.TenantByClientKey(ctx, "site-a")
	must(t, err)
	if a.Enabled || a.Active() || a.State != remit.TenantInstalled {
		t.Errorf("disabled tenant: enabled %v state %q", a.Enabled, a.State)
	}

	e.clock.Advance(time.Minute)
	uninstalledAt := e.clock.Now().Add(-time.Second)
	must(t, e.db.MarkTenantUninstalled(ctx, "site-b", uninstalledAt))
	b, err := e.db.TenantByClientKey(ctx, "site-b")
	must(t, err)
	if b.State != remit.TenantUninstalled || b.Active() || b.UninstalledAt == nil || !b.UninstalledAt.Equal(uninstalledAt) {
		t.Errorf("uninstalled tenant: state %q uninstalled_at %v", b.State, b.UninstalledAt)
	}
	if !b.UpdatedAt.Equal(e.clock.Now()) {
		t.Errorf("updated_at = %v, want %v", b.UpdatedAt, e.clock.Now())
	}

	active, err := e.db.ActiveTenants(ctx)
	must(t, err)
	if len(active) != 1 || active[0].ClientKey != "site-c" || active[0].SharedSecret == "" {
		t.Errorf("ActiveTenants = %+v, want only site-c with its secret", active)
	}

	must(t, e.db.SetTenantEnabled(ctx, "site-a", true))
	active, err = e.db.ActiveTenants(ctx)
	must(t, err)
	if len(active) != 2 || active[0].ClientKey != "site-a" || active[1].ClientKey != "site-c" {
		t.Errorf("ActiveTenants after enabling site-a = %d tenants", len(active))
	}

	wantKind(t, e.db.SetTenantEnabled(ctx, "nobody", true), remit.NotFound)
	wantKind(t, e.db.MarkTenantUninstalled(ctx, "nobody", e.clock.Now()), remit.NotFound)
	_, err = e.db.TenantByClientKey(ctx, "nobody")
	wantKind(t, err, remit.NotFound)
}

func TestSharedSecretEncryptedAtRest(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, store.Options{})
	a := install(t, e.db, "site-a")
	install(t, e.db, "site-b")

	var sealedA, sealedB []byte
	must(t, e.pool.QueryRow(ctx, `SELECT shared_secret_enc FROM tenants WHERE client_key = 'site-a'`).Scan(&sealedA))
	must(t, e.pool.QueryRow(ctx, `SELECT shared_secret_enc FROM tenants WHERE client_key = 'site-b'`).Scan(&sealedB))
	if bytes.Contains(sealedA, []byte(a.SharedSecret)) {
		t.Fatal("stored bytes contain the plaintext secret")
	}
	if n := count(t, e.pool, `SELECT count(*) FROM tenants WHERE position(convert_to($1, 'UTF8') IN shared_secret_enc) > 0`, a.SharedSecret); n != 0 {
		t.Fatal("the database finds the plaintext secret in shared_secret_enc")
	}
	if plain, err := e.box.Open(sealedA, []byte("site-a")); err != nil || string(plain) != a.SharedSecret {
		t.Fatalf("opening with the right tenant: %q, %v", plain, err)
	}
	if _, err := e.box.Open(sealedA, []byte("site-b")); err == nil {
		t.Fatal("site-a's secret opened with site-b as additional data")
	}

	// Moving site-a's ciphertext onto site-b's row must not let it be read
	// as site-b's secret.
	_, err := e.pool.Exec(ctx, `UPDATE tenants SET shared_secret_enc = $1 WHERE client_key = 'site-b'`, sealedA)
	must(t, err)
	if _, err := e.db.TenantByClientKey(ctx, "site-b"); err == nil {
		t.Fatal("TenantByClientKey accepted another tenant's ciphertext")
	}

	// A store with another key cannot read the secrets.
	other := store.New(e.pool, testBox(t, 0x43), store.Options{})
	if _, err := other.TenantByClientKey(ctx, "site-a"); err == nil {
		t.Fatal("a store with the wrong key read the secret")
	}
}

func TestTenantCache(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, store.Options{TenantCacheTTL: time.Minute})
	install(t, e.db, "site-a")

	first, err := e.db.TenantByClientKey(ctx, "site-a")
	must(t, err)
	// Change the row behind the store's back: the cache keeps serving the
	// old value until the TTL ends.
	_, err = e.pool.Exec(ctx, `UPDATE tenants SET base_url = 'https://changed.example' WHERE client_key = 'site-a'`)
	must(t, err)
	cached, err := e.db.TenantByClientKey(ctx, "site-a")
	must(t, err)
	if cached.BaseURL != first.BaseURL {
		t.Fatalf("second read = %q, want the cached %q", cached.BaseURL, first.BaseURL)
	}
	e.clock.Advance(time.Minute)
	fresh, err := e.db.TenantByClientKey(ctx, "site-a")
	must(t, err)
	if fresh.BaseURL != "https://changed.example" {
		t.Fatalf("after TTL = %q, want the new row", fresh.BaseURL)
	}

	// Writes through the store invalidate at once.
	must(t, e.db.SetTenantEnabled(ctx, "site-a", false))
	if got, _ := e.db.TenantByClientKey(ctx, "site-a"); got.Enabled {
		t.Fatal("cache served enabled=true after SetTenantEnabled(false)")
	}
	must(t, e.db.MarkTenantUninstalled(ctx, "site-a", e.clock.Now()))
	if got, _ := e.db.TenantByClientKey(ctx, "site-a"); got.State != remit.TenantUninstalled {
		t.Fatal("cache served installed after MarkTenantUninstalled")
	}
	re := tenantFixture("site-a")
	re.SharedSecret = "rotated"
	_, err = e.db.UpsertInstall(ctx, re)
	must(t, err)
	if got, _ := e.db.TenantByClientKey(ctx, "site-a"); got.SharedSecret != "rotated" {
		t.Fatal("cache served the old secret after re-install")
	}

	// Mutating a returned tenant does not change the cached one.
	install(t, e.db, "site-b")
	uninstalledAt := e.clock.Now()
	must(t, e.db.MarkTenantUninstalled(ctx, "site-b", uninstalledAt))
	got, err := e.db.TenantByClientKey(ctx, "site-b") // fills the cache
	must(t, err)
	*got.UninstalledAt = got.UninstalledAt.Add(time.Hour)
	again, err := e.db.TenantByClientKey(ctx, "site-b")
	must(t, err)
	if !again.UninstalledAt.Equal(uninstalledAt) {
		t.Fatalf("caller's mutation leaked into the cache: %v", again.UninstalledAt)
	}
}

package store_test

import (
	"context"
	"testing"

	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// TestFollowForgeInstallation: a new installation id for a cloudId Remit
// knows moves that tenant to it; the id it replaces is retired and never
// followed or installed again; an inactive tenant and an unknown cloudId
// are not followed.
func TestFollowForgeInstallation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, store.Options{})
	ctx := context.Background()
	const cloud, first, second = "cloud-1", "ari:cloud:ecosystem::installation/1", "ari:cloud:ecosystem::installation/2"
	tn, created, err := e.db.UpsertForgeInstall(ctx, remit.Tenant{AppKey: "io.remit.jira", BaseURL: "https://one.test", CloudID: cloud, InstallationID: first})
	must(t, err)
	if !created {
		t.Fatal("the first install did not create the tenant")
	}

	got, err := e.db.FollowForgeInstallation(ctx, cloud, second)
	must(t, err)
	if got.ClientKey != tn.ClientKey || got.InstallationID != second {
		t.Fatalf("followed to %s / %s, want %s / %s", got.ClientKey, got.InstallationID, tn.ClientKey, second)
	}
	if n := count(t, e.pool, `SELECT count(*) FROM tenants`); n != 1 {
		t.Fatalf("%d tenants", n)
	}
	if byID, err := e.db.TenantByInstallationID(ctx, second); err != nil || byID.ClientKey != tn.ClientKey {
		t.Fatalf("the new id finds %s (%v)", byID.ClientKey, err)
	}
	_, err = e.db.TenantByInstallationID(ctx, first)
	wantKind(t, err, remit.NotFound)

	// The replaced id cannot take the tenant back, by either way in.
	_, err = e.db.FollowForgeInstallation(ctx, cloud, first)
	wantKind(t, err, remit.NotFound)
	_, _, err = e.db.UpsertForgeInstall(ctx, remit.Tenant{AppKey: "io.remit.jira", BaseURL: "https://one.test", CloudID: cloud, InstallationID: first})
	wantKind(t, err, remit.Unauthorized)
	if got, err := e.db.TenantByInstallationID(ctx, second); err != nil || got.ClientKey != tn.ClientKey {
		t.Fatalf("after the retired id came back the tenant has %v (%v)", got.InstallationID, err)
	}

	_, err = e.db.FollowForgeInstallation(ctx, "cloud-unknown", "ari:cloud:ecosystem::installation/3")
	wantKind(t, err, remit.NotFound)
	must(t, e.db.MarkTenantUninstalled(ctx, tn.ClientKey, e.clock.Now()))
	_, err = e.db.FollowForgeInstallation(ctx, cloud, "ari:cloud:ecosystem::installation/4")
	wantKind(t, err, remit.NotFound)
	if got, err := e.db.TenantByInstallationID(ctx, second); err != nil || got.ClientKey != tn.ClientKey {
		t.Fatalf("an uninstalled tenant was moved: %v (%v)", got.InstallationID, err)
	}
}

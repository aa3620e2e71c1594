package app_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/remitapp/remit/internal/apptest"
	"github.com/remitapp/remit/internal/forge"
	"github.com/remitapp/remit/internal/jirasim"
)

// TestForgeFollowsInstallationIDChange: Forge gives a site's installation
// a new id without any lifecycle event. The next invocation, for the same
// cloudId, reaches the same tenant and its data (not a refusal, not a
// second tenant), the tenant takes the new id, and the old id no longer
// opens anything.
func TestForgeFollowsInstallationIDChange(t *testing.T) {
	t.Parallel()
	s := startForgeStack(t, apptest.Options{})
	ctx := context.Background()
	site := forgeSiteOf(t, s, "moving")
	old, err := site.InstallForgeApp(ctx, jirasim.ForgeApp{ID: forgeAppID, ConnectKey: appKey, RemoteURL: s.URL})
	if err != nil {
		t.Fatal(err)
	}
	settings := map[string]any{"billingProjectKey": "BILL", "timezone": "UTC", "currency": "USD"}
	if code := (&forgeSite{stack: s, site: site, inst: old, user: admin}).call(t, "PUT", "/settings", settings, nil); code != 200 {
		t.Fatalf("settings: %d", code)
	}

	moved, err := site.ChangeForgeInstallationID(old.ID)
	if err != nil {
		t.Fatal(err)
	}
	f := &forgeSite{stack: s, site: site, inst: moved, user: admin}
	var got struct{ BillingProjectKey string }
	if code := f.call(t, "GET", "/settings", nil, &got); code != 200 || got.BillingProjectKey != "BILL" {
		t.Fatalf("settings under the new installation id: %d %+v", code, got)
	}
	if n := count(t, s, `SELECT count(*) FROM tenants`); n != 1 {
		t.Fatalf("%d tenants after the id changed, want the one", n)
	}
	if n := count(t, s, `SELECT count(*) FROM tenants WHERE client_key = $1 AND installation_id = $2`, "forge:"+site.CloudID(), moved.ID); n != 1 {
		t.Fatal("the tenant did not take the new installation id")
	}
	if status, err := site.FireScheduledTrigger(ctx, moved.ID); err != nil || status != http.StatusNoContent {
		t.Fatalf("scheduled trigger under the new id: %d %v", status, err)
	}

	// The replaced id is retired: its tokens open nothing, and it cannot
	// take the tenant back.
	sys := http.Header{forge.HeaderSystemToken: {moved.SystemToken}}
	if resp := s.Do(t, http.MethodGet, forge.RouteAPI+"/v1/settings", "Bearer "+s.Sim.SignFIT(s.Sim.FITClaims(old, admin)), nil, sys); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("the replaced installation id: %d, want 401", resp.StatusCode)
	}
	if n := count(t, s, `SELECT count(*) FROM tenants WHERE installation_id = $1`, moved.ID); n != 1 {
		t.Fatal("the replaced installation id took the tenant back")
	}
}

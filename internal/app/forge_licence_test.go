package app_test

import (
	"context"
	"testing"

	"github.com/remitapp/remit/internal/apptest"
	"github.com/remitapp/remit/internal/jirasim"
)

// TestForgeLicenceComesWithInvocations: a Forge-only tenant has no
// licence API Remit could ask, so the licence comes with each
// invocation's context. An invocation that says the licence lapsed is
// recorded, and the follow-up engine, run by the same call, pauses the
// tenant as it does for a Connect page load's lic=none; the next
// invocation that says it is active resumes it. An invocation without a
// licence (a free listing) leaves the state as it was.
func TestForgeLicenceComesWithInvocations(t *testing.T) {
	t.Parallel()
	s := startForgeStack(t, apptest.Options{})
	ctx := context.Background()
	site := forgeSiteOf(t, s, "forgelicence")
	inst, err := site.InstallForgeApp(ctx, jirasim.ForgeApp{ID: forgeAppID, ConnectKey: appKey, RemoteURL: s.URL})
	if err != nil {
		t.Fatal(err)
	}
	f := &forgeSite{stack: s, site: site, inst: inst, user: admin}
	call := func(method, path string, body, out any) int { return f.call(t, method, path, body, out) }
	configureAndInvoice(t, s, call)
	clientKey := "forge:" + site.CloudID()
	licence := func() string {
		var lic string
		if err := s.Pool.QueryRow(ctx, `SELECT coalesce((SELECT licence FROM tenant_licences WHERE client_key = $1), '')`, clientKey).Scan(&lic); err != nil {
			t.Fatal(err)
		}
		return lic
	}
	run := func() string {
		var res struct{ Paused string }
		if code := call("POST", "/followups/run", map[string]any{}, &res); code != 200 {
			t.Fatalf("run: %d", code)
		}
		return res.Paused
	}
	if got := run(); got != "" || licence() != "" {
		t.Fatalf("without a licence in the context: paused %q, licence %q", got, licence())
	}

	must(t, site.SetForgeLicence(inst.ID, false))
	if got := run(); got != "the tenant's licence is not active" || licence() != "none" {
		t.Fatalf("with the licence lapsed: paused %q, licence %q", got, licence())
	}

	// The hourly scheduled trigger carries it too.
	must(t, site.SetForgeLicence(inst.ID, true))
	if status, err := site.FireScheduledTrigger(ctx, inst.ID); err != nil || status != 204 {
		t.Fatalf("scheduled trigger: %d %v", status, err)
	}
	if licence() != "active" {
		t.Fatalf("after the trigger with an active licence: licence %q", licence())
	}
	if got := run(); got != "" {
		t.Fatalf("with the licence active again: paused %q", got)
	}
}

package app_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/apptest"
	"github.com/remitapp/remit/internal/jirasim"
)

// TestForgeScheduledTokenBridgesTheHour: the scheduled trigger brings a
// system token that lives four hours; Remit keeps it until its exp, so
// two hours later, with no invocation since, Jira work still has a token.
func TestForgeScheduledTokenBridgesTheHour(t *testing.T) {
	t.Parallel()
	s := startForgeStack(t, apptest.Options{})
	ctx := context.Background()
	site := forgeSiteOf(t, s, "bridge")
	inst, err := site.InstallForgeApp(ctx, jirasim.ForgeApp{ID: forgeAppID, ConnectKey: appKey, RemoteURL: s.URL})
	if err != nil {
		t.Fatal(err)
	}
	if status, err := site.FireScheduledTrigger(ctx, inst.ID); err != nil || status != http.StatusNoContent {
		t.Fatalf("scheduled trigger: %d %v", status, err)
	}
	kept := func() time.Time {
		var at time.Time
		must(t, s.Pool.QueryRow(ctx, `SELECT expires_at FROM forge_tokens WHERE client_key = 'forge:' || $1::text`, site.CloudID()).Scan(&at))
		return at
	}
	if want := s.Now().Add(4*time.Hour - time.Minute); kept().Before(want.Add(-time.Second)) {
		t.Fatalf("the scheduled trigger's token is kept until %v, want %v", kept(), want)
	}
	s.Clock.Advance(2 * time.Hour)
	if at := kept(); !at.After(s.Now()) {
		t.Fatalf("two hours after the trigger the kept token expired at %v", at)
	}
}

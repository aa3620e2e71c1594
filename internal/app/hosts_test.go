package app_test

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/remitapp/remit/internal/apptest"
	"github.com/remitapp/remit/internal/clock"
	"github.com/remitapp/remit/internal/forge"
	"github.com/remitapp/remit/internal/jirasim"
)

// TestInstallRefusesSitesOffTheList sends correctly signed installs whose
// baseUrl is not a Jira site on REMIT_JIRA_HOSTS: the signature does not
// cover the body, so a replayed token could carry any. Each is the
// generic 401, stores nothing, and does not re-key a tenant.
func TestInstallRefusesSitesOffTheList(t *testing.T) {
	t.Parallel()
	atl := apptest.NewAtlassian(t)
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	s := apptest.Start(t, apptest.Options{KeysURL: atl.KeysURL, Clock: clock.At(at),
		Env: map[string]string{"REMIT_JIRA_HOSTS": "https://*.atlassian.net,https://*.jira.com,https://*.jira-dev.com"}})
	send := func(clientKey, secret, baseURL string) *http.Response {
		tok := apptest.SignRS256(t, atl.Key, atl.Kid, apptest.LifecycleClaims(s.URL, clientKey, "/lifecycle/installed", at))
		return s.Post(t, "/lifecycle/installed", "JWT "+tok, apptest.Payload(appKey, clientKey, secret, baseURL, "installed"), nil)
	}
	const secret = "secret-of-site-ok-0123456789abcdef"
	if r := send("site-ok", secret, "https://site-ok.atlassian.net"); r.StatusCode != http.StatusNoContent {
		t.Fatalf("install from an Atlassian site: %d", r.StatusCode)
	}
	before := snapshot(t, s)
	var first []byte
	for _, c := range []struct{ clientKey, baseURL string }{
		{"site-new", "https://evil.example"},
		{"site-new", "http://site-new.atlassian.net"},
		{"site-new", "https://site-new.atlassian.net.evil.example"},
		{"site-new", "https://atlassian.net"},
		{"site-new", "https://site-new.atlassian.net@evil.example"},
		{"site-new", "http://127.0.0.1:2990"},
		{"site-ok", "https://evil.example"}, // a re-install may not move a tenant either
	} {
		r := send(c.clientKey, "attacker-chosen-secret-0123456789", c.baseURL)
		body, _ := io.ReadAll(r.Body)
		if r.StatusCode != http.StatusUnauthorized {
			t.Errorf("install of %s from %s: %d, want 401: %s", c.clientKey, c.baseURL, r.StatusCode, body)
			continue
		}
		if first == nil {
			first = body
		} else if string(body) != string(first) {
			t.Errorf("install from %s is answered %s, not %s", c.baseURL, body, first)
		}
	}
	if after := snapshot(t, s); after != before {
		t.Fatalf("refused installs changed the database:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	tn, err := s.App.DB.TenantByClientKey(context.Background(), "site-ok")
	if err != nil || tn.BaseURL != "https://site-ok.atlassian.net" || tn.SharedSecret != secret {
		t.Fatalf("site-ok after the refusals: %+v %v", tn, err)
	}
}

// TestForgeRefusesGatewaysOffTheList: a Forge installation or invocation
// whose apiBaseUrl is not on REMIT_FORGE_API_HOSTS is refused before its
// system token or tenant is stored, since Remit sends the token there.
func TestForgeRefusesGatewaysOffTheList(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	// Production's list: the simulator's gateway is not Atlassian's.
	s := startForgeStack(t, apptest.Options{Env: map[string]string{"REMIT_FORGE_API_HOSTS": "https://api.atlassian.com"}})
	site := forgeSiteOf(t, s, "elsewhere")
	if _, err := site.InstallForgeApp(ctx, jirasim.ForgeApp{ID: forgeAppID, ConnectKey: appKey, RemoteURL: s.URL}); err == nil {
		t.Fatal("an installation on a gateway off the list was accepted")
	}
	if n := count(t, s, `SELECT count(*) FROM tenants`) + count(t, s, `SELECT count(*) FROM forge_tokens`); n != 0 {
		t.Fatalf("the refused installation stored %d rows", n)
	}

	// The test list: the simulator is allowed, another host is not.
	s = startForgeStack(t, apptest.Options{})
	site = forgeSiteOf(t, s, "here")
	inst, err := site.InstallForgeApp(ctx, jirasim.ForgeApp{ID: forgeAppID, ConnectKey: appKey, RemoteURL: s.URL})
	if err != nil {
		t.Fatal(err)
	}
	tokens := func() string {
		var base, upd string
		if err := s.Pool.QueryRow(ctx, `SELECT api_base_url, updated_at::text FROM forge_tokens`).Scan(&base, &upd); err != nil {
			t.Fatal(err)
		}
		return base + " " + upd
	}
	before := tokens()
	elsewhere := func(c jwt.MapClaims) {
		app := c["app"].(map[string]any)
		app["apiBaseUrl"] = "https://evil.example/ex/jira/" + inst.CloudID
		app["installation"].(map[string]any)["contexts"] = []any{map[string]any{"cloudId": inst.CloudID, "apiBaseUrl": "https://evil.example/ex/jira/" + inst.CloudID}}
	}
	for _, path := range []string{forge.RouteAPI + "/v1/me", forge.RouteScheduled} {
		c := s.Sim.FITClaims(inst, admin)
		elsewhere(c)
		method := http.MethodPost
		if path != forge.RouteScheduled {
			method = http.MethodGet
		}
		r := s.Do(t, method, path, "Bearer "+s.Sim.SignFIT(c), []byte(`{}`), http.Header{forge.HeaderSystemToken: {"fst-stolen"}})
		if r.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s with apiBaseUrl off the list: %d, want 401", path, r.StatusCode)
		}
	}
	if after := tokens(); after != before {
		t.Errorf("a refused invocation replaced the kept token: %s, was %s", after, before)
	}
	// The same call with the real gateway goes through.
	r := s.Do(t, http.MethodGet, forge.RouteAPI+"/v1/me", "Bearer "+s.Sim.SignFIT(s.Sim.FITClaims(inst, admin)), nil,
		http.Header{forge.HeaderSystemToken: {inst.SystemToken}})
	if r.StatusCode != http.StatusOK {
		t.Fatalf("invocation on the allowed gateway: %d", r.StatusCode)
	}
}

package httpapi

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/remitapp/remit/internal/forge"
	"github.com/remitapp/remit/internal/hostlist"
	"github.com/remitapp/remit/internal/remit"
)

const (
	testForgeApp   = "ari:cloud:ecosystem::app/11111111-1111-1111-1111-111111111111"
	testForgeInst  = "ari:cloud:ecosystem::installation/33333333-3333-3333-3333-333333333333"
	testForgeCloud = "44444444-4444-4444-4444-444444444444"
)

// forgeStore is ForgeTenants in memory; it records every write, so a test
// can tell that a refused call changed nothing.
type forgeStore struct {
	mu     sync.Mutex
	tenant remit.Tenant
	writes []string
	tokens []savedToken
}

type savedToken struct {
	token     string
	expiresAt time.Time
}

func (f *forgeStore) wrote(what string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.writes = append(f.writes, what)
}

func (f *forgeStore) written() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.writes...)
}

func (f *forgeStore) UpsertForgeInstall(_ context.Context, t remit.Tenant) (remit.Tenant, bool, error) {
	f.wrote("install " + t.InstallationID)
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.tenant, false, nil
}

func (f *forgeStore) TenantByInstallationID(_ context.Context, id string) (remit.Tenant, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if id != f.tenant.InstallationID {
		return remit.Tenant{}, remit.Errorf(remit.NotFound, "test", "no installation")
	}
	return f.tenant, nil
}

func (f *forgeStore) FollowForgeInstallation(_ context.Context, cloudID, id string) (remit.Tenant, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if cloudID != f.tenant.CloudID || !f.tenant.Active() {
		return remit.Tenant{}, remit.Errorf(remit.NotFound, "test", "no tenant")
	}
	f.writes = append(f.writes, "follow "+id)
	f.tenant.InstallationID = id
	return f.tenant, nil
}

func (f *forgeStore) SaveForgeToken(_ context.Context, _, _, token string, expiresAt time.Time) error {
	f.wrote("token")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tokens = append(f.tokens, savedToken{token, expiresAt})
	return nil
}

func (f *forgeStore) MarkTenantUninstalled(_ context.Context, ck string, _ time.Time) error {
	f.wrote("uninstall " + ck)
	return nil
}

func (f *forgeStore) TenantsWithoutCloudID(context.Context, string) ([]string, error) {
	return nil, nil
}

func (f *forgeStore) SetTenantCloudID(_ context.Context, ck, _ string) error {
	f.wrote("cloud " + ck)
	return nil
}

func (f *forgeStore) RecordLicence(_ context.Context, _, licence string) error {
	f.wrote("licence " + licence)
	return nil
}

// webhookLog is Webhooks in memory.
type webhookLog struct {
	mu     sync.Mutex
	events []string
}

func (w *webhookLog) Accept(_ context.Context, _, _, event string, _ []byte) (bool, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.events = append(w.events, event)
	return true, nil
}

func (w *webhookLog) accepted() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.events...)
}

// forgeFixture is the HTTP edge with Forge on, one installed Forge
// tenant, a JWKS with one key, and everything the routes change recorded.
type forgeFixture struct {
	*edgeFixture
	store *forgeStore
	hooks *webhookLog
	beats *int
	key   *rsa.PrivateKey
}

func newForgeFixture(t *testing.T) *forgeFixture {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	jwks := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{"keys": []any{forge.JWK("k1", &key.PublicKey)}})
	}))
	t.Cleanup(jwks.Close)
	f := &forgeFixture{
		store: &forgeStore{tenant: remit.Tenant{ClientKey: "forge:" + testForgeCloud, CloudID: testForgeCloud,
			InstallationID: testForgeInst, BaseURL: "https://acme.example.test", State: remit.TenantInstalled, Enabled: true}},
		hooks: &webhookLog{},
		beats: new(int),
		key:   key,
	}
	f.edgeFixture = newEdgeFixture(t, func(d *Deps) {
		d.Webhooks = f.hooks
		d.Forge = &ForgeEdge{
			Verifier: &forge.Verifier{Keys: &forge.KeySet{URL: jwks.URL, Now: d.Now}, AppID: testForgeApp, Now: d.Now},
			Tenants:  f.store,
			APIHosts: hostlist.MustParse("https://api.example.test"),
			Heartbeat: func(context.Context, remit.Tenant) error {
				*f.beats++
				return nil
			},
		}
	}, nil)
	return f
}

// fit mints a FIT for module as Forge would, on behalf of principal
// (empty for a trigger's app token).
func (f *forgeFixture) fit(t *testing.T, module forge.Module, principal string) string {
	t.Helper()
	now := f.clock.Now()
	c := jwt.MapClaims{
		"iss": forge.Issuer, "aud": testForgeApp, "jti": fmt.Sprint(now.UnixNano()),
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(time.Minute).Unix(),
		"app": map[string]any{
			"id": testForgeApp, "installationId": testForgeInst, "apiBaseUrl": "https://api.example.test/ex/jira/" + testForgeCloud,
			"module": map[string]any{"key": module.Key, "type": module.Type},
		},
		"context": map[string]any{"cloudId": testForgeCloud, "siteUrl": "https://acme.example.test"},
	}
	if principal != "" {
		c["principal"] = principal
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, c)
	tok.Header["kid"] = "k1"
	s, err := tok.SignedString(f.key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// post sends body to route with the FIT and a system token.
func (f *forgeFixture) post(t *testing.T, method, route, fit, system, body string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, f.http.URL+route, bytes.NewReader([]byte(body)))
	req.Header.Set("Authorization", "Bearer "+fit)
	req.Header.Set(forge.HeaderSystemToken, system)
	req.Header.Set("Content-Type", "application/json")
	return f.do(t, req)
}

var (
	issuePanel   = forge.Module{Key: "remit-issue-context", Type: "jira:issueContext"}
	adminPage    = forge.Module{Key: "remit-admin", Type: "jira:adminPage"}
	eventsApp    = forge.Module{Key: "remit-events", Type: forge.ModuleTypeEndpoint}
	lifecycleApp = forge.Module{Key: "remit-lifecycle", Type: forge.ModuleTypeEndpoint}
	heartbeatApp = forge.Module{Key: "remit-heartbeat", Type: forge.ModuleTypeEndpoint}
)

// paidEvent is the product event that moves an invoice issue to Paid,
// which records a payment.
const paidEvent = `{"eventType":"avi:jira:updated:issue","atlassianId":"557058:user-1","issue":{"id":"10001","key":"BILL-1"},` +
	`"changelog":{"items":[{"field":"status","fromString":"Sent","toString":"Paid"}]}}`

// TestForgeRoutesRefuseTokensOfOtherModules: each Forge route refuses,
// 401 with nothing written, the tokens Forge mints for other modules —
// a user's issue panel token posting a Paid event, an uninstall or a
// heartbeat, an app token calling the API, one trigger's token at
// another trigger's route — and accepts its own.
func TestForgeRoutesRefuseTokensOfOtherModules(t *testing.T) {
	const user = "557058:user-1"
	uninstall := fmt.Sprintf(`{"eventType":%q,"id":%q}`, forge.EventUninstalled, testForgeInst)
	api := forge.RouteAPI + "/v1/me"
	cases := map[string]struct {
		method, route string
		module        forge.Module
		principal     string
		body          string
	}{
		"issue panel user token posts a Paid event":  {http.MethodPost, forge.RouteEvents, issuePanel, user, paidEvent},
		"admin page user token uninstalls the app":   {http.MethodPost, forge.RouteLifecycle, adminPage, user, uninstall},
		"issue panel user token fires the heartbeat": {http.MethodPost, forge.RouteScheduled, issuePanel, user, `{}`},
		"events app token calls the API":             {http.MethodGet, api, eventsApp, "", ""},
		"heartbeat app token calls the API":          {http.MethodGet, api, heartbeatApp, "", ""},
		"lifecycle app token posts a Paid event":     {http.MethodPost, forge.RouteEvents, lifecycleApp, "", paidEvent},
		"events app token uninstalls the app":        {http.MethodPost, forge.RouteLifecycle, eventsApp, "", uninstall},
		"heartbeat app token posts a Paid event":     {http.MethodPost, forge.RouteEvents, heartbeatApp, "", paidEvent},
		"events app token fires the heartbeat":       {http.MethodPost, forge.RouteScheduled, eventsApp, "", `{}`},
		"events module key, with a user":             {http.MethodPost, forge.RouteEvents, eventsApp, user, paidEvent},
		"issue panel token without a user":           {http.MethodGet, api, issuePanel, "", ""},
		"a module Remit does not declare":            {http.MethodPost, forge.RouteEvents, forge.Module{Key: "other-trigger", Type: forge.ModuleTypeEndpoint}, "", paidEvent},
	}
	f := newForgeFixture(t)
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			resp, body := f.post(t, c.method, c.route, f.fit(t, c.module, c.principal), "system-token", c.body)
			if resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("status %d, want 401: %s", resp.StatusCode, body)
			}
			problemOf(t, resp, body)
		})
	}
	if w, h := f.store.written(), f.hooks.accepted(); len(w) != 0 || len(h) != 0 || *f.beats != 0 {
		t.Fatalf("refused calls changed something: writes %v, webhooks %v, heartbeats %d", w, h, *f.beats)
	}

	// The same calls with the tokens Forge mints for them go through.
	for _, ok := range []struct {
		method, route string
		module        forge.Module
		principal     string
		body          string
		want          int
	}{
		{http.MethodPost, forge.RouteEvents, eventsApp, "", paidEvent, http.StatusNoContent},
		{http.MethodPost, forge.RouteScheduled, heartbeatApp, "", `{}`, http.StatusNoContent},
		{http.MethodGet, api, issuePanel, user, "", http.StatusOK},
		{http.MethodPost, forge.RouteLifecycle, lifecycleApp, "", uninstall, http.StatusNoContent},
	} {
		if resp, body := f.post(t, ok.method, ok.route, f.fit(t, ok.module, ok.principal), "system-token", ok.body); resp.StatusCode != ok.want {
			t.Fatalf("%s with a %s token: %d, want %d: %s", ok.route, ok.module.Key, resp.StatusCode, ok.want, body)
		}
	}
	if h := f.hooks.accepted(); len(h) != 1 || *f.beats != 1 || !strings.Contains(strings.Join(f.store.written(), ","), "uninstall") {
		t.Fatalf("accepted calls: webhooks %v, heartbeats %d, writes %v", h, *f.beats, f.store.written())
	}
}

// TestForgeKeepsSystemTokenUntilItsExp: the system token an invocation
// brings is kept until its own exp (a minute early), as Atlassian
// documents, so the scheduled trigger's four-hour token bridges the hour
// to the next trigger; never longer than four hours, 50 minutes when the
// token has no exp, and not at all once it has expired.
func TestForgeKeepsSystemTokenUntilItsExp(t *testing.T) {
	f := newForgeFixture(t)
	now := f.clock.Now()
	systemToken := func(exp time.Time) string {
		s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"exp": exp.Unix(), "aud": "ari:cloud:jira::site/" + testForgeCloud}).
			SignedString([]byte("atlassian's key"))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	cases := []struct {
		name, token string
		want        time.Time // zero: not kept
	}{
		{"scheduled trigger's four-hour token", systemToken(now.Add(4 * time.Hour)), now.Add(4*time.Hour - time.Minute)},
		{"an exp past four hours", systemToken(now.Add(10 * time.Hour)), now.Add(4*time.Hour - time.Minute)},
		{"an opaque token", "opaque-system-token", now.Add(50 * time.Minute)},
		{"an expired token", systemToken(now.Add(-time.Minute)), time.Time{}},
	}
	for _, c := range cases {
		f.store.mu.Lock()
		f.store.tokens = nil
		f.store.mu.Unlock()
		if resp, body := f.post(t, http.MethodPost, forge.RouteScheduled, f.fit(t, heartbeatApp, ""), c.token, `{}`); resp.StatusCode != http.StatusNoContent {
			t.Fatalf("%s: %d %s", c.name, resp.StatusCode, body)
		}
		f.store.mu.Lock()
		kept := f.store.tokens
		f.store.mu.Unlock()
		switch {
		case c.want.IsZero() && len(kept) != 0:
			t.Errorf("%s: kept until %v", c.name, kept[0].expiresAt)
		case !c.want.IsZero() && (len(kept) != 1 || !kept[0].expiresAt.Equal(c.want) || kept[0].token != c.token):
			var until []time.Time
			for _, k := range kept {
				until = append(until, k.expiresAt)
			}
			t.Errorf("%s: kept %d tokens until %v, want one until %v", c.name, len(kept), until, c.want)
		}
	}
}

package app_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/remitapp/remit/internal/apptest"
	"github.com/remitapp/remit/internal/connect"
)

func TestDescriptorServedWithBaseURL(t *testing.T) {
	t.Parallel()
	atl := apptest.NewAtlassian(t)
	s := apptest.Start(t, apptest.Options{KeysURL: atl.KeysURL, Env: map[string]string{"REMIT_APP_KEY": "io.remit.test"}})
	resp := s.Do(t, http.MethodGet, "/atlassian-connect.json", "", nil, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	var d struct {
		Key, BaseURL string
		Lifecycle    map[string]string
	}
	if err := json.NewDecoder(resp.Body).Decode(&d); err != nil {
		t.Fatal(err)
	}
	if d.Key != "io.remit.test" || d.BaseURL != s.URL || d.Lifecycle["installed"] != "/lifecycle/installed" {
		t.Fatalf("descriptor: %+v", d)
	}
}

func TestLifecycle(t *testing.T) {
	t.Parallel()
	atl := apptest.NewAtlassian(t)
	s := apptest.Start(t, apptest.Options{KeysURL: atl.KeysURL})
	ctx := context.Background()
	tenant := func() (state string, enabled bool, secret string) {
		t.Helper()
		tn, err := s.App.DB.TenantByClientKey(ctx, "site-1")
		if err != nil {
			t.Fatal(err)
		}
		return string(tn.State), tn.Enabled, tn.SharedSecret
	}
	lifecycle := func(event, secret string) int {
		tok := apptest.SignRS256(t, atl.Key, atl.Kid, apptest.LifecycleClaims(s.URL, "site-1", "/lifecycle/"+event, s.Now()))
		return s.Post(t, "/lifecycle/"+event, "JWT "+tok, apptest.Payload(appKey, "site-1", secret, "https://site-1.example.net", event), nil).StatusCode
	}
	me := func(secret string) int {
		tok, _ := connect.SignContext(secret, "site-1", "557058:u", s.Now(), time.Minute)
		return s.Do(t, http.MethodGet, "/api/v1/me", "JWT "+tok, nil, nil).StatusCode
	}

	atl.Install(t, s, appKey, "site-1", "first-secret-0123456789abcdef0123")
	if st, en, sec := tenant(); st != "installed" || !en || sec != "first-secret-0123456789abcdef0123" {
		t.Fatalf("after install: %s %v %s", st, en, sec)
	}
	// A re-install carries a new secret, which replaces the old one.
	atl.Install(t, s, appKey, "site-1", "second-secret-0123456789abcdef012")
	if _, _, sec := tenant(); sec != "second-secret-0123456789abcdef012" {
		t.Fatalf("secret not rotated: %s", sec)
	}
	if me("first-secret-0123456789abcdef0123") != 401 || me("second-secret-0123456789abcdef012") != 200 {
		t.Fatal("old secret still accepted or new one refused")
	}
	if lifecycle("disabled", "") != 204 {
		t.Fatal("disable refused")
	}
	if st, en, _ := tenant(); st != "installed" || en {
		t.Fatalf("after disable: %s %v", st, en)
	}
	if me("second-secret-0123456789abcdef012") != 401 {
		t.Fatal("disabled tenant still served")
	}
	if lifecycle("enabled", "") != 204 {
		t.Fatal("enable refused")
	}
	if me("second-secret-0123456789abcdef012") != 200 {
		t.Fatal("re-enabled tenant refused")
	}
	if lifecycle("uninstalled", "") != 204 {
		t.Fatal("uninstall refused")
	}
	if st, _, _ := tenant(); st != "uninstalled" {
		t.Fatalf("after uninstall: %s", st)
	}
	// Jira may send disabled with no JWT after an uninstall (AC-2561). It
	// gets the generic 401, as the same callback for a site Remit never
	// saw does, so the answer says nothing about the site.
	r := s.Post(t, "/lifecycle/disabled", "", apptest.Payload(appKey, "site-1", "", "https://site-1.example.net", "disabled"), nil)
	body, _ := io.ReadAll(r.Body)
	never := s.Post(t, "/lifecycle/disabled", "", apptest.Payload(appKey, "site-never", "", "https://site-never.example.net", "disabled"), nil)
	neverBody, _ := io.ReadAll(never.Body)
	if r.StatusCode != 401 || never.StatusCode != 401 || string(body) != string(neverBody) {
		t.Fatalf("unsigned disabled after uninstall: %d %s; for an unknown site: %d %s", r.StatusCode, body, never.StatusCode, neverBody)
	}
	if st, _, _ := tenant(); st != "uninstalled" {
		t.Fatalf("after the unsigned disabled: %s", st)
	}
	// Re-install before the retention period restores the tenant.
	atl.Install(t, s, appKey, "site-1", "third-secret-0123456789abcdef0123")
	if st, en, sec := tenant(); st != "installed" || !en || sec != "third-secret-0123456789abcdef0123" {
		t.Fatalf("after re-install: %s %v %s", st, en, sec)
	}
	// An install for another app key is not ours.
	tok := apptest.SignRS256(t, atl.Key, atl.Kid, apptest.LifecycleClaims(s.URL, "site-2", "/lifecycle/installed", s.Now()))
	if r := s.Post(t, "/lifecycle/installed", "JWT "+tok, apptest.Payload("com.other.app", "site-2", "s", "https://site-2.example.net", "installed"), nil); r.StatusCode != 401 {
		t.Fatalf("foreign app key: %d", r.StatusCode)
	}
}

func TestWebhookDedupe(t *testing.T) {
	t.Parallel()
	atl := apptest.NewAtlassian(t)
	s := apptest.Start(t, apptest.Options{KeysURL: atl.KeysURL})
	atl.Install(t, s, appKey, "site-1", "hook-secret-0123456789abcdef01234")
	send := func(id string) int {
		u, _ := url.Parse(s.URL + "/webhooks/jira")
		tok := apptest.SignHS256(t, []byte("hook-secret-0123456789abcdef01234"), "", jwt.MapClaims{
			"iss": "site-1", "iat": s.Now().Unix(), "exp": s.Now().Add(time.Minute).Unix(),
			"qsh": connect.QSHForURL(http.MethodPost, u, ""),
		})
		return s.Post(t, "/webhooks/jira", "JWT "+tok, webhookBody(id), http.Header{"X-Atlassian-Webhook-Identifier": {id}}).StatusCode
	}
	for range 3 {
		if st := send("delivery-1"); st != 204 {
			t.Fatalf("status %d", st)
		}
	}
	if st := send("delivery-2"); st != 204 {
		t.Fatalf("status %d", st)
	}
	var deliveries, jobs int
	ctx := context.Background()
	if err := s.Pool.QueryRow(ctx, `SELECT count(*) FROM webhook_deliveries WHERE client_key = 'site-1'`).Scan(&deliveries); err != nil {
		t.Fatal(err)
	}
	if err := s.Pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'webhook'`).Scan(&jobs); err != nil {
		t.Fatal(err)
	}
	if deliveries != 2 || jobs != 2 {
		t.Fatalf("deliveries=%d jobs=%d, want 2 and 2", deliveries, jobs)
	}
	// Missing identifier or a body that is not a webhook: 400, nothing stored.
	u, _ := url.Parse(s.URL + "/webhooks/jira")
	tok := apptest.SignHS256(t, []byte("hook-secret-0123456789abcdef01234"), "", jwt.MapClaims{
		"iss": "site-1", "iat": s.Now().Unix(), "exp": s.Now().Add(time.Minute).Unix(), "qsh": connect.QSHForURL(http.MethodPost, u, ""),
	})
	if r := s.Post(t, "/webhooks/jira", "JWT "+tok, webhookBody("x"), nil); r.StatusCode != 400 {
		t.Fatalf("no identifier: %d", r.StatusCode)
	}
	if r := s.Post(t, "/webhooks/jira", "JWT "+tok, []byte(`{"nope":`), http.Header{"X-Atlassian-Webhook-Identifier": {"d3"}}); r.StatusCode != 400 {
		t.Fatalf("bad body: %d", r.StatusCode)
	}
}

func TestLimitsAndProblems(t *testing.T) {
	t.Parallel()
	atl := apptest.NewAtlassian(t)
	s := apptest.Start(t, apptest.Options{KeysURL: atl.KeysURL})
	big := make([]byte, 1<<20+1)
	r := s.Post(t, "/lifecycle/installed", "", big, nil)
	if r.StatusCode != http.StatusRequestEntityTooLarge || r.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("oversized body: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
	}
	r = s.Do(t, http.MethodGet, "/no/such/route", "", nil, nil)
	if r.StatusCode != 404 || r.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("unknown route: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
	}
	if r := s.Do(t, http.MethodGet, "/healthz", "", nil, nil); r.StatusCode != 200 {
		t.Fatalf("/healthz: %d", r.StatusCode)
	}
	// Readiness and metrics are on the ops listener only.
	for _, p := range []string{"/readyz", "/metrics"} {
		if r := s.Do(t, http.MethodGet, p, "", nil, nil); r.StatusCode != 404 {
			t.Fatalf("public %s: %d, want 404", p, r.StatusCode)
		}
	}
	for _, p := range []string{"/healthz", "/readyz"} {
		if r, err := http.Get(s.OpsURL + p); err != nil || r.StatusCode != 200 {
			t.Fatalf("ops %s: %v %v", p, r, err)
		}
	}
	r, err := http.Get(s.OpsURL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != 200 || !strings.Contains(string(body), `remit_http_request_duration_seconds_bucket{method="GET",route="/healthz",status="200"`) {
		t.Fatalf("metrics missing the route histogram:\n%.2000s", body)
	}
}

// TestShutdownDrainsInFlight starts a webhook delivery whose body arrives
// slowly, asks Remit to stop in the middle of it, and checks that the
// delivery still completes and is stored before the process exits.
func TestShutdownDrainsInFlight(t *testing.T) {
	t.Parallel()
	atl := apptest.NewAtlassian(t)
	s := apptest.Start(t, apptest.Options{KeysURL: atl.KeysURL})
	const secret = "drain-secret-0123456789abcdef01234"
	atl.Install(t, s, appKey, "site-1", secret)
	u, _ := url.Parse(s.URL + "/webhooks/jira")
	tok, _ := connect.SignRequest(secret, "site-1", "", http.MethodPost, u, "", s.Now(), time.Minute)
	pr, pw := io.Pipe()
	req, _ := http.NewRequest(http.MethodPost, u.String(), pr)
	req.Header.Set("Authorization", "JWT "+tok)
	req.Header.Set("X-Atlassian-Webhook-Identifier", "slow-1")
	body := webhookBody("slow-1")
	req.ContentLength = int64(len(body))
	type result struct {
		status int
		err    error
	}
	got := make(chan result, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			got <- result{err: err}
			return
		}
		resp.Body.Close()
		got <- result{status: resp.StatusCode}
	}()
	_, _ = pw.Write(body[:10]) // the request is now in flight
	time.Sleep(100 * time.Millisecond)
	stopped := make(chan error, 1)
	go func() { stopped <- s.Stop() }()
	time.Sleep(200 * time.Millisecond)
	select {
	case err := <-stopped:
		t.Fatalf("remit stopped (%v) with a request in flight", err)
	default:
	}
	_, _ = pw.Write(body[10:])
	_ = pw.Close()
	r := <-got
	if r.err != nil || r.status != http.StatusNoContent {
		t.Fatalf("in-flight delivery: status %d, err %v", r.status, r.err)
	}
	if err := <-stopped; err != nil {
		t.Fatalf("stop: %v", err)
	}
	var n int
	if err := s.Pool.QueryRow(context.Background(), `SELECT count(*) FROM webhook_deliveries WHERE identifier = 'slow-1'`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("delivery stored %d times (err %v)", n, err)
	}
}

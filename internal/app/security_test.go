package app_test

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/remitapp/remit/internal/apptest"
	"github.com/remitapp/remit/internal/connect"
)

const appKey = "io.remit.jira"

// snapshot is every row an authentication failure could have touched.
func snapshot(t *testing.T, s *apptest.Stack) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	rows, err := s.Pool.Query(ctx, `SELECT client_key, encode(shared_secret_enc, 'hex'), state, enabled,
		coalesce(uninstalled_at::text, ''), updated_at::text FROM tenants ORDER BY client_key`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k, sec, state, un, up string
		var en bool
		if err := rows.Scan(&k, &sec, &state, &en, &un, &up); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s %s %s %v %s %s\n", k, sec, state, en, un, up)
	}
	if rows.Err() != nil {
		t.Fatal(rows.Err())
	}
	// The stack's own maintenance jobs (River's periodic jobs, inserted once
	// a leader is elected, and what they start) come and go on their own
	// time; every other job a request could have caused counts.
	for _, q := range []string{`SELECT count(*) FROM webhook_deliveries`,
		`SELECT count(*) FROM river_job WHERE kind NOT IN
			('webhook_deliveries_prune', 'followup_schedule', 'followup_sweep', 'followup_release', 'privacy_sweep')`} {
		var n int
		if err := s.Pool.QueryRow(ctx, q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s: %d\n", q, n)
	}
	return b.String()
}

func webhookBody(id string) []byte {
	return []byte(`{"timestamp":1,"webhookEvent":"jira:issue_updated","issue":{"id":"10001","key":"BILL-1"}}`)
}

// TestSecurityMatrix sends forged, replayed and malformed credentials to
// every authenticated surface. Each must be refused with 401 and change
// nothing in the database.
func TestSecurityMatrix(t *testing.T) {
	t.Parallel()
	atl := apptest.NewAtlassian(t)
	s := apptest.Start(t, apptest.Options{KeysURL: atl.KeysURL})
	const secretA, secretB, secretGone = "secret-of-tenant-a-0123456789abcdef", "secret-of-tenant-b-0123456789abcdef", "secret-of-uninstalled-0123456789ab"
	atl.Install(t, s, appKey, "tenant-a", secretA)
	atl.Install(t, s, appKey, "tenant-b", secretB)
	atl.Install(t, s, appKey, "tenant-gone", secretGone)
	atl.Install(t, s, appKey, "tenant-off", "secret-of-disabled-0123456789abcdef")
	now := s.Now()
	{ // uninstall one tenant and disable another through correct callbacks
		tok := apptest.SignRS256(t, atl.Key, atl.Kid, apptest.LifecycleClaims(s.URL, "tenant-gone", "/lifecycle/uninstalled", now))
		if r := s.Post(t, "/lifecycle/uninstalled", "JWT "+tok, apptest.Payload(appKey, "tenant-gone", secretGone, "https://x", "uninstalled"), nil); r.StatusCode != 204 {
			t.Fatalf("uninstall: %d", r.StatusCode)
		}
		tok = apptest.SignRS256(t, atl.Key, atl.Kid, apptest.LifecycleClaims(s.URL, "tenant-off", "/lifecycle/disabled", now))
		if r := s.Post(t, "/lifecycle/disabled", "JWT "+tok, apptest.Payload(appKey, "tenant-off", "", "https://x", "disabled"), nil); r.StatusCode != 204 {
			t.Fatalf("disable: %d", r.StatusCode)
		}
	}

	other := apptest.NewRSAKey(t)
	pubPEM := atl.PublicPEM()
	lc := func(clientKey, path string, mutate func(jwt.MapClaims)) jwt.MapClaims {
		c := apptest.LifecycleClaims(s.URL, clientKey, path, now)
		if mutate != nil {
			mutate(c)
		}
		return c
	}
	install := func(clientKey string) []byte {
		return apptest.Payload(appKey, clientKey, "attacker-chosen-secret-0123456789", "https://evil.example", "installed")
	}
	reqTok := func(secret, iss, method, path string, mutate func(jwt.MapClaims)) string {
		u, _ := url.Parse(s.URL + path)
		c := jwt.MapClaims{"iss": iss, "iat": now.Unix(), "exp": now.Add(3 * time.Minute).Unix(), "qsh": connect.QSHForURL(method, u, "")}
		if mutate != nil {
			mutate(c)
		}
		return apptest.SignHS256(t, []byte(secret), "", c)
	}
	ctxTok := func(secret, iss string, mutate func(jwt.MapClaims)) string {
		c := jwt.MapClaims{"iss": iss, "sub": "557058:user", "iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(), "qsh": connect.ContextQSH}
		if mutate != nil {
			mutate(c)
		}
		return apptest.SignHS256(t, []byte(secret), "", c)
	}
	unsignedNone := func(c jwt.MapClaims) string {
		tok := jwt.NewWithClaims(jwt.SigningMethodNone, c)
		tok.Header["kid"] = atl.Kid
		str, _ := tok.SignedString(jwt.UnsafeAllowNoneSignatureType)
		return str
	}
	hook := func(id string) http.Header { return http.Header{"X-Atlassian-Webhook-Identifier": {id}} }

	type tc struct {
		name   string
		method string
		path   string
		auth   string
		body   []byte
		header http.Header
	}
	cases := []tc{
		// Lifecycle callbacks: RS256 signed by Atlassian, nothing else.
		{name: "install without token", path: "/lifecycle/installed", body: install("tenant-new")},
		{name: "install signed HS256 with the payload's own secret", path: "/lifecycle/installed",
			auth: "JWT " + apptest.SignHS256(t, []byte("attacker-chosen-secret-0123456789"), "", lc("tenant-new", "/lifecycle/installed", nil)), body: install("tenant-new")},
		{name: "install signed by an unknown key", path: "/lifecycle/installed",
			auth: "JWT " + apptest.SignRS256(t, other, "kid-unknown", lc("tenant-new", "/lifecycle/installed", nil)), body: install("tenant-new")},
		{name: "install with the trusted kid but another key", path: "/lifecycle/installed",
			auth: "JWT " + apptest.SignRS256(t, other, atl.Kid, lc("tenant-a", "/lifecycle/installed", nil)), body: install("tenant-a")},
		{name: "install HS256 keyed with the public PEM", path: "/lifecycle/installed",
			auth: "JWT " + apptest.SignHS256(t, pubPEM, atl.Kid, lc("tenant-a", "/lifecycle/installed", nil)), body: install("tenant-a")},
		{name: "install HS256 keyed with the public key DER", path: "/lifecycle/installed",
			auth: "JWT " + apptest.SignHS256(t, mustDER(t, pubPEM), atl.Kid, lc("tenant-a", "/lifecycle/installed", nil)), body: install("tenant-a")},
		{name: "install with alg none", path: "/lifecycle/installed",
			auth: "JWT " + unsignedNone(lc("tenant-a", "/lifecycle/installed", nil)), body: install("tenant-a")},
		{name: "install without kid", path: "/lifecycle/installed",
			auth: "JWT " + apptest.SignRS256(t, atl.Key, "", lc("tenant-new", "/lifecycle/installed", nil)), body: install("tenant-new")},
		{name: "install with wrong aud", path: "/lifecycle/installed",
			auth: "JWT " + apptest.SignRS256(t, atl.Key, atl.Kid, lc("tenant-new", "/lifecycle/installed", func(c jwt.MapClaims) { c["aud"] = []string{"https://other-app.example.com"} })), body: install("tenant-new")},
		{name: "install with qsh of another lifecycle path", path: "/lifecycle/installed",
			auth: "JWT " + apptest.SignRS256(t, atl.Key, atl.Kid, lc("tenant-new", "/lifecycle/uninstalled", nil)), body: install("tenant-new")},
		{name: "install without qsh", path: "/lifecycle/installed",
			auth: "JWT " + apptest.SignRS256(t, atl.Key, atl.Kid, lc("tenant-new", "/lifecycle/installed", func(c jwt.MapClaims) { delete(c, "qsh") })), body: install("tenant-new")},
		{name: "install with iss not the body clientKey", path: "/lifecycle/installed",
			auth: "JWT " + apptest.SignRS256(t, atl.Key, atl.Kid, lc("tenant-b", "/lifecycle/installed", nil)), body: install("tenant-a")},
		{name: "install with expired token", path: "/lifecycle/installed",
			auth: "JWT " + apptest.SignRS256(t, atl.Key, atl.Kid, lc("tenant-new", "/lifecycle/installed", func(c jwt.MapClaims) { c["exp"] = now.Add(-2 * time.Minute).Unix() })), body: install("tenant-new")},
		{name: "install with far-future iat", path: "/lifecycle/installed",
			auth: "JWT " + apptest.SignRS256(t, atl.Key, atl.Kid, lc("tenant-new", "/lifecycle/installed", func(c jwt.MapClaims) { c["iat"] = now.Add(time.Hour).Unix() })), body: install("tenant-new")},
		{name: "install with a malformed token", path: "/lifecycle/installed", auth: "JWT not.a.token", body: install("tenant-new")},
		{name: "install with an oversized token", path: "/lifecycle/installed", auth: "JWT " + strings.Repeat("a", 20000), body: install("tenant-new")},
		{name: "uninstall signed HS256 with the tenant's secret", path: "/lifecycle/uninstalled",
			auth: "JWT " + apptest.SignHS256(t, []byte(secretA), "", lc("tenant-a", "/lifecycle/uninstalled", nil)), body: apptest.Payload(appKey, "tenant-a", "", "https://x", "uninstalled")},
		{name: "uninstall with a context token", path: "/lifecycle/uninstalled",
			auth: "JWT " + ctxTok(secretA, "tenant-a", nil), body: apptest.Payload(appKey, "tenant-a", "", "https://x", "uninstalled")},
		{name: "disabled without token for a live tenant", path: "/lifecycle/disabled", body: apptest.Payload(appKey, "tenant-a", "", "https://x", "disabled")},
		{name: "enabled with a request token", path: "/lifecycle/enabled",
			auth: "JWT " + reqTok(secretGone, "tenant-gone", http.MethodPost, "/lifecycle/enabled", nil), body: apptest.Payload(appKey, "tenant-gone", "", "https://x", "enabled")},

		// Webhooks: request tokens with the computed qsh of this exact request.
		{name: "webhook without token", path: "/webhooks/jira", body: webhookBody("w1"), header: hook("w1")},
		{name: "webhook with a context token", path: "/webhooks/jira", auth: "JWT " + ctxTok(secretA, "tenant-a", nil), body: webhookBody("w2"), header: hook("w2")},
		{name: "webhook with a token for another path", path: "/webhooks/jira", auth: "JWT " + reqTok(secretA, "tenant-a", http.MethodPost, "/webhooks/other", nil), body: webhookBody("w3"), header: hook("w3")},
		{name: "webhook with a token for GET replayed as POST", path: "/webhooks/jira", auth: "JWT " + reqTok(secretA, "tenant-a", http.MethodGet, "/webhooks/jira", nil), body: webhookBody("w4"), header: hook("w4")},
		{name: "webhook with a token for another query", path: "/webhooks/jira", auth: "JWT " + reqTok(secretA, "tenant-a", http.MethodPost, "/webhooks/jira?issue=BILL-1", nil), body: webhookBody("w5"), header: hook("w5")},
		{name: "webhook signed with tenant B's secret under A's iss", path: "/webhooks/jira", auth: "JWT " + reqTok(secretB, "tenant-a", http.MethodPost, "/webhooks/jira", nil), body: webhookBody("w6"), header: hook("w6")},
		{name: "webhook from an unknown iss", path: "/webhooks/jira", auth: "JWT " + reqTok(secretA, "tenant-nobody", http.MethodPost, "/webhooks/jira", nil), body: webhookBody("w7"), header: hook("w7")},
		{name: "webhook from an uninstalled tenant", path: "/webhooks/jira", auth: "JWT " + reqTok(secretGone, "tenant-gone", http.MethodPost, "/webhooks/jira", nil), body: webhookBody("w8"), header: hook("w8")},
		{name: "webhook from a disabled tenant", path: "/webhooks/jira", auth: "JWT " + reqTok("secret-of-disabled-0123456789abcdef", "tenant-off", http.MethodPost, "/webhooks/jira", nil), body: webhookBody("w9"), header: hook("w9")},
		{name: "webhook with expired token", path: "/webhooks/jira", auth: "JWT " + reqTok(secretA, "tenant-a", http.MethodPost, "/webhooks/jira", func(c jwt.MapClaims) { c["exp"] = now.Add(-time.Minute).Unix() }), body: webhookBody("w10"), header: hook("w10")},
		{name: "webhook without exp", path: "/webhooks/jira", auth: "JWT " + reqTok(secretA, "tenant-a", http.MethodPost, "/webhooks/jira", func(c jwt.MapClaims) { delete(c, "exp") }), body: webhookBody("w11"), header: hook("w11")},
		{name: "webhook with alg none", path: "/webhooks/jira", auth: "JWT " + unsignedNone(jwt.MapClaims{"iss": "tenant-a", "iat": now.Unix(), "exp": now.Add(time.Minute).Unix(), "qsh": "x"}), body: webhookBody("w12"), header: hook("w12")},
		{name: "webhook with RS256 from the install key", path: "/webhooks/jira", auth: "JWT " + apptest.SignRS256(t, atl.Key, atl.Kid, jwt.MapClaims{"iss": "tenant-a", "iat": now.Unix(), "exp": now.Add(time.Minute).Unix(), "qsh": reqQSH(s.URL, "/webhooks/jira")}), body: webhookBody("w13"), header: hook("w13")},
		{name: "webhook with Bearer instead of JWT prefix", path: "/webhooks/jira", auth: "Bearer " + reqTok(secretA, "tenant-a", http.MethodPost, "/webhooks/jira", nil), body: webhookBody("w14"), header: hook("w14")},
		{name: "webhook with numeric iss", path: "/webhooks/jira", auth: "JWT " + reqTok(secretA, "tenant-a", http.MethodPost, "/webhooks/jira", func(c jwt.MapClaims) { c["iss"] = 42 }), body: webhookBody("w15"), header: hook("w15")},

		// The API: context tokens only.
		{name: "api with a request token", method: http.MethodGet, path: "/api/v1/me", auth: "JWT " + reqTok(secretA, "tenant-a", http.MethodGet, "/api/v1/me", nil)},
		{name: "api with tenant A's token under B's iss", method: http.MethodGet, path: "/api/v1/me", auth: "JWT " + ctxTok(secretA, "tenant-b", nil)},
		{name: "api with an expired context token", method: http.MethodGet, path: "/api/v1/me", auth: "JWT " + ctxTok(secretA, "tenant-a", func(c jwt.MapClaims) { c["exp"] = now.Add(-time.Minute).Unix() })},
		{name: "api from an uninstalled tenant", method: http.MethodGet, path: "/api/v1/me", auth: "JWT " + ctxTok(secretGone, "tenant-gone", nil)},
		{name: "api with jwt query parameter forged", method: http.MethodGet, path: "/api/v1/me?jwt=" + ctxTok("wrong-secret-0123456789abcdef0123", "tenant-a", nil)},
	}
	before := snapshot(t, s)
	for _, c := range cases {
		method := c.method
		if method == "" {
			method = http.MethodPost
		}
		resp := s.Do(t, method, c.path, c.auth, c.body, c.header)
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s: status %d, want 401", c.name, resp.StatusCode)
			continue
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
			t.Errorf("%s: content type %q, want problem+json", c.name, ct)
		}
		if after := snapshot(t, s); after != before {
			t.Fatalf("%s changed the database:\nbefore:\n%s\nafter:\n%s", c.name, before, after)
		}
	}
	if len(cases) < 25 {
		t.Fatalf("matrix has %d cases, want at least 25", len(cases))
	}

	// The matrix is not refusing everything: the same routes accept correct tokens.
	if r := s.Do(t, http.MethodGet, "/api/v1/me", "JWT "+ctxTok(secretA, "tenant-a", nil), nil, nil); r.StatusCode != 200 {
		t.Fatalf("valid context token: %d", r.StatusCode)
	}
	if r := s.Post(t, "/webhooks/jira", "JWT "+reqTok(secretA, "tenant-a", http.MethodPost, "/webhooks/jira", nil), webhookBody("ok"), hook("ok")); r.StatusCode != 204 {
		t.Fatalf("valid webhook: %d", r.StatusCode)
	}
}

func reqQSH(base, path string) string {
	u, _ := url.Parse(base + path)
	return connect.QSHForURL(http.MethodPost, u, "")
}

func mustDER(t *testing.T, pemBytes []byte) []byte {
	t.Helper()
	b, _ := pem.Decode(pemBytes)
	if b == nil {
		t.Fatal("bad pem")
	}
	if _, err := x509.ParsePKIXPublicKey(b.Bytes); err != nil {
		t.Fatal(err)
	}
	return b.Bytes
}

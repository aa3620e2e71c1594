package httpapi

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/connect"
	"github.com/remitapp/remit/internal/remit"
)

// untouchedTenants fails the test when a lifecycle handler reaches tenant
// storage: a refused callback must not look at (or change) any tenant.
type untouchedTenants struct{ t *testing.T }

func (u untouchedTenants) fail(what string) error {
	u.t.Errorf("a refused lifecycle callback reached tenant storage (%s)", what)
	return remit.Errorf(remit.Internal, "test", "unexpected %s", what)
}

func (u untouchedTenants) UpsertInstall(context.Context, remit.Tenant) (remit.Tenant, error) {
	return remit.Tenant{}, u.fail("UpsertInstall")
}

func (u untouchedTenants) TenantByClientKey(context.Context, string) (remit.Tenant, error) {
	return remit.Tenant{}, u.fail("TenantByClientKey")
}

func (u untouchedTenants) SetTenantEnabled(context.Context, string, bool) error {
	return u.fail("SetTenantEnabled")
}

func (u untouchedTenants) MarkTenantUninstalled(context.Context, string, time.Time) error {
	return u.fail("MarkTenantUninstalled")
}

// oracleFixture is the edge with a tenant in every state a refusal could
// give away: live, uninstalled, disabled, without a secret, and unknown.
func oracleFixture(t *testing.T) *edgeFixture {
	t.Helper()
	f := newEdgeFixture(t, func(d *Deps) {
		d.Installs = &connect.InstallVerifier{Keys: &connect.KeyFetcher{URL: "http://127.0.0.1:1"}, BaseURL: "http://remit.test", Now: d.Now}
		d.Tenants = untouchedTenants{t}
		d.AppKey = "io.remit.jira"
	}, nil)
	f.tenants["ck-gone"] = remit.Tenant{ClientKey: "ck-gone", SharedSecret: "secret-gone-secret-gone-secret-03", State: remit.TenantUninstalled}
	f.tenants["ck-off"] = remit.Tenant{ClientKey: "ck-off", SharedSecret: "secret-off-secret-off-secret-off4", State: remit.TenantInstalled}
	f.tenants["ck-nosecret"] = remit.Tenant{ClientKey: "ck-nosecret", State: remit.TenantInstalled, Enabled: true}
	return f
}

// oracleStates are the issuers whose refusals must be indistinguishable,
// each with the secret its token is signed with and the reason the log
// must give.
var oracleStates = []struct{ iss, secret, reason string }{
	{"ck-unknown", "secret-unknown-secret-unknown-05", "unknown tenant"},
	{"ck-gone", "secret-gone-secret-gone-secret-03", "tenant not installed"},
	{"ck-off", "secret-off-secret-off-secret-off4", "tenant disabled"},
	{"ck-nosecret", "", "tenant has no shared secret"},
	{"ck-a", "not-the-secret-of-tenant-a-000000", "invalid signature"},
}

// TestAuthFailuresLookAlike proves a caller cannot tell from a 401 whether
// a site uses Remit, nor in which state: on every HS256 surface, tokens
// from an unknown, an uninstalled, a disabled and a secretless tenant, and
// a forged one for a live tenant, get byte-identical answers, while the
// log keeps each reason under auth_reason.
func TestAuthFailuresLookAlike(t *testing.T) {
	f := oracleFixture(t)
	now := f.clock.Now()
	surfaces := []struct {
		name    string
		request func(iss, secret string) *http.Request
	}{
		{"api", func(iss, secret string) *http.Request {
			tok, _ := connect.SignContext(secret, iss, "user-1", now, time.Minute)
			req, _ := http.NewRequest(http.MethodGet, f.http.URL+"/api/v1/me", nil)
			req.Header.Set("Authorization", "JWT "+tok)
			return req
		}},
		{"webhook", func(iss, secret string) *http.Request {
			u, _ := url.Parse(f.http.URL + "/webhooks/jira")
			tok, _ := connect.SignRequest(secret, iss, "", http.MethodPost, u, "", now, time.Minute)
			req, _ := http.NewRequest(http.MethodPost, u.String(), strings.NewReader(`{"webhookEvent":"jira:issue_updated"}`))
			req.Header.Set("Authorization", "JWT "+tok)
			req.Header.Set("X-Atlassian-Webhook-Identifier", "wh-oracle")
			return req
		}},
		{"page", func(iss, secret string) *http.Request {
			u, _ := url.Parse(f.http.URL + "/pages/issue-panel?issueKey=BILL-1")
			tok, _ := connect.SignPageLoad(secret, iss, "user-1", u, "", now, time.Minute)
			req, _ := http.NewRequest(http.MethodGet, u.String()+"&jwt="+tok, nil)
			return req
		}},
	}
	var problems [][]byte
	for _, sf := range surfaces {
		t.Run(sf.name, func(t *testing.T) {
			var first []byte
			for _, st := range oracleStates {
				resp, body := f.do(t, sf.request(st.iss, st.secret))
				if resp.StatusCode != http.StatusUnauthorized {
					t.Fatalf("%s: status %d, want 401: %s", st.iss, resp.StatusCode, body)
				}
				if first == nil {
					first = body
				} else if !bytes.Equal(body, first) {
					t.Errorf("%s is answered\n%s\nbut %s\n%s", st.iss, body, oracleStates[0].iss, first)
				}
				for _, leak := range []string{st.reason, "tenant", "installed", "secret"} {
					if bytes.Contains(body, []byte(leak)) {
						t.Errorf("%s: the answer says %q: %s", st.iss, leak, body)
					}
				}
			}
			if sf.name != "page" {
				problems = append(problems, first)
			}
		})
	}
	// The JSON surfaces answer with one and the same problem document.
	for _, p := range problems[1:] {
		if !bytes.Equal(p, problems[0]) {
			t.Errorf("surfaces answer differently:\n%s\n%s", problems[0], p)
		}
	}
	logs := f.logs.String()
	for _, st := range oracleStates {
		if !strings.Contains(logs, `"auth_reason":"`+st.reason) {
			t.Errorf("the log lacks auth_reason %q:\n%s", st.reason, logs)
		}
	}
	for _, sf := range []string{"api", "webhook", "page"} {
		if !strings.Contains(logs, `"surface":"`+sf+`"`) {
			t.Errorf("no refusal logged for surface %s", sf)
		}
	}
}

// TestUnsignedLifecycleSaysNothing sends the unsigned disabled callback
// Jira may send after an uninstall, and other unsigned callbacks, for a
// live, an uninstalled and an unknown site: each gets the same generic
// 401 and none reaches tenant storage.
func TestUnsignedLifecycleSaysNothing(t *testing.T) {
	f := oracleFixture(t)
	var first []byte
	for _, event := range []string{"disabled", "enabled", "uninstalled", "installed"} {
		for _, ck := range []string{"ck-a", "ck-gone", "ck-unknown"} {
			body := `{"key":"io.remit.jira","clientKey":"` + ck + `","baseUrl":"https://x.atlassian.net","eventType":"` + event + `"}`
			req, _ := http.NewRequest(http.MethodPost, f.http.URL+"/lifecycle/"+event, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			resp, got := f.do(t, req)
			if resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("unsigned %s for %s: status %d, want 401: %s", event, ck, resp.StatusCode, got)
				continue
			}
			if first == nil {
				first = got
			} else if !bytes.Equal(got, first) {
				t.Errorf("unsigned %s for %s is answered\n%s\nnot\n%s", event, ck, got, first)
			}
		}
	}
	if want := `{"type":"about:blank","title":"Unauthorized","status":401,"detail":"authentication failed"}`; string(first) != want {
		t.Errorf("the generic 401 is %s, want %s", first, want)
	}
	if !strings.Contains(f.logs.String(), `"auth_reason":"missing token"`) {
		t.Errorf("the refusal's reason is not logged:\n%s", f.logs.String())
	}
}

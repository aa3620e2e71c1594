package app_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/remitapp/remit/internal/apptest"
	"github.com/remitapp/remit/internal/clock"
	"github.com/remitapp/remit/internal/connect"
	"github.com/remitapp/remit/internal/forge"
	"github.com/remitapp/remit/internal/jirasim"
)

// genericUnauthorized is the one problem document every refused credential
// gets, on every JSON surface.
const genericUnauthorized = `{"type":"about:blank","title":"Unauthorized","status":401,"detail":"authentication failed"}`

// TestRefusalsAreNoOracle: whether a site never used Remit, uninstalled
// it, disabled it, or reached it only through Forge (no shared secret),
// a token naming it gets byte for byte the same 401 on every surface, so
// an unauthenticated caller learns nothing of the site from Remit. The
// refusals change nothing.
func TestRefusalsAreNoOracle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	s := startForgeStack(t, apptest.Options{Clock: clock.At(at)})

	connectSite := func(name string) jirasim.Installation {
		t.Helper()
		inst, err := s.Sim.AddSite(name).InstallApp(ctx, s.URL)
		if err != nil {
			t.Fatalf("install on %s: %v", name, err)
		}
		return inst
	}
	live := connectSite("live")
	gone := connectSite("gone")
	must(t, s.Sim.AddSite("gone").UninstallApp(ctx, gone.AppKey))
	off := connectSite("off")
	must(t, s.Sim.AddSite("off").SetAppEnabled(ctx, off.AppKey, false))
	forgeOnly, err := forgeSiteOf(t, s, "forgeonly").InstallForgeApp(ctx, jirasim.ForgeApp{ID: forgeAppID, ConnectKey: appKey, RemoteURL: s.URL})
	must(t, err)
	forgeGone, err := forgeSiteOf(t, s, "forgegone").InstallForgeApp(ctx, jirasim.ForgeApp{ID: forgeAppID, ConnectKey: appKey, RemoteURL: s.URL})
	must(t, err)
	must(t, s.Sim.AddSite("forgegone").UninstallForgeApp(ctx, forgeGone.ID))

	// Each issuer with the secret its tokens carry: an unknown site's own,
	// the uninstalled and disabled sites' real ones, anything for the
	// Forge-only tenant (it has none), and a wrong one for the live site.
	issuers := []struct{ name, iss, secret string }{
		{"unknown site", "4b0c8e1e-0000-4000-8000-000000000000", "secret-of-a-site-remit-never-saw-01"},
		{"uninstalled site", gone.ClientKey, gone.SharedSecret},
		{"disabled site", off.ClientKey, off.SharedSecret},
		{"Forge-only site, no shared secret", "forge:" + forgeOnly.CloudID, "guessed-secret-0123456789abcdef0123"},
		{"live site, wrong secret", live.ClientKey, "guessed-secret-0123456789abcdef0123"},
	}
	send := func(method, path, auth string, body []byte, h http.Header) []byte {
		t.Helper()
		r := s.Do(t, method, path, auth, body, h)
		got, _ := io.ReadAll(r.Body)
		if r.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s %s: status %d, want 401: %s", method, path, r.StatusCode, got)
		}
		return got
	}
	before := snapshot(t, s)
	surfaces := map[string]func(iss, secret string) []byte{
		"webhook": func(iss, secret string) []byte {
			u, _ := url.Parse(s.URL + "/webhooks/jira")
			tok, _ := connect.SignRequest(secret, iss, "", http.MethodPost, u, "", at, time.Minute)
			return send(http.MethodPost, "/webhooks/jira", "JWT "+tok, webhookBody("oracle"), http.Header{"X-Atlassian-Webhook-Identifier": {"oracle-" + iss}})
		},
		"api": func(iss, secret string) []byte {
			tok, _ := connect.SignContext(secret, iss, "557058:someone", at, time.Minute)
			return send(http.MethodGet, "/api/v1/me", "JWT "+tok, nil, nil)
		},
		"page": func(iss, secret string) []byte {
			u, _ := url.Parse(s.URL + "/pages/issue-panel?issueKey=BILL-1")
			tok, _ := connect.SignPageLoad(secret, iss, "557058:someone", u, "", at, time.Minute)
			return send(http.MethodGet, "/pages/issue-panel?issueKey=BILL-1&jwt="+tok, "", nil, nil)
		},
	}
	for name, surface := range surfaces {
		var first []byte
		for _, is := range issuers {
			got := surface(is.iss, is.secret)
			if first == nil {
				first = got
			} else if !bytes.Equal(got, first) {
				t.Errorf("%s, %s: answered\n%s\nbut the %s was answered\n%s", name, is.name, got, issuers[0].name, first)
			}
		}
		if name != "page" && string(first) != genericUnauthorized {
			t.Errorf("%s: the 401 is %s, want %s", name, first, genericUnauthorized)
		}
	}

	// Forge: an installation Remit never saw, on a site it never saw (a
	// new installation id on a known site is followed, by design), and an
	// uninstalled one.
	unknownInst := forgeOnly
	unknownInst.ID = "ari:cloud:ecosystem::installation/00000000-0000-4000-8000-000000000000"
	unknownInst.CloudID = "00000000-0000-4000-8000-00000000c10d"
	for _, path := range []string{forge.RouteAPI + "/v1/me", forge.RouteScheduled} {
		method := http.MethodGet
		if path == forge.RouteScheduled {
			method = http.MethodPost
		}
		var first []byte
		for _, inst := range []jirasim.ForgeInstallation{unknownInst, forgeGone} {
			fit := s.Sim.SignFIT(s.Sim.FITClaims(inst, admin))
			got := send(method, path, "Bearer "+fit, []byte(`{}`), http.Header{forge.HeaderSystemToken: {inst.SystemToken}})
			if first == nil {
				first = got
			} else if !bytes.Equal(got, first) {
				t.Errorf("Forge %s: an uninstalled installation is answered %s, an unknown one %s", path, got, first)
			}
		}
		if string(first) != genericUnauthorized {
			t.Errorf("Forge %s: the 401 is %s, want %s", path, first, genericUnauthorized)
		}
	}
	// And a Forge token for no installation at all reads the same.
	bad := s.Sim.FITClaims(forgeOnly, admin)
	bad["aud"] = jwt.ClaimStrings{otherAppID}
	if got := send(http.MethodGet, forge.RouteAPI+"/v1/me", "Bearer "+s.Sim.SignFIT(bad), nil, nil); string(got) != genericUnauthorized {
		t.Errorf("Forge, wrong aud: %s", got)
	}

	// Lifecycle: the unsigned disabled callback Jira sends after an
	// uninstall reads the same for a live, an uninstalled and an unknown
	// site.
	for _, ck := range []string{live.ClientKey, gone.ClientKey, issuers[0].iss} {
		got := send(http.MethodPost, "/lifecycle/disabled", "", apptest.Payload(appKey, ck, "", "https://x.atlassian.net", "disabled"), nil)
		if string(got) != genericUnauthorized {
			t.Errorf("unsigned disabled for %s: %s", ck, got)
		}
	}

	if after := snapshot(t, s); after != before {
		t.Fatalf("refusals changed the database:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	// The live site is not locked out by any of this.
	tok, _ := connect.SignContext(live.SharedSecret, live.ClientKey, "557058:someone", at, time.Minute)
	if r := s.Do(t, http.MethodGet, "/api/v1/me", "JWT "+tok, nil, nil); r.StatusCode != http.StatusOK {
		t.Fatalf("the live site with its own secret: %d", r.StatusCode)
	}
}

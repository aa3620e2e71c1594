package demohost

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/remitapp/remit/internal/clock"
	"github.com/remitapp/remit/internal/connect"
	"github.com/remitapp/remit/internal/jirasim"
)

// env is a simulator with the demo host mounted, one site "acme"
// (project WORK, users alice and bob, alice a site admin) and, once
// install is called, an app with base path /app that has an issue panel.
type env struct {
	t      *testing.T
	clock  *clock.Clock
	sim    *jirasim.Sim
	host   *Host
	url    string
	site   *jirasim.Site
	appURL string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{t: t, clock: clock.At(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))}
	e.sim = jirasim.New(jirasim.Options{Now: e.clock.Now, Seed: 42})
	t.Cleanup(e.sim.Close)
	e.host = Mount(e.sim, nil)
	srv := httptest.NewServer(e.sim.Handler())
	t.Cleanup(srv.Close)
	e.sim.SetURL(srv.URL)
	e.url = srv.URL
	e.site = e.sim.AddSite("acme")
	if _, err := e.site.Seed(jirasim.SeedData{
		Users:    []jirasim.User{{AccountID: "alice", DisplayName: "Alice"}, {AccountID: "bob", DisplayName: "Bob"}},
		Projects: []jirasim.ProjectSpec{{Key: "WORK", Name: "Work"}},
		Issues:   []jirasim.IssueSpec{{Project: "WORK", Summary: "Build it"}},
	}); err != nil {
		t.Fatal(err)
	}
	if err := e.site.SetPermissions("alice", []string{"ADMINISTER"}, nil); err != nil {
		t.Fatal(err)
	}
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/app/atlassian-connect.json" {
			w.WriteHeader(http.StatusNoContent) // lifecycle callbacks
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{
			"key": "io.remit.test", "name": "Remit Test", "baseUrl": e.appURL,
			"authentication": map[string]string{"type": "jwt"},
			"lifecycle":      map[string]string{"installed": "/lifecycle/installed"},
			"modules": map[string]any{"jiraIssueContexts": []map[string]any{{
				"key": "panel", "name": map[string]string{"value": "Remit"}, "icon": map[string]string{"url": "/icon.svg"},
				"target": map[string]any{"type": "web_panel", "url": "/pages/issue-panel?issueKey={issue.key}&projectKey={project.key}"},
			}}},
		})
	}))
	t.Cleanup(app.Close)
	e.appURL = app.URL + "/app"
	return e
}

func (e *env) install() jirasim.Installation {
	e.t.Helper()
	inst, err := e.site.InstallApp(context.Background(), e.appURL)
	if err != nil {
		e.t.Fatal(err)
	}
	return inst
}

func (e *env) get(path string) (*http.Response, string) {
	e.t.Helper()
	resp, err := http.Get(e.url + path)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// TestIssueViewFramesTheAppWithASignedPageLoad checks the iframe URL the
// issue view renders: the context parameters Jira adds, and a request
// token whose qsh covers that URL and whose sub is the viewing user, as
// Jira signs page loads for a signed-in user.
func TestIssueViewFramesTheAppWithASignedPageLoad(t *testing.T) {
	e := newEnv(t)
	inst := e.install()
	frame := func(query string) *url.URL {
		t.Helper()
		resp, body := e.get("/jira/acme/browse/WORK-1" + query)
		m := regexp.MustCompile(`<iframe id="app-frame"[^>]* src="([^"]+)"`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no app iframe in the issue view (%d):\n%s", resp.StatusCode, body)
		}
		u, err := url.Parse(html.UnescapeString(m[1]))
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	for _, c := range []struct{ query, sub string }{{"", "alice"}, {"?user=bob", "bob"}} {
		u := frame(c.query)
		q := u.Query()
		if q.Get("issueKey") != "WORK-1" || q.Get("projectKey") != "WORK" || q.Get("lic") != "active" || q.Get("xdm_e") != e.url || q.Get("cp") != "/jira/acme" {
			t.Fatalf("iframe URL %s", u)
		}
		claims := jwt.MapClaims{}
		if _, err := jwt.ParseWithClaims(q.Get("jwt"), claims, func(*jwt.Token) (any, error) { return []byte(inst.SharedSecret), nil }, jwt.WithTimeFunc(e.clock.Now)); err != nil {
			t.Fatalf("page token: %v", err)
		}
		if claims["iss"] != inst.ClientKey || claims["sub"] != c.sub || claims["qsh"] != connect.QSHForURL("GET", u, "/app") {
			t.Fatalf("page token claims %v for %s (want sub %s)", claims, u, c.sub)
		}
	}
}

// TestPagesPassTheSimulatorsEdge checks that the host's pages are served
// like the simulator's own site paths: recorded in the site's request log.
func TestPagesPassTheSimulatorsEdge(t *testing.T) {
	e := newEnv(t)
	e.install()
	if resp, _ := e.get("/jira/acme/browse/WORK-1"); resp.StatusCode != http.StatusOK {
		t.Fatalf("issue view: %d", resp.StatusCode)
	}
	if n := e.site.RequestCounts()["GET /browse/WORK-1"]; n != 1 {
		t.Fatalf("request log counts %v", e.site.RequestCounts())
	}
}

// TestPagesWithoutTheApp checks the answers when there is nothing to
// frame: a page without an installed app says so, and unknown sites,
// issues and projects are 404 in Jira's error shape.
func TestPagesWithoutTheApp(t *testing.T) {
	e := newEnv(t)
	resp, body := e.get("/jira/acme/admin/remit")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "No installed app provides this page.") || strings.Contains(body, "<iframe") {
		t.Fatalf("admin page without the app (%d):\n%s", resp.StatusCode, body)
	}
	for path, msg := range map[string]string{
		"/jira/nowhere/browse/WORK-1":    "no site nowhere",
		"/jira/acme/browse/WORK-99":      "Issue does not exist or you do not have permission to see it.",
		"/jira/acme/projects/NOPE/remit": "No project could be found with key 'NOPE'.",
	} {
		resp, body := e.get(path)
		if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, `"errorMessages":["`+msg+`"]`) {
			t.Errorf("%s: %d %s", path, resp.StatusCode, body)
		}
	}
}

// TestContextToken checks the tokens AP.context.getToken gets: signed
// with the app's secret for the user the page names, live or already
// expired on request, and none for an app that is not enabled.
func TestContextToken(t *testing.T) {
	e := newEnv(t)
	inst := e.install()
	token := func(body string) (int, string) {
		t.Helper()
		resp, err := http.Post(e.url+"/jira/acme/_demo/context-token", "application/json", bytes.NewBufferString(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out struct{ Token string }
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out.Token
	}
	parse := func(tok string) (jwt.MapClaims, error) {
		claims := jwt.MapClaims{}
		_, err := jwt.ParseWithClaims(tok, claims, func(*jwt.Token) (any, error) { return []byte(inst.SharedSecret), nil }, jwt.WithTimeFunc(e.clock.Now))
		return claims, err
	}
	status, tok := token(`{"app":"io.remit.test","user":"bob"}`)
	claims, err := parse(tok)
	if status != http.StatusOK || err != nil || claims["sub"] != "bob" || claims["iss"] != inst.ClientKey {
		t.Fatalf("context token: %d %v %v", status, claims, err)
	}
	status, tok = token(`{"app":"io.remit.test","user":"bob","expired":true}`)
	if _, err := parse(tok); status != http.StatusOK || err == nil {
		t.Fatalf("expired context token: %d, parse error %v", status, err)
	}
	if status, _ := token(`not json`); status != http.StatusBadRequest {
		t.Fatalf("bad body: %d", status)
	}
	if err := e.site.SetAppEnabled(context.Background(), "io.remit.test", false); err != nil {
		t.Fatal(err)
	}
	if status, _ := token(`{"app":"io.remit.test","user":"bob"}`); status != http.StatusNotFound {
		t.Fatalf("disabled app: %d", status)
	}
}

// TestConnectJSIsRevalidatedByETag checks the stand-in all.js is served
// where ConnectJSURL says, and answers 304 to a matching If-None-Match.
func TestConnectJSIsRevalidatedByETag(t *testing.T) {
	e := newEnv(t)
	if got := e.host.ConnectJSURL(); got != e.url+ConnectJSPath {
		t.Fatalf("ConnectJSURL = %q", got)
	}
	resp, body := e.get(ConnectJSPath)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "window.AP") || resp.Header.Get("ETag") == "" {
		t.Fatalf("all.js: %d %v", resp.StatusCode, resp.Header)
	}
	req, _ := http.NewRequest(http.MethodGet, e.url+ConnectJSPath, nil)
	req.Header.Set("If-None-Match", resp.Header.Get("ETag"))
	again, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	again.Body.Close()
	if again.StatusCode != http.StatusNotModified {
		t.Fatalf("revalidation: %d", again.StatusCode)
	}
}

package jirasim

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/connect"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// appRequest is a request received by the fake app.
type appRequest struct {
	Path   string
	Header http.Header
	Body   []byte
}

// fakeApp is a Connect app with base path /app: it serves a descriptor,
// records lifecycle and webhook requests, and answers webhooks with the
// statuses queued in replies (then 204).
type fakeApp struct {
	srv       *httptest.Server
	mu        sync.Mutex
	received  []appRequest
	replies   []int
	installOK int
	desc      map[string]any
}

func (a *fakeApp) baseURL() string { return a.srv.URL + "/app" }

func (a *fakeApp) requests(prefix string) []appRequest {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []appRequest
	for _, r := range a.received {
		if strings.HasPrefix(r.Path, prefix) {
			out = append(out, r)
		}
	}
	return out
}

func newFakeApp(t *testing.T) *fakeApp {
	a := &fakeApp{installOK: http.StatusNoContent}
	a.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/app/atlassian-connect.json" {
			a.mu.Lock()
			d := a.desc
			a.mu.Unlock()
			writeJSON(w, http.StatusOK, d)
			return
		}
		body, _ := io.ReadAll(r.Body)
		a.mu.Lock()
		a.received = append(a.received, appRequest{Path: r.URL.RequestURI(), Header: r.Header.Clone(), Body: body})
		status := http.StatusNoContent
		if strings.HasPrefix(r.URL.Path, "/app/lifecycle/installed") {
			status = a.installOK
		} else if strings.HasPrefix(r.URL.Path, "/app/webhooks/") && len(a.replies) > 0 {
			status, a.replies = a.replies[0], a.replies[1:]
		}
		a.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(a.srv.Close)
	a.desc = map[string]any{
		"key": "io.remit.test", "name": "Remit Test", "baseUrl": a.baseURL(),
		"authentication": map[string]string{"type": "jwt"},
		"lifecycle": map[string]string{"installed": "/lifecycle/installed", "uninstalled": "/lifecycle/uninstalled",
			"enabled": "/lifecycle/enabled", "disabled": "/lifecycle/disabled"},
		"modules": map[string]any{
			"webhooks": []map[string]any{
				{"event": "jira:issue_updated", "url": "/webhooks/issue?key=${issue.key}"},
				{"event": "jira:issue_deleted", "url": "/webhooks/issue"},
				{"event": "worklog_created", "url": "/webhooks/worklog"},
				{"event": "worklog_updated", "url": "/webhooks/worklog"},
				{"event": "worklog_deleted", "url": "/webhooks/worklog"},
				{"event": "comment_created", "url": "/webhooks/comment"},
			},
			"jiraEntityProperties": []map[string]any{{
				"key": "remit-invoice-index", "name": map[string]string{"value": "Invoice"},
				"keyConfigurations": []map[string]any{{"propertyKey": "remit-invoice",
					"extractions": []map[string]string{{"objectName": "number", "type": "string"}, {"objectName": "total", "type": "number"}}}},
			}},
		},
	}
	return a
}

// env is a simulator behind httptest with one site "acme" (projects WORK
// and BILL, users alice and bob) and the fake app installed.
type env struct {
	t     *testing.T
	clock *clock
	sim   *Sim
	srv   *httptest.Server
	site  *Site
	app   *fakeApp
	inst  Installation
}

func newEnv(t *testing.T) *env {
	t.Helper()
	clk := &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	sim := New(Options{Now: clk.Now, WebhookBackoff: time.Millisecond, Seed: 42})
	t.Cleanup(sim.Close)
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(srv.Close)
	sim.SetURL(srv.URL)
	site := sim.AddSite("acme")
	if _, err := site.Seed(SeedData{
		Users:    []User{{AccountID: "alice", DisplayName: "Alice"}, {AccountID: "bob", DisplayName: "Bob"}},
		Projects: []ProjectSpec{{Key: "WORK", Name: "Work"}, {Key: "BILL", Name: "Billing", WorkflowName: "invoice"}},
	}); err != nil {
		t.Fatal(err)
	}
	app := newFakeApp(t)
	inst, err := site.InstallApp(context.Background(), app.baseURL())
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, clock: clk, sim: sim, srv: srv, site: site, app: app, inst: inst}
}

// call sends a REST request signed as the installed app; path is relative
// to the site base URL (e.g. "/rest/api/3/myself").
func (e *env) call(method, path string, body any) (int, []byte, http.Header) {
	e.t.Helper()
	return e.callWith(method, path, body, func(u *url.URL) string {
		tok, err := connect.SignRequest(e.inst.SharedSecret, e.inst.AppKey, "", method, u, e.site.ContextPath(), e.clock.Now(), 3*time.Minute)
		if err != nil {
			e.t.Fatal(err)
		}
		return "JWT " + tok
	})
}

func (e *env) callWith(method, path string, body any, auth func(*url.URL) string) (int, []byte, http.Header) {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, _ := json.Marshal(b)
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, e.site.BaseURL()+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if a := auth(req.URL); a != "" {
		req.Header.Set("Authorization", a)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out, resp.Header
}

// mustCall is call that fails the test on an unexpected status and
// decodes the body into out (when non-nil).
func (e *env) mustCall(method, path string, body any, want int, out any) {
	e.t.Helper()
	status, raw, _ := e.call(method, path, body)
	if status != want {
		e.t.Fatalf("%s %s: status %d, want %d: %s", method, path, status, want, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			e.t.Fatalf("%s %s: decoding %s: %v", method, path, raw, err)
		}
	}
}

func (e *env) flush() {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := e.sim.Flush(ctx); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) issue(spec IssueSpec) string {
	e.t.Helper()
	if spec.Project == "" {
		spec.Project = "WORK"
	}
	if spec.Summary == "" {
		spec.Summary = "Some work"
	}
	key, err := e.site.CreateIssue(spec)
	if err != nil {
		e.t.Fatal(err)
	}
	return key
}

func adfDoc(text string) map[string]any {
	return map[string]any{"type": "doc", "version": 1, "content": []any{
		map[string]any{"type": "paragraph", "content": []any{map[string]any{"type": "text", "text": text}}}}}
}

func signedAuth(e *env, method string, req *http.Request) string {
	tok, err := connect.SignRequest(e.inst.SharedSecret, e.inst.AppKey, "", method, req.URL, e.site.ContextPath(), e.clock.Now(), 3*time.Minute)
	if err != nil {
		e.t.Fatal(err)
	}
	return "JWT " + tok
}

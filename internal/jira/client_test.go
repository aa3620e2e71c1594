package jira

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/jirasim/contract"
	"github.com/remitapp/remit/internal/remit"
)

// fakeSite is a small Jira stand-in under a context path that verifies
// every request's JWT like Jira does and serves canned routes.
type fakeSite struct {
	t      *testing.T
	clock  *fakeClock
	mu     sync.Mutex
	routes map[string]func(w http.ResponseWriter, r *http.Request) // "METHOD /path" without context path
	calls  map[string]int
	srv    *httptest.Server
}

const sitePath = "/jira/acme"

func newFakeSite(t *testing.T, clock *fakeClock) *fakeSite {
	s := &fakeSite{t: t, clock: clock, routes: map[string]func(http.ResponseWriter, *http.Request){}, calls: map[string]int{}}
	s.srv = httptest.NewServer(s)
	t.Cleanup(s.srv.Close)
	return s
}

func (s *fakeSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if _, err := verifyJira(r, s.clock.Now, sitePath); err != nil {
		s.t.Errorf("%s %s: %v", r.Method, r.URL, err)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	// Every request the client sends must be one Jira documents.
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	if err := contract.MustLoad(s.t).Check(contract.Exchange{Method: r.Method, Path: strings.TrimPrefix(r.URL.Path, sitePath),
		Query: r.URL.RawQuery, RequestType: r.Header.Get("Content-Type"), RequestBody: body}); err != nil {
		s.t.Errorf("the client sent a request off Jira's contract: %v", err)
	}
	route := r.Method + " " + strings.TrimPrefix(r.URL.Path, sitePath)
	s.mu.Lock()
	s.calls[route]++
	h := s.routes[route]
	s.mu.Unlock()
	if h == nil {
		writeJSON(w, 404, map[string]any{"errorMessages": []string{"No route " + route}, "errors": map[string]string{}})
		return
	}
	h(w, r)
}

func (s *fakeSite) handle(route string, h func(w http.ResponseWriter, r *http.Request)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.routes[route] = h
}

func (s *fakeSite) count(route string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[route]
}

func (s *fakeSite) baseURL() string { return s.srv.URL + sitePath }

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func newFactory(clock *fakeClock) *Factory {
	return &Factory{AppKey: testAppKey, Version: "test", Now: clock.Now, Sleep: clock.Sleep, MaxAttempts: 2}
}

func newClient(t *testing.T) (*Client, *fakeSite) {
	t.Helper()
	clock := newClock()
	site := newFakeSite(t, clock)
	c, err := newFactory(clock).Client(testTenant(site.baseURL()))
	if err != nil {
		t.Fatal(err)
	}
	return c, site
}

func TestClientTypedHelpers(t *testing.T) {
	t.Parallel()
	c, site := newClient(t)
	site.handle("GET /rest/api/3/myself", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"accountId": "app-user-1", "displayName": "Remit", "accountType": "app"})
	})
	site.handle("GET /rest/api/3/project/BILL", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"id": "10000", "key": "BILL", "name": "Billing"})
	})
	site.handle("GET /rest/api/3/issuetype/project", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("projectId") != "10000" {
			t.Errorf("projectId %q", r.URL.Query().Get("projectId"))
		}
		writeJSON(w, 200, []map[string]any{{"id": "1", "name": "Task"}, {"id": "2", "name": "Sub-task", "subtask": true}})
	})
	ctx := context.Background()

	me, err := c.Myself(ctx)
	if err != nil || me.AccountID != "app-user-1" {
		t.Fatalf("Myself = %+v, %v", me, err)
	}
	p, err := c.Project(ctx, "BILL")
	if err != nil || p.ID != "10000" || p.Name != "Billing" {
		t.Fatalf("Project = %+v, %v", p, err)
	}
	types, err := c.IssueTypesForProject(ctx, p.ID)
	if err != nil || len(types) != 2 || types[0].Name != "Task" || !types[1].Subtask {
		t.Fatalf("IssueTypesForProject = %+v, %v", types, err)
	}
	if _, err := c.IssueTypesForProject(ctx, "BILL"); !remit.IsKind(err, remit.Invalid) {
		t.Errorf("non-numeric project id: %v", err)
	}
}

func TestClientDoSendsQueryAndBody(t *testing.T) {
	t.Parallel()
	c, site := newClient(t)
	site.handle("POST /rest/api/3/issue/BILL-9/comment", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.URL.Query().Get("expand") != "renderedBody" || !strings.Contains(string(body), `"type":"doc"`) {
			t.Errorf("query %q body %s", r.URL.RawQuery, body)
		}
		if r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("content type %q", r.Header.Get("Content-Type"))
		}
		writeJSON(w, 201, map[string]any{"id": "30001"})
	})
	var out struct{ ID string }
	body := map[string]any{"body": map[string]any{"type": "doc", "version": 1, "content": []any{}}}
	resp, err := c.Do(context.Background(), "POST", "/rest/api/3/issue/BILL-9/comment", url.Values{"expand": {"renderedBody"}}, body, &out)
	if err != nil || resp.StatusCode != 201 || out.ID != "30001" {
		t.Fatalf("resp %v out %+v err %v", resp, out, err)
	}
}

func TestClientRawGoesThroughOurTransports(t *testing.T) {
	t.Parallel()
	c, site := newClient(t)
	site.handle("GET /rest/api/2/issue/BILL-1", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"id": "10001", "key": "BILL-1", "fields": map[string]any{"summary": "Invoice"}})
	})
	issue, resp, err := c.Raw().Issue.GetWithContext(context.Background(), "BILL-1", nil)
	if err := c.Classify("test", resp, err); err != nil {
		t.Fatal(err)
	}
	if issue.Key != "BILL-1" || issue.Fields.Summary != "Invoice" {
		t.Errorf("issue %+v", issue)
	}
	_, resp, err = c.Raw().Issue.GetWithContext(context.Background(), "BILL-404", nil)
	cerr := c.Classify("test", resp, err)
	apiErr, ok := AsAPIError(cerr)
	if !remit.IsKind(cerr, remit.NotFound) || !ok || len(apiErr.Messages) != 1 {
		t.Errorf("Classify = %v (api %+v)", cerr, apiErr)
	}
}

func TestClientErrorMapping(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		code     int
		body     string
		header   [2]string
		kind     remit.Kind
		messages []string
		fields   map[string]string
	}{
		{"400 with fields", 400, `{"errorMessages":["Bad JQL"],"errors":{"jql":"Field 'x' does not exist"}}`, [2]string{}, remit.Invalid,
			[]string{"Bad JQL"}, map[string]string{"jql": "Field 'x' does not exist"}},
		{"401", 401, `{"errorMessages":["Unauthorized"]}`, [2]string{}, remit.Forbidden, []string{"Unauthorized"}, nil},
		{"403", 403, `{"errorMessages":["Forbidden"],"errors":{}}`, [2]string{}, remit.Forbidden, []string{"Forbidden"}, nil},
		{"404", 404, `{"errorMessages":["Issue does not exist"],"errors":{}}`, [2]string{}, remit.NotFound, []string{"Issue does not exist"}, nil},
		{"409", 409, `{"errorMessages":["Conflict"]}`, [2]string{}, remit.Conflict, []string{"Conflict"}, nil},
		{"413", 413, `{"errorMessages":["Too many comments"]}`, [2]string{}, remit.Unprocessable, []string{"Too many comments"}, nil},
		{"429 after retries", 429, `{"errorMessages":["Rate limit"]}`, [2]string{"Retry-After", "1"}, remit.Unavailable, []string{"Rate limit"}, nil},
		{"502 html", 502, `<html>Bad gateway</html>`, [2]string{}, remit.Unavailable, nil, nil},
		{"503", 503, ``, [2]string{}, remit.Unavailable, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, site := newClient(t)
			site.handle("GET /rest/api/3/issue/BILL-1", func(w http.ResponseWriter, r *http.Request) {
				if tc.header[0] != "" {
					w.Header().Set(tc.header[0], tc.header[1])
				}
				w.WriteHeader(tc.code)
				io.WriteString(w, tc.body)
			})
			resp, err := c.Do(context.Background(), "GET", "/rest/api/3/issue/BILL-1", nil, nil, nil)
			if resp == nil || resp.StatusCode != tc.code {
				t.Fatalf("resp %v", resp)
			}
			if k := remit.KindOf(err); k != tc.kind {
				t.Errorf("kind %v, want %v (%v)", k, tc.kind, err)
			}
			apiErr, ok := AsAPIError(err)
			if !ok || apiErr.Status != tc.code {
				t.Fatalf("APIError %+v", apiErr)
			}
			if strings.Join(apiErr.Messages, "|") != strings.Join(tc.messages, "|") || len(apiErr.Fields) != len(tc.fields) {
				t.Errorf("messages %q fields %v", apiErr.Messages, apiErr.Fields)
			}
			for k, v := range tc.fields {
				if apiErr.Fields[k] != v {
					t.Errorf("field %s = %q", k, apiErr.Fields[k])
				}
			}
			if tc.header[0] == "Retry-After" && apiErr.RetryAfter != time.Second {
				t.Errorf("RetryAfter %v", apiErr.RetryAfter)
			}
		})
	}
}

func TestClientLostWriteIsUncertainAndUnavailable(t *testing.T) {
	t.Parallel()
	c, site := newClient(t)
	site.handle("POST /rest/api/3/issue", hangUp)
	_, err := c.Do(context.Background(), "POST", "/rest/api/3/issue", nil, map[string]any{"fields": map[string]any{}}, nil)
	var ue *UncertainError
	if !errors.As(err, &ue) || !remit.IsKind(err, remit.Unavailable) {
		t.Fatalf("err %v", err)
	}
	if n := site.count("POST /rest/api/3/issue"); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestFactoryRefusesInactiveTenants(t *testing.T) {
	t.Parallel()
	f := newFactory(newClock())
	base := testTenant("https://acme.atlassian.net")
	uninstalled := base
	uninstalled.State = remit.TenantUninstalled
	disabled := base
	disabled.Enabled = false
	noSecret := base
	noSecret.SharedSecret = ""
	badURL := base
	badURL.BaseURL = "ftp://acme"
	tests := []struct {
		name string
		t    remit.Tenant
		kind remit.Kind
	}{
		{"uninstalled", uninstalled, remit.Conflict},
		{"disabled", disabled, remit.Conflict},
		{"no secret", noSecret, remit.Invalid},
		{"bad url", badURL, remit.Invalid},
	}
	for _, tc := range tests {
		if _, err := f.For(tc.t); !remit.IsKind(err, tc.kind) {
			t.Errorf("%s: err %v, want %v", tc.name, err, tc.kind)
		}
	}
	if _, err := f.For(base); err != nil {
		t.Errorf("active tenant: %v", err)
	}
}

func TestFactorySharesPacerPerTenant(t *testing.T) {
	t.Parallel()
	f := newFactory(newClock())
	a1, a2, b := f.pacer("a"), f.pacer("a"), f.pacer("b")
	if a1 != a2 || a1 == b {
		t.Error("pacers not shared per tenant")
	}
}

package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/remitapp/remit/internal/connect"
	"github.com/remitapp/remit/internal/remit"
)

// tenantMap looks tenants up by clientKey for the verifier.
type tenantMap map[string]remit.Tenant

func (m tenantMap) TenantByClientKey(_ context.Context, ck string) (remit.Tenant, error) {
	t, ok := m[ck]
	if !ok {
		return remit.Tenant{}, remit.Errorf(remit.NotFound, "test", "no tenant")
	}
	return t, nil
}

// clock is a settable time shared by the server and the test.
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

// edgeFixture is the HTTP edge with two installed tenants, a settable
// clock and its log captured.
type edgeFixture struct {
	srv     *Server
	http    *httptest.Server
	clock   *clock
	tenants tenantMap
	logs    *syncBuffer
	reg     *prometheus.Registry
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// newEdgeFixture builds the server; adjust may change Deps first and
// register extra test routes through the returned Server before serving.
func newEdgeFixture(t *testing.T, adjust func(*Deps), routes func(*Server)) *edgeFixture {
	t.Helper()
	f := &edgeFixture{
		clock: &clock{t: time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)},
		tenants: tenantMap{
			"ck-a": {ClientKey: "ck-a", SharedSecret: "secret-a-secret-a-secret-a-0001", BaseURL: "https://a.atlassian.net", State: remit.TenantInstalled, Enabled: true},
			"ck-b": {ClientKey: "ck-b", SharedSecret: "secret-b-secret-b-secret-b-0002", BaseURL: "https://b.atlassian.net", State: remit.TenantInstalled, Enabled: true},
		},
		logs: &syncBuffer{},
		reg:  prometheus.NewRegistry(),
	}
	base, _ := url.Parse("http://remit.test")
	deps := Deps{
		Logger:   slog.New(slog.NewJSONHandler(f.logs, nil)),
		Now:      f.clock.Now,
		BaseURL:  base,
		Requests: &connect.Verifier{Tenants: f.tenants, Now: f.clock.Now},
		Registry: f.reg,
	}
	if adjust != nil {
		adjust(&deps)
	}
	f.srv = New(deps)
	if routes != nil {
		routes(f.srv)
	}
	f.http = httptest.NewServer(f.srv.Handler())
	t.Cleanup(f.http.Close)
	return f
}

// api calls GET /api/v1{path} as a user of tenant ck.
func (f *edgeFixture) api(t *testing.T, ck, path string) (*http.Response, []byte) {
	t.Helper()
	tn := f.tenants[ck]
	tok, err := connect.SignContext(tn.SharedSecret, tn.ClientKey, "user-1", f.clock.Now(), 5*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, f.http.URL+"/api/v1"+path, nil)
	req.Header.Set("Authorization", "JWT "+tok)
	return f.do(t, req)
}

func (f *edgeFixture) do(t *testing.T, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// problemOf decodes a problem document and checks its content type.
func problemOf(t *testing.T, resp *http.Response, body []byte) Problem {
	t.Helper()
	if ct := resp.Header.Get("Content-Type"); ct != problemContentType {
		t.Fatalf("content type %q, want %s; body %s", ct, problemContentType, body)
	}
	var p Problem
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("problem document: %v: %s", err, body)
	}
	return p
}

// metricSum adds up every sample of the counter or histogram count name.
func metricSum(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			switch {
			case m.GetCounter() != nil:
				sum += m.GetCounter().GetValue()
			case m.GetHistogram() != nil:
				sum += float64(m.GetHistogram().GetSampleCount())
			}
		}
	}
	return sum
}

package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/remitapp/remit/internal/connect"
	"github.com/remitapp/remit/internal/remit"
)

func TestPanicBecomesProblemDocument(t *testing.T) {
	f := newEdgeFixture(t, nil, func(s *Server) {
		s.echo.GET("/test/panic", func(echo.Context) error { panic("boom: the invoice total is negative") })
	})
	req, _ := http.NewRequest(http.MethodGet, f.http.URL+"/test/panic", nil)
	resp, body := f.do(t, req)
	if resp.StatusCode != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500: %s", resp.StatusCode, body)
	}
	p := problemOf(t, resp, body)
	if p.Status != 500 || p.Detail != "internal error" || p.Instance != "/test/panic" {
		t.Errorf("problem %+v", p)
	}
	if strings.Contains(string(body), "boom") || strings.Contains(string(body), "goroutine") {
		t.Errorf("the panic leaked to the caller: %s", body)
	}
	if resp.Header.Get(headerReqID) == "" {
		t.Error("no request id on the answer")
	}
	logs := f.logs.String()
	if !strings.Contains(logs, "boom: the invoice total is negative") || !strings.Contains(logs, resp.Header.Get(headerReqID)) {
		t.Errorf("the panic and its request id are not logged:\n%s", logs)
	}
	// The process is still serving.
	req, _ = http.NewRequest(http.MethodGet, f.http.URL+"/healthz", nil)
	if resp, _ := f.do(t, req); resp.StatusCode != http.StatusOK {
		t.Fatalf("after the panic /healthz answers %d", resp.StatusCode)
	}
}

func TestPanicInsideAPIGroupBecomesProblemDocument(t *testing.T) {
	f := newEdgeFixture(t, nil, func(s *Server) {
		g := s.echo.Group("/api/v1/test", s.requireToken(connect.ContextToken))
		g.GET("/panic", func(c echo.Context) error { var xs []int; return c.String(200, strconv.Itoa(xs[len(c.Path())])) })
	})
	resp, body := f.api(t, "ck-a", "/test/panic")
	if p := problemOf(t, resp, body); p.Status != 500 || p.Detail != "internal error" {
		t.Fatalf("problem %+v", p)
	}
	if !strings.Contains(f.logs.String(), `"client_key":"ck-a"`) {
		t.Errorf("the failure is not logged with its tenant:\n%s", f.logs.String())
	}
}

func TestWithDeadline(t *testing.T) {
	tests := []struct {
		name       string
		handler    echo.HandlerFunc
		wantStatus int
		wantDetail string
	}{
		{"handler sees the deadline and gives up: 503", func(c echo.Context) error {
			<-c.Request().Context().Done()
			return c.Request().Context().Err()
		}, http.StatusServiceUnavailable, "request took longer than 50ms; try again"},
		{"a domain error after the deadline keeps its kind", func(c echo.Context) error {
			<-c.Request().Context().Done()
			return remit.Errorf(remit.NotFound, "test", "no such invoice")
		}, http.StatusNotFound, "no such invoice"},
		{"fast handler is untouched", func(c echo.Context) error {
			if _, ok := c.Request().Context().Deadline(); !ok {
				return remit.Errorf(remit.Invalid, "test", "no deadline on the context")
			}
			return c.NoContent(http.StatusNoContent)
		}, http.StatusNoContent, ""},
		{"a failure before the deadline stays internal", func(echo.Context) error {
			return context.Canceled
		}, http.StatusInternalServerError, "internal error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newEdgeFixture(t, nil, func(s *Server) {
				s.echo.GET("/test/slow", tt.handler, withDeadline(50*time.Millisecond))
			})
			req, _ := http.NewRequest(http.MethodGet, f.http.URL+"/test/slow", nil)
			start := time.Now()
			resp, body := f.do(t, req)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.wantStatus, body)
			}
			if time.Since(start) > 5*time.Second {
				t.Fatal("the deadline did not cut the request short")
			}
			if tt.wantDetail != "" {
				if p := problemOf(t, resp, body); p.Detail != tt.wantDetail {
					t.Errorf("detail %q, want %q", p.Detail, tt.wantDetail)
				}
			}
		})
	}
}

// deadlineRecorder is a tenant lookup and webhook intake that note how
// much time the request's context had left when they were called.
type deadlineRecorder struct {
	tenantMap
	lookup, accept time.Duration
}

func (r *deadlineRecorder) TenantByClientKey(ctx context.Context, ck string) (remit.Tenant, error) {
	if dl, ok := ctx.Deadline(); ok {
		r.lookup = time.Until(dl)
	}
	return r.tenantMap.TenantByClientKey(ctx, ck)
}

func (r *deadlineRecorder) Accept(ctx context.Context, _, _, _ string, _ []byte) (bool, error) {
	if dl, ok := ctx.Deadline(); ok {
		r.accept = time.Until(dl)
	}
	return true, nil
}

func TestRouteGroupsCarryDeadlines(t *testing.T) {
	rec := &deadlineRecorder{}
	f := newEdgeFixture(t, func(d *Deps) {
		d.APITimeout, d.WebhookTimeout = 7*time.Second, 3*time.Second
		rec.tenantMap = d.Requests.Tenants.(tenantMap)
		d.Requests.Tenants = rec
		d.Webhooks = rec
	}, nil)
	if resp, body := f.api(t, "ck-a", "/me"); resp.StatusCode != http.StatusOK {
		t.Fatalf("api: %d %s", resp.StatusCode, body)
	}
	if rec.lookup <= 6*time.Second || rec.lookup > 7*time.Second {
		t.Errorf("API request context had %v left at the tenant lookup, want just under 7s", rec.lookup)
	}

	tn := f.tenants["ck-a"]
	u, _ := url.Parse(f.http.URL + "/webhooks/jira")
	tok, err := connect.SignRequest(tn.SharedSecret, tn.ClientKey, "", http.MethodPost, u, "", f.clock.Now(), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, u.String(), strings.NewReader(`{"webhookEvent":"jira:issue_updated","timestamp":1}`))
	req.Header.Set("Authorization", "JWT "+tok)
	req.Header.Set("X-Atlassian-Webhook-Identifier", "wh-1")
	if resp, body := f.do(t, req); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("webhook: %d %s", resp.StatusCode, body)
	}
	if rec.accept <= 2*time.Second || rec.accept > 3*time.Second {
		t.Errorf("webhook intake had %v left, want just under 3s", rec.accept)
	}
}

func TestDeadlineDefaults(t *testing.T) {
	s := New(Deps{Registry: prometheus.NewRegistry(), Logger: slog.New(slog.DiscardHandler)})
	if s.deps.APITimeout != DefaultAPITimeout || s.deps.WebhookTimeout != DefaultWebhookTimeout {
		t.Errorf("defaults: api %v webhook %v", s.deps.APITimeout, s.deps.WebhookTimeout)
	}
}

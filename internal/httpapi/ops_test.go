package httpapi

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestOpsEndpointsOffThePublicPort: /metrics and /readyz are served only
// by the ops handler; the public one answers 404 for them and keeps only
// the liveness /healthz.
func TestOpsEndpointsOffThePublicPort(t *testing.T) {
	ready := errors.New("migrations pending: at 3 of 4")
	f := newEdgeFixture(t, func(d *Deps) {
		d.Ready = func(context.Context) error { return ready }
	}, nil)
	ops := httptest.NewServer(f.srv.OpsHandler())
	t.Cleanup(ops.Close)
	get := func(base, path string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		resp, body := f.do(t, req)
		return resp.StatusCode, string(body)
	}

	for _, path := range []string{"/metrics", "/readyz"} {
		if code, body := get(f.http.URL, path); code != http.StatusNotFound || strings.Contains(body, "remit_") || strings.Contains(body, "migrations") {
			t.Errorf("public %s: %d %s", path, code, body)
		}
	}
	if code, _ := get(f.http.URL, "/healthz"); code != http.StatusOK {
		t.Errorf("public /healthz: %d", code)
	}

	if code, body := get(ops.URL, "/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "migrations pending") {
		t.Errorf("ops /readyz while not ready: %d %s", code, body)
	}
	ready = nil
	if code, _ := get(ops.URL, "/readyz"); code != http.StatusOK {
		t.Errorf("ops /readyz: %d", code)
	}
	if code, _ := get(ops.URL, "/healthz"); code != http.StatusOK {
		t.Errorf("ops /healthz: %d", code)
	}
	code, body := get(ops.URL, "/metrics")
	if code != http.StatusOK || !strings.Contains(body, `remit_http_request_duration_seconds_count{method="GET",route="/healthz",status="200"}`) {
		t.Errorf("ops /metrics: %d\n%s", code, body)
	}
	// The public port's refusals are counted under their real route only.
	if strings.Contains(body, `route="/metrics"`) {
		t.Errorf("a public request for /metrics was counted as that route:\n%s", body)
	}
}

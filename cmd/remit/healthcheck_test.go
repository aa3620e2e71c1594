package main

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestHealthcheck(t *testing.T) {
	status := http.StatusOK
	var slow bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		if slow {
			time.Sleep(3 * time.Second)
		}
		w.WriteHeader(status)
	}))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	ctx := context.Background()

	if err := healthcheck(ctx, ":"+port); err != nil {
		t.Fatalf("healthy server: %v", err)
	}
	if err := healthcheck(ctx, "0.0.0.0:"+port); err != nil {
		t.Fatalf("REMIT_LISTEN with a host: %v", err)
	}
	status = http.StatusServiceUnavailable
	if err := healthcheck(ctx, ":"+port); err == nil || !strings.Contains(err.Error(), "503") {
		t.Fatalf("unhealthy server: %v", err)
	}
	status, slow = http.StatusOK, true
	start := time.Now()
	if err := healthcheck(ctx, ":"+port); err == nil || time.Since(start) > 2500*time.Millisecond {
		t.Fatalf("slow server: %v after %v, want an error within 2 s", err, time.Since(start))
	}
	if err := healthcheck(ctx, "nonsense"); err == nil {
		t.Fatal("a REMIT_LISTEN without a port passed")
	}
	closed := httptest.NewServer(http.NotFoundHandler())
	_, gone, _ := net.SplitHostPort(closed.Listener.Addr().String())
	closed.Close()
	if err := healthcheck(ctx, ":"+gone); err == nil {
		t.Fatal("nothing listening, yet healthy")
	}
}

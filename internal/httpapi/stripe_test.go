package httpapi

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/remitapp/remit/internal/stripepay"
)

// TestStripeRouteOnlyWithStripe: without card payments there is no
// Stripe route; with them, a delivery whose signature does not verify is
// a 400 problem, answered before anything is read or stored.
func TestStripeRouteOnlyWithStripe(t *testing.T) {
	t.Parallel()
	logger := slog.New(slog.DiscardHandler)
	mounted := func(s *Server) bool {
		for _, r := range s.echo.Routes() {
			if r.Method == http.MethodPost && r.Path == "/webhooks/stripe" {
				return true
			}
		}
		return false
	}
	if off := New(Deps{Registry: prometheus.NewRegistry(), Logger: logger}); mounted(off) {
		t.Fatal("the Stripe route is mounted without Stripe")
	}
	now := (&clock{t: time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC)}).Now
	pay, err := stripepay.New(stripepay.Config{SecretKey: "sk_test_x", WebhookSecret: "whsec_x"}, nil, nil, now, logger)
	if err != nil {
		t.Fatal(err)
	}
	on := New(Deps{Registry: prometheus.NewRegistry(), Logger: logger, Now: now, Stripe: pay})
	if !mounted(on) {
		t.Fatal("the Stripe route is not mounted")
	}
	req := httptest.NewRequest(http.MethodPost, "/webhooks/stripe", strings.NewReader(`{"id":"evt_1"}`))
	req.Header.Set("Stripe-Signature", "t=1794819600,v1="+strings.Repeat("00", 32))
	rec := httptest.NewRecorder()
	on.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusBadRequest || rec.Header().Get("Content-Type") != problemContentType ||
		!strings.Contains(rec.Body.String(), "Stripe-Signature") {
		t.Fatalf("forged delivery: %d %s %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
}

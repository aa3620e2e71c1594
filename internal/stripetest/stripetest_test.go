package stripetest

import (
	"os"
	"regexp"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v82/webhook"
)

// TestMockVersionIsPinned keeps the cached binary's name true to go.mod.
func TestMockVersionIsPinned(t *testing.T) {
	b, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`github.com/stripe/stripe-mock (v\S+)`).FindSubmatch(b)
	if m == nil || string(m[1]) != MockVersion {
		t.Fatalf("go.mod pins stripe-mock %q, MockVersion is %q", m, MockVersion)
	}
}

// TestSignVerifies holds Sign to the library's verification: the header
// verifies with the secret and time, and not with another secret or
// once the body changes.
func TestSignVerifies(t *testing.T) {
	at := time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC)
	body := Event("evt_1", "payment_intent.succeeded", at, PaymentIntentSucceeded("pi_1", 100, "eur", nil))
	h := Sign(body, "whsec_a", at)
	if err := webhook.ValidatePayloadIgnoringTolerance(body, h, "whsec_a"); err != nil {
		t.Fatal(err)
	}
	if webhook.ValidatePayloadIgnoringTolerance(body, h, "whsec_b") == nil {
		t.Fatal("another secret verified")
	}
	if webhook.ValidatePayloadIgnoringTolerance(append(body, ' '), h, "whsec_a") == nil {
		t.Fatal("a changed body verified")
	}
	if want := "t=1794819600,v1="; h[:len(want)] != want {
		t.Fatalf("header %q, want it to start %q", h, want)
	}
}

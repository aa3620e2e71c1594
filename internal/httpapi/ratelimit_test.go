package httpapi

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestTenantBuckets(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	type step struct {
		at        time.Duration // since start
		key       string
		ok        bool
		waitUnder time.Duration // when refused: retryAfter must be in (0, waitUnder]
	}
	tests := []struct {
		name  string
		limit RateLimit
		steps []step
	}{
		{"burst then refused", RateLimit{PerSecond: 1, Burst: 2}, []step{
			{0, "a", true, 0}, {0, "a", true, 0}, {0, "a", false, time.Second},
		}},
		{"refill after one token's time", RateLimit{PerSecond: 2, Burst: 1}, []step{
			{0, "a", true, 0}, {0, "a", false, 500 * time.Millisecond},
			{499 * time.Millisecond, "a", false, time.Millisecond},
			{500 * time.Millisecond, "a", true, 0},
		}},
		{"tenants do not share a bucket", RateLimit{PerSecond: 1, Burst: 1}, []step{
			{0, "a", true, 0}, {0, "a", false, time.Second}, {0, "b", true, 0}, {0, "b", false, time.Second},
		}},
		{"refused requests spend nothing", RateLimit{PerSecond: 10, Burst: 1}, []step{
			{0, "a", true, 0}, {0, "a", false, 100 * time.Millisecond}, {0, "a", false, 100 * time.Millisecond},
			{50 * time.Millisecond, "a", false, 50 * time.Millisecond},
			{100 * time.Millisecond, "a", true, 0},
		}},
		{"defaults: 40 at once, the 41st waits 50 ms", RateLimit{}, append(
			repeatStep(step{0, "a", true, 0}, 40),
			step{0, "a", false, 50 * time.Millisecond},
			step{50 * time.Millisecond, "a", true, 0},
		)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := start
			b := newTenantBuckets(tt.limit.withDefaults(), func() time.Time { return now })
			for i, s := range tt.steps {
				now = start.Add(s.at)
				ok, wait := b.take(s.key)
				if ok != s.ok {
					t.Fatalf("step %d (%s at %v): ok = %v, want %v", i, s.key, s.at, ok, s.ok)
				}
				if !ok && (wait <= 0 || wait > s.waitUnder) {
					t.Fatalf("step %d: retry after %v, want in (0, %v]", i, wait, s.waitUnder)
				}
			}
		})
	}
}

func repeatStep[T any](s T, n int) []T {
	out := make([]T, n)
	for i := range out {
		out[i] = s
	}
	return out
}

func TestTenantBucketsForgetIdleTenants(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	b := newTenantBuckets(RateLimit{PerSecond: 20, Burst: 40}, func() time.Time { return now })
	for i := range 1000 {
		b.take(fmt.Sprintf("tenant-%d", i))
	}
	if n := b.size(); n != 1000 {
		t.Fatalf("%d buckets, want 1000", n)
	}
	now = now.Add(2 * time.Minute)
	b.take("tenant-new")
	if n := b.size(); n != 1 {
		t.Fatalf("after two idle minutes %d buckets are kept, want only the new one", n)
	}
}

func TestAPIRateLimitPerTenant(t *testing.T) {
	f := newEdgeFixture(t, func(d *Deps) { d.RateLimit = RateLimit{PerSecond: 2, Burst: 3} }, nil)
	for i := range 3 {
		if resp, body := f.api(t, "ck-a", "/me"); resp.StatusCode != http.StatusOK {
			t.Fatalf("call %d: status %d: %s", i, resp.StatusCode, body)
		}
	}
	resp, body := f.api(t, "ck-a", "/me")
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("4th call in the same instant: status %d, want 429: %s", resp.StatusCode, body)
	}
	if ra := resp.Header.Get("Retry-After"); ra != "1" {
		t.Errorf("Retry-After %q, want 1 (0.5 s rounded up to whole seconds)", ra)
	}
	p := problemOf(t, resp, body)
	if p.Status != http.StatusTooManyRequests || p.Title != "Too Many Requests" || !strings.Contains(p.Detail, "Retry-After") || p.Instance != "/api/v1/me" {
		t.Errorf("problem %+v", p)
	}
	// Another tenant is not held back by the first one's traffic.
	if resp, body := f.api(t, "ck-b", "/me"); resp.StatusCode != http.StatusOK {
		t.Fatalf("other tenant: status %d: %s", resp.StatusCode, body)
	}
	// Half a second later one token is back, and only one.
	f.clock.Add(500 * time.Millisecond)
	if resp, _ := f.api(t, "ck-a", "/me"); resp.StatusCode != http.StatusOK {
		t.Fatalf("after refill: status %d", resp.StatusCode)
	}
	if resp, _ := f.api(t, "ck-a", "/me"); resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("second call after one token's refill: status %d, want 429", resp.StatusCode)
	}
	if got := metricSum(t, f.reg, "remit_api_rate_limited_total"); got != 2 {
		t.Errorf("remit_api_rate_limited_total = %v, want 2", got)
	}
}

func TestAPIRateLimitDoesNotCountRefusedTokens(t *testing.T) {
	f := newEdgeFixture(t, func(d *Deps) { d.RateLimit = RateLimit{PerSecond: 1, Burst: 1} }, nil)
	req, _ := http.NewRequest(http.MethodGet, f.http.URL+"/api/v1/me", nil)
	req.Header.Set("Authorization", "JWT not-a-token")
	for range 5 {
		if resp, _ := f.do(t, req); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("bad token: status %d", resp.StatusCode)
		}
	}
	if resp, body := f.api(t, "ck-a", "/me"); resp.StatusCode != http.StatusOK {
		t.Fatalf("first verified call after refused ones: status %d: %s", resp.StatusCode, body)
	}
}

// TestServerWithForgeBuildsOneLimiter: with Forge on, the JSON API is
// mounted twice (/api/v1 and /forge/api/v1). Building the server must
// register the limiter's counter once; it used to panic at start with
// "duplicate metrics collector registration attempted".
func TestServerWithForgeBuildsOneLimiter(t *testing.T) {
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("building the server with Forge on panicked: %v", r)
		}
	}()
	f := newEdgeFixture(t, func(d *Deps) { d.RateLimit = RateLimit{PerSecond: 1, Burst: 1}; d.Forge = &ForgeEdge{} }, nil)
	if resp, body := f.api(t, "ck-a", "/me"); resp.StatusCode != http.StatusOK {
		t.Fatalf("first call: status %d: %s", resp.StatusCode, body)
	}
	if resp, _ := f.api(t, "ck-a", "/me"); resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("second call in the same instant: status %d, want 429", resp.StatusCode)
	}
}

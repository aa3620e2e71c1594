package httpapi

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/time/rate"
)

// Defaults of the per-tenant API limit: generous for a person clicking
// through Remit's pages (a page load makes a handful of calls), tight
// enough that one tenant's script cannot starve the others of database
// connections.
const (
	DefaultRatePerSecond = 20
	DefaultRateBurst     = 40
)

// RateLimit is the token bucket each tenant gets on the JSON API. Zero
// fields take the defaults.
type RateLimit struct {
	PerSecond float64 // tokens added per second
	Burst     int     // bucket size: requests allowed at once after a quiet spell
}

// withDefaults fills zero fields.
func (r RateLimit) withDefaults() RateLimit {
	if r.PerSecond <= 0 {
		r.PerSecond = DefaultRatePerSecond
	}
	if r.Burst <= 0 {
		r.Burst = DefaultRateBurst
	}
	return r
}

// tenantBuckets holds one token bucket per key: a clientKey on the JSON
// API, a page token or a client address on the customer page. Buckets
// idle long enough to be full again are dropped, so memory follows the
// keys active in the last minutes, not all keys ever seen.
type tenantBuckets struct {
	limit rate.Limit
	burst int
	now   func() time.Time
	idle  time.Duration // a bucket unused this long is full and can go

	mu        sync.Mutex
	buckets   map[string]*bucket
	lastSweep time.Time
}

type bucket struct {
	lim  *rate.Limiter
	used time.Time
}

func newTenantBuckets(r RateLimit, now func() time.Time) *tenantBuckets {
	fill := time.Duration(float64(r.Burst) / r.PerSecond * float64(time.Second))
	return &tenantBuckets{
		limit:   rate.Limit(r.PerSecond),
		burst:   r.Burst,
		now:     now,
		idle:    max(fill, time.Minute),
		buckets: map[string]*bucket{},
	}
}

// take spends one token of key's bucket. When the bucket is empty it
// spends nothing and says how long until a token is there.
func (t *tenantBuckets) take(key string) (ok bool, retryAfter time.Duration) {
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	if now.Sub(t.lastSweep) > t.idle {
		for k, b := range t.buckets {
			if now.Sub(b.used) > t.idle {
				delete(t.buckets, k)
			}
		}
		t.lastSweep = now
	}
	b := t.buckets[key]
	if b == nil {
		b = &bucket{lim: rate.NewLimiter(t.limit, t.burst)}
		t.buckets[key] = b
	}
	b.used = now
	r := b.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// size is how many buckets are held (for tests of the sweep).
func (t *tenantBuckets) size() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.buckets)
}

// rateLimit answers 429 with Retry-After (whole seconds, at least 1) once
// the tenant of the verified token has spent its bucket. It runs after
// requireToken: the bucket is the tenant's, whoever of its users calls.
// Build it once per Server: its counter is registered with the registry.
func (s *Server) rateLimit() echo.MiddlewareFunc {
	r := s.deps.RateLimit.withDefaults()
	buckets := newTenantBuckets(r, s.deps.Now)
	refused := prometheus.NewCounter(prometheus.CounterOpts{
		Name: "remit_api_rate_limited_total",
		Help: "API requests refused with 429 because the tenant spent its token bucket.",
	})
	s.deps.Registry.MustRegister(refused)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			ok, wait := buckets.take(clientKeyOf(c))
			if ok {
				return next(c)
			}
			refused.Inc()
			c.Response().Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(max(wait, time.Second).Seconds()))))
			return echo.NewHTTPError(http.StatusTooManyRequests,
				"too many requests for this Jira site; retry after the number of seconds in Retry-After")
		}
	}
}

package httpapi

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"log/slog"
	"sync"
	"time"

	"github.com/remitapp/remit/internal/store"
)

// The customer page's limits are shared by every replica: a flood spread
// over N replicas gets the limit once, not N times. Each limit is a fixed
// window of Burst requests per Burst/PerSecond (20 per 40 s per token, 60
// per minute per address by default): the token bucket's burst, and its
// rate over a window. One statement counts a request in both of its
// windows (store.DB.HitRateWindows); a bucket found spent is remembered
// until its window ends, so the rest of a flood is answered from memory
// without touching the database. Should the database fail, the request is
// counted in the process's own token buckets instead, as before the
// limits were shared.

// RateWindows counts hits in fixed windows shared by every replica
// (store.DB).
type RateWindows interface {
	HitRateWindows(ctx context.Context, hits []store.RateHit, prune bool, now time.Time) ([]int64, error)
}

// rateWindowsPrune is how often a process deletes the windows that ended
// (in the same statement as a request's count).
const rateWindowsPrune = time.Minute

// windowLimit is a limit as a fixed window: at most max hits per window.
type windowLimit struct {
	max    int64
	window time.Duration
}

// windowOf is r as a fixed window of r.Burst hits per r.Burst/r.PerSecond
// (at least a second).
func windowOf(r RateLimit) windowLimit {
	w := time.Duration(float64(r.Burst) / r.PerSecond * float64(time.Second))
	return windowLimit{max: int64(r.Burst), window: max(w.Truncate(time.Second), time.Second)}
}

// sharedLimit is one of the customer page's limits: its window, and the
// process's token buckets used when the database cannot count.
type sharedLimit struct {
	prefix string
	limit  windowLimit
	local  *tenantBuckets
}

func newSharedLimit(prefix string, r RateLimit, now func() time.Time) *sharedLimit {
	return &sharedLimit{prefix: prefix, limit: windowOf(r), local: newTenantBuckets(r, now)}
}

// sharedLimiter counts requests in shared windows.
type sharedLimiter struct {
	counts RateWindows // nil = the process's buckets only
	now    func() time.Time
	logger *slog.Logger

	mu        sync.Mutex
	spent     map[string]time.Time // bucket → end of the window it is spent in
	lastPrune time.Time
}

// limitHit is one limit a request is counted in, under its key.
type limitHit struct {
	limit *sharedLimit
	key   string
}

// bucket is the stored name of a key's bucket: hashed, so that neither
// page tokens (credentials) nor client addresses are written down.
func (h limitHit) bucket() string {
	sum := sha256.Sum256([]byte(h.key))
	return h.limit.prefix + base64.RawURLEncoding.EncodeToString(sum[:16])
}

// take counts one request in each of its limits. It refuses, with the
// time until the first spent window ends, when a limit is spent.
func (l *sharedLimiter) take(ctx context.Context, hits ...limitHit) (ok bool, retryAfter time.Duration) {
	now := l.now()
	buckets := make([]string, len(hits))
	for i, h := range hits {
		buckets[i] = h.bucket()
	}
	l.mu.Lock()
	for _, b := range buckets {
		if end, spent := l.spent[b]; spent && now.Before(end) {
			l.mu.Unlock()
			return false, end.Sub(now)
		}
	}
	prune := now.Sub(l.lastPrune) >= rateWindowsPrune
	if prune {
		l.lastPrune = now
		for b, end := range l.spent {
			if !now.Before(end) {
				delete(l.spent, b)
			}
		}
	}
	l.mu.Unlock()
	if l.counts == nil {
		return takeLocal(hits)
	}
	rh := make([]store.RateHit, len(hits))
	for i, h := range hits {
		start := now.Truncate(h.limit.limit.window)
		rh[i] = store.RateHit{Bucket: buckets[i], WindowStart: start, WindowEnd: start.Add(h.limit.limit.window)}
	}
	counts, err := l.counts.HitRateWindows(ctx, rh, prune, now)
	if err != nil {
		if l.logger != nil {
			l.logger.WarnContext(ctx, "shared rate limit unavailable; counting in this process", slog.String("error", err.Error()))
		}
		return takeLocal(hits)
	}
	ok = true
	for i, n := range counts {
		if n <= hits[i].limit.limit.max {
			continue
		}
		l.mu.Lock()
		l.spent[buckets[i]] = rh[i].WindowEnd
		l.mu.Unlock()
		if wait := rh[i].WindowEnd.Sub(now); ok || wait < retryAfter {
			retryAfter = wait
		}
		ok = false
	}
	return ok, retryAfter
}

// takeLocal counts the request in the process's buckets, in order,
// stopping at the first spent one.
func takeLocal(hits []limitHit) (bool, time.Duration) {
	for _, h := range hits {
		if ok, wait := h.limit.local.take(h.key); !ok {
			return false, wait
		}
	}
	return true, 0
}

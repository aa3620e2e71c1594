package jira

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Default pacing once Jira says a tenant is close to its rate limit.
const (
	DefaultPaceInterval = 250 * time.Millisecond
	DefaultPaceWindow   = 30 * time.Second
)

// Pacer spaces out the requests of one tenant. It is shared by every
// client of that tenant so that concurrent jobs slow down together:
// after X-RateLimit-NearLimit it lets at most one request start per
// Interval for Window, and after a 429 with Retry-After it holds every
// request until the time Jira named. With a Rate it also keeps the
// tenant within a request budget of its own (a token bucket of Rate
// requests a second and Burst at once), below Jira's points-based
// per-tenant quota, so that one tenant's backlog spends its own budget
// and never another's. The zero value is ready to use (no budget).
type Pacer struct {
	Interval time.Duration // gap between request starts while slowed; 0 means DefaultPaceInterval
	Window   time.Duration // how long one near-limit signal slows us; 0 means DefaultPaceWindow
	Rate     float64       // the tenant's sustained budget in requests a second; 0 means none
	Burst    int           // requests the budget allows at once; 0 means DefaultTenantBurst
	// Clock is the budget's clock; nil means time.Now. The budget counts
	// physical time, not Remit's (possibly shifted or, in tests, frozen)
	// business clock that Retry-After dates are read with.
	Clock func() time.Time
	// Shared, when set, holds the budget for every replica of Remit, so
	// that Rate and Burst are the tenant's total, not each process's:
	// the Pacer claims Slice requests of it at a time (one database
	// round trip) and spends them from memory. When a claim fails the
	// request spends this process's own budget, as without Shared.
	Shared    SharedBudget
	ClientKey string       // the tenant whose budget Shared holds
	Slice     int          // requests claimed at a time; 0 means DefaultBudgetSlice, never more than Burst
	Logger    *slog.Logger // told when a claim fails; nil means none

	mu        sync.Mutex
	slowUntil time.Time
	holdUntil time.Time
	next      time.Time // earliest start of the next request while slowed
	tat       time.Time // budget: when the bucket is full again (GCRA's theoretical arrival time)
	leased    int       // requests of the claimed slice not spent yet; tat is then the slice's next one's
	claimWait time.Time // after a failed claim, when to try the shared budget again
}

// SharedBudget is each tenant's request budget in one place for every
// replica (store.DB.ClaimJiraBudget): a claim moves the tenant's
// theoretical arrival time on by slice, from now when it lies in the
// past, and returns the time after the slice.
type SharedBudget interface {
	ClaimJiraBudget(ctx context.Context, clientKey string, slice time.Duration, now time.Time) (time.Time, error)
}

// DefaultBudgetSlice is how many requests of the shared budget a Pacer
// claims at a time: one database round trip per ten Jira requests. A
// replica may hold a slice it has not spent yet, so the replicas
// together may exceed the burst by at most a slice each, never the rate.
const DefaultBudgetSlice = 10

// claimRetry is how long a Pacer spends its own budget after a failed
// claim before it asks the shared budget again.
const claimRetry = time.Second

// The default per-tenant request budget (jira.Factory's TenantRate and
// TenantBurst): 25 requests a second is 90,000 an hour, under the
// smallest per-tenant points pool Jira publishes (100,000 points an hour,
// each request at least one point; docs/connect.md §5.6), and a burst of
// 100 leaves a person's page loads unpaced.
const (
	DefaultTenantRate  = 25.0
	DefaultTenantBurst = 100
)

// NearLimit records that Jira reported the tenant is close to its limit.
func (p *Pacer) NearLimit(now time.Time) {
	w := p.Window
	if w <= 0 {
		w = DefaultPaceWindow
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if until := now.Add(w); until.After(p.slowUntil) {
		p.slowUntil = until
	}
}

// Hold makes every request wait until until (a Retry-After from Jira).
func (p *Pacer) Hold(until time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if until.After(p.holdUntil) {
		p.holdUntil = until
	}
}

// Slowed reports whether near-limit pacing is in force at now.
func (p *Pacer) Slowed(now time.Time) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return now.Before(p.slowUntil)
}

// Reserve claims a start slot for one request and returns how long the
// caller must wait before sending it.
func (p *Pacer) Reserve(now time.Time) time.Duration {
	d, _ := p.ReserveWithin(context.Background(), now, -1)
	return d
}

// ReserveWithin claims a start slot for one request when the caller need
// not wait longer than limit for it (any wait when limit is negative: a
// person's request, which waits for Jira's Retry-After and near-limit
// pacing but not for the tenant's budget), and returns the wait. When the wait would be longer it claims nothing
// and returns the wait with ok false: a durable job then snoozes that
// long instead of holding its worker.
func (p *Pacer) ReserveWithin(ctx context.Context, now time.Time, limit time.Duration) (wait time.Duration, ok bool) {
	interval := p.Interval
	if interval <= 0 {
		interval = DefaultPaceInterval
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	start := now
	if start.Before(p.holdUntil) {
		start = p.holdUntil
	}
	slowed := start.Before(p.slowUntil)
	if slowed && start.Before(p.next) {
		start = p.next
	}
	wait = start.Sub(now)
	var emission time.Duration
	var wall time.Time
	if p.Rate > 0 {
		emission = time.Duration(float64(time.Second) / p.Rate)
		burst := p.Burst
		if burst <= 0 {
			burst = DefaultTenantBurst
		}
		wall = p.clock()
		if p.Shared != nil && p.leased == 0 {
			p.claim(ctx, wall, emission, burst)
		}
		// Only durable jobs wait for the budget. A person's request (no
		// limit) goes at once and spends the budget all the same, so the
		// tenant's jobs wait the longer: a page load or an invoice a person
		// is creating never queues behind the tenant's own backlog, and
		// Jira's 429 (Hold) still paces everyone.
		if allowed := p.tat.Add(-time.Duration(burst-1) * emission); limit >= 0 && wall.Add(wait).Before(allowed) {
			wait = allowed.Sub(wall)
		}
	}
	if limit >= 0 && wait > limit {
		return wait, false
	}
	if slowed {
		p.next = now.Add(wait).Add(interval)
	}
	if emission > 0 {
		if p.leased > 0 {
			p.leased-- // the slice was placed in time when it was claimed
		} else if slot := wall.Add(wait); p.tat.Before(slot) {
			p.tat = slot
		}
		p.tat = p.tat.Add(emission)
	}
	return wait, true
}

// claim takes the next slice of the shared budget: its requests go at
// the slice's own times (tat is set to its first), which the budget
// placed after every other replica's claims. A failed claim leaves the
// process on its own budget for claimRetry. Called with p.mu held.
func (p *Pacer) claim(ctx context.Context, wall time.Time, emission time.Duration, burst int) {
	if wall.Before(p.claimWait) {
		return
	}
	n := p.Slice
	if n <= 0 {
		n = DefaultBudgetSlice
	}
	n = min(n, burst)
	slice := time.Duration(n) * emission
	tat, err := p.Shared.ClaimJiraBudget(ctx, p.ClientKey, slice, wall)
	if err != nil && ctx.Err() != nil {
		return // the caller gave up; its request will not go
	}
	if err != nil {
		p.claimWait = wall.Add(claimRetry)
		if p.Logger != nil {
			p.Logger.WarnContext(ctx, "shared jira budget not claimed; this process spends its own for now",
				slog.String("client_key", p.ClientKey), slog.String("error", err.Error()))
		}
		return
	}
	p.tat, p.leased = tat.Add(-slice), n
}

func (p *Pacer) clock() time.Time {
	if p.Clock != nil {
		return p.Clock()
	}
	return time.Now()
}

// idle reports whether the pacer holds no state that matters at now, so
// that a Factory may forget it.
func (p *Pacer) idle(now time.Time) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return !now.Before(p.slowUntil) && !now.Before(p.holdUntil) && (p.Rate == 0 || !p.clock().Before(p.tat))
}

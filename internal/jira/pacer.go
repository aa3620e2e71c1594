package jira

import (
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
// request until the time Jira named. The zero value is ready to use.
type Pacer struct {
	Interval time.Duration // gap between request starts while slowed; 0 means DefaultPaceInterval
	Window   time.Duration // how long one near-limit signal slows us; 0 means DefaultPaceWindow

	mu        sync.Mutex
	slowUntil time.Time
	holdUntil time.Time
	next      time.Time // earliest start of the next request while slowed
}

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
	if start.Before(p.slowUntil) {
		if start.Before(p.next) {
			start = p.next
		}
		p.next = start.Add(interval)
	}
	return start.Sub(now)
}

// idle reports whether the pacer holds no state that matters at now, so
// that a Factory may forget it.
func (p *Pacer) idle(now time.Time) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return !now.Before(p.slowUntil) && !now.Before(p.holdUntil)
}

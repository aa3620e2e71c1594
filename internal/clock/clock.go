// Package clock is Remit's one time source. Every part of a running Remit
// (the follow-up engine, late fees, messages, the Jira sync, token checks,
// the HTTP edge) reads the same Clock, so what a message says, the fee it
// charges and the status Jira shows agree.
//
// Production runs on the wall clock. REMIT_CLOCK_OFFSET (dev and the demo
// only) moves it by a fixed duration; tests move it freely with Set and
// Advance. The clock keeps ticking in every case: timeouts, token lifetimes
// and backoffs behave as they do in production.
package clock

import (
	"sync"
	"time"
)

// Clock is the wall clock moved by an offset that may be changed while it
// runs. The zero value is the wall clock. It is safe for concurrent use.
type Clock struct {
	mu     sync.RWMutex
	offset time.Duration
}

// Wall is the production clock: no offset.
func Wall() *Clock { return &Clock{} }

// Offset is the wall clock moved by d.
func Offset(d time.Duration) *Clock { return &Clock{offset: d} }

// At is a clock that reads t now and keeps ticking from there.
func At(t time.Time) *Clock {
	c := &Clock{}
	c.Set(t)
	return c
}

// Now is the clock's current instant. Pass the method value (c.Now)
// wherever a func() time.Time is wanted.
func (c *Clock) Now() time.Time {
	c.mu.RLock()
	d := c.offset
	c.mu.RUnlock()
	return time.Now().Add(d)
}

// Set moves the clock so that it reads t now.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.offset = time.Until(t)
	c.mu.Unlock()
}

// Advance moves the clock forward by d (backward for a negative d).
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
}

// Since is how long ago t was on this clock.
func (c *Clock) Since(t time.Time) time.Duration { return c.Now().Sub(t) }

package httpapi

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/store"
)

// fakeWindows counts in memory as the store does, and records the calls.
type fakeWindows struct {
	counts map[store.RateHit]int64
	calls  int
	prunes []time.Time
	err    error
}

func (f *fakeWindows) HitRateWindows(_ context.Context, hits []store.RateHit, prune bool, now time.Time) ([]int64, error) {
	f.calls++
	if f.err != nil {
		return nil, f.err
	}
	if prune {
		f.prunes = append(f.prunes, now)
	}
	out := make([]int64, len(hits))
	for i, h := range hits {
		f.counts[h]++
		out[i] = f.counts[h]
	}
	return out, nil
}

// TestSharedLimiter: one call per request while the limits hold; a spent
// bucket answers from memory until its window ends; the windows that
// ended are pruned once a minute in the same call; and a database that
// fails leaves the process's own buckets to count.
func TestSharedLimiter(t *testing.T) {
	now := time.Date(2026, 12, 3, 10, 0, 5, 0, time.UTC)
	clock := func() time.Time { return now }
	fw := &fakeWindows{counts: map[store.RateHit]int64{}}
	l := &sharedLimiter{counts: fw, now: clock, spent: map[string]time.Time{}}
	addr := newSharedLimit("a:", RateLimit{PerSecond: 0.1, Burst: 3}, clock) // 3 per 30 s
	tok := newSharedLimit("t:", RateLimit{PerSecond: 1, Burst: 100}, clock)
	take := func() (bool, time.Duration) {
		return l.take(context.Background(), limitHit{addr, "192.0.2.1"}, limitHit{tok, "page"})
	}
	for i := range 3 {
		if ok, _ := take(); !ok {
			t.Fatalf("request %d refused", i+1)
		}
	}
	if fw.calls != 3 || len(fw.prunes) != 1 {
		t.Fatalf("%d calls, %d prunes after three requests, want 3 and 1", fw.calls, len(fw.prunes))
	}
	ok, wait := take()
	if ok || wait != 25*time.Second { // the window began at 10:00:00 and ends at 10:00:30
		t.Fatalf("fourth request: ok %v, retry after %v", ok, wait)
	}
	for range 10 {
		if ok, _ := take(); ok {
			t.Fatal("a spent bucket let a request through")
		}
	}
	if fw.calls != 4 {
		t.Fatalf("%d calls, want the flood answered from memory after the fourth", fw.calls)
	}
	now = now.Add(30 * time.Second)
	if ok, _ := take(); !ok {
		t.Fatal("the next window refused")
	}
	now = now.Add(time.Minute)
	take()
	if len(fw.prunes) != 2 || fw.calls != 6 {
		t.Fatalf("%d prunes in %d calls, want the second a minute after the first", len(fw.prunes), fw.calls)
	}
	// Stored bucket names are hashed: no token or address in them.
	for h := range fw.counts {
		if h.Bucket == "a:192.0.2.1" || h.Bucket == "t:page" || len(h.Bucket) != 24 {
			t.Fatalf("bucket %q", h.Bucket)
		}
	}

	fw.err = errors.New("database down")
	l2 := &sharedLimiter{counts: fw, now: clock, spent: map[string]time.Time{}}
	addr2 := newSharedLimit("a:", RateLimit{PerSecond: 0.1, Burst: 2}, clock)
	for i := range 3 {
		ok, _ := l2.take(context.Background(), limitHit{addr2, "192.0.2.1"})
		if want := i < 2; ok != want {
			t.Fatalf("request %d with the database down: ok %v, want %v (the process's bucket)", i+1, ok, want)
		}
	}
}

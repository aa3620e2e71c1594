package jira

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// flakyBudget is a SharedBudget in memory that fails while down.
type flakyBudget struct {
	mu     sync.Mutex
	down   bool
	claims int
	tat    time.Time
}

func (b *flakyBudget) ClaimJiraBudget(_ context.Context, _ string, slice time.Duration, now time.Time) (time.Time, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.claims++
	if b.down {
		return time.Time{}, errors.New("connection refused")
	}
	b.tat = later(b.tat, now).Add(slice)
	return b.tat, nil
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// TestPacerSpendsItsOwnBudgetWhileTheSharedOneFails: with the shared
// budget unreachable, a person's request still goes at once and a job's
// is held to this process's own budget (one request every 2 s, burst
// 2); the shared budget is asked again only after claimRetry, and once
// it answers, the slice it gives is spent from memory: one claim for
// several requests.
func TestPacerSpendsItsOwnBudgetWhileTheSharedOneFails(t *testing.T) {
	t.Parallel()
	clock := newClock()
	shared := &flakyBudget{down: true}
	p := &Pacer{Rate: 0.5, Burst: 2, Clock: clock.Now, Shared: shared, ClientKey: "k"}
	ctx := context.Background()
	for range 2 {
		if d, ok := p.ReserveWithin(ctx, clock.Now(), -1); !ok || d != 0 {
			t.Fatalf("a person's request with the shared budget down: wait %v, ok %v", d, ok)
		}
	}
	if shared.claims != 1 {
		t.Fatalf("%d claims within a second of a failure, want 1", shared.claims)
	}
	if d, ok := p.ReserveWithin(ctx, clock.Now(), time.Second); ok || d != 2*time.Second {
		t.Fatalf("a job's request on this process's spent budget: wait %v, ok %v; want refused, 2 s", d, ok)
	}
	clock.Advance(claimRetry)
	shared.down = false
	if _, ok := p.ReserveWithin(ctx, clock.Now(), -1); !ok || shared.claims != 2 {
		t.Fatalf("after claimRetry: ok %v, %d claims; want the shared budget asked again", ok, shared.claims)
	}
	if _, ok := p.ReserveWithin(ctx, clock.Now(), -1); !ok || shared.claims != 2 {
		t.Fatalf("the second request of a slice of 2 made %d claims, want it spent from memory", shared.claims)
	}
}

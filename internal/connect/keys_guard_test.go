package connect

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// settableClock is a test clock that only moves when told.
type settableClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *settableClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *settableClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func (ks *keyServer) total() int {
	ks.mu.Lock()
	defer ks.mu.Unlock()
	n := 0
	for _, h := range ks.hits {
		n += h
	}
	return n
}

func TestKeyFetcherRemembersUnknownKids(t *testing.T) {
	ks := newKeyServer(t)
	clock := &settableClock{t: testNow}
	f := &KeyFetcher{URL: ks.URL, Now: clock.Now, NotFoundTTL: time.Minute}
	for i := range 5 {
		_, err := f.Key(t.Context(), "kid-nobody")
		if !errors.Is(err, ErrKeyNotFound) {
			t.Fatalf("attempt %d: %v, want ErrKeyNotFound", i, err)
		}
	}
	if n := ks.count("/kid-nobody"); n != 1 {
		t.Errorf("an unknown kid asked 5 times was fetched %d times, want 1", n)
	}
	clock.Add(time.Minute)
	if _, err := f.Key(t.Context(), "kid-nobody"); !errors.Is(err, ErrKeyNotFound) {
		t.Fatalf("after the TTL: %v", err)
	}
	if n := ks.count("/kid-nobody"); n != 2 {
		t.Errorf("after NotFoundTTL the kid was fetched %d times in all, want 2", n)
	}
	// A key server failure is not an answer about the kid: asked again.
	for range 2 {
		if _, err := f.Key(t.Context(), "kid-500"); err == nil || errors.Is(err, ErrKeyNotFound) {
			t.Fatalf("kid-500: %v", err)
		}
	}
	if n := ks.count("/kid-500"); n != 2 {
		t.Errorf("a 500 was remembered: %d fetches, want 2", n)
	}
}

func TestKeyFetcherLimitsFetchRate(t *testing.T) {
	ks := newKeyServer(t)
	clock := &settableClock{t: testNow}
	f := &KeyFetcher{URL: ks.URL, Now: clock.Now, FetchesPerMinute: 6, FetchBurst: 3}
	if _, err := f.Key(t.Context(), "kid-1"); err != nil {
		t.Fatal(err)
	}
	limited := 0
	for i := range 50 {
		_, err := f.Key(t.Context(), fmt.Sprintf("kid-random-%d", i))
		switch {
		case errors.Is(err, ErrKeyFetchLimited):
			limited++
		case !errors.Is(err, ErrKeyNotFound):
			t.Fatalf("kid %d: %v", i, err)
		}
	}
	if n := ks.total(); n != 3 {
		t.Errorf("a flood of 50 made-up kids cost %d key server requests, want the burst of 3", n)
	}
	if limited != 48 {
		t.Errorf("%d fetches refused over the rate, want 48", limited)
	}
	// A cached key needs no fetch, so the flood does not lock it out.
	if _, err := f.Key(t.Context(), "kid-1"); err != nil {
		t.Fatalf("cached kid during the flood: %v", err)
	}
	// The bucket refills at the configured rate: one fetch per 10 s.
	if _, err := f.Key(t.Context(), "kid-2"); !errors.Is(err, ErrKeyFetchLimited) {
		t.Fatalf("kid-2 before the refill: %v", err)
	}
	clock.Add(10 * time.Second)
	if _, err := f.Key(t.Context(), "kid-2"); err != nil {
		t.Fatalf("kid-2 after the refill: %v", err)
	}
	if n := ks.total(); n != 4 {
		t.Errorf("%d key server requests in all, want 4", n)
	}
}

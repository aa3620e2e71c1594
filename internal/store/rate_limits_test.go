package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/store"
)

// TestHitRateWindows: each call adds one to each bucket's window and
// reads the counts back; two stores on one database count together (as
// replicas do); a prune deletes the windows that ended, and only those.
func TestHitRateWindows(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, store.Options{})
	other := store.New(e.pool, e.box, store.Options{Now: e.clock.Now})
	w0 := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	hits := func(start time.Time, buckets ...string) []store.RateHit {
		var out []store.RateHit
		for _, b := range buckets {
			out = append(out, store.RateHit{Bucket: b, WindowStart: start, WindowEnd: start.Add(time.Minute)})
		}
		return out
	}
	for i, want := range [][]int64{{1, 1}, {2, 2}, {3, 3}} {
		db := e.db
		if i%2 == 1 {
			db = other
		}
		got, err := db.HitRateWindows(ctx, hits(w0, "t:b", "a:a"), false, w0)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("call %d: counts %v, want %v (in the hits' order)", i+1, got, want)
		}
	}
	next := w0.Add(time.Minute)
	got, err := e.db.HitRateWindows(ctx, hits(next, "a:a"), true, next)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, []int64{1}) {
		t.Fatalf("the next window counts %v", got)
	}
	var rows int
	if err := e.pool.QueryRow(ctx, `SELECT count(*) FROM rate_limit_hits`).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows != 1 {
		t.Fatalf("%d windows after the prune, want the current one", rows)
	}
}

package store

import (
	"context"
	"time"

	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store/internal/dbsqlc"
)

// RateHit is one request's hit on a shared rate limit: its bucket and the
// fixed window it falls in.
type RateHit struct {
	Bucket      string
	WindowStart time.Time
	WindowEnd   time.Time
}

// HitRateWindows adds one hit to each bucket's window, shared by every
// replica, and returns the buckets' counts in the windows, in hits'
// order. With prune it also deletes the windows that ended by now. It is
// one statement, whatever the number of buckets; not tenant-scoped: a
// customer page request is limited before its token finds a tenant.
func (db *DB) HitRateWindows(ctx context.Context, hits []RateHit, prune bool, now time.Time) ([]int64, error) {
	const op = "store.HitRateWindows"
	p := dbsqlc.HitRateWindowsParams{Prune: prune, Now: now}
	for _, h := range hits {
		p.Buckets = append(p.Buckets, h.Bucket)
		p.WindowStarts = append(p.WindowStarts, h.WindowStart)
		p.Expires = append(p.Expires, h.WindowEnd)
	}
	rows, err := db.q().HitRateWindows(ctx, p)
	if err != nil {
		return nil, classify(op, err)
	}
	counts := make(map[string]int64, len(rows))
	for _, r := range rows {
		counts[r.Bucket] = int64(r.Hits)
	}
	out := make([]int64, len(hits))
	for i, h := range hits {
		n, ok := counts[h.Bucket]
		if !ok {
			return nil, remit.Errorf(remit.Unavailable, op, "no count for a bucket")
		}
		out[i] = n
	}
	return out, nil
}

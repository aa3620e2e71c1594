package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/remitapp/remit/internal/store/internal/dbsqlc"
)

// ClaimJiraBudget claims a slice of the tenant's Jira request budget,
// shared by every replica (jira.SharedBudget): the slice starts at the
// later of the budget's theoretical arrival time and now, and the
// budget's time moves on by its length. It returns the time after the
// slice; the caller checks it against the burst.
func (db *DB) ClaimJiraBudget(ctx context.Context, clientKey string, slice time.Duration, now time.Time) (time.Time, error) {
	const op = "store.ClaimJiraBudget"
	tat, err := db.q().ClaimJiraBudget(ctx, dbsqlc.ClaimJiraBudgetParams{ClientKey: clientKey, Now: now,
		Slice: pgtype.Interval{Microseconds: slice.Microseconds(), Valid: true}})
	if err != nil {
		return time.Time{}, classify(op, err)
	}
	return tat, nil
}

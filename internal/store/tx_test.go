package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/remitapp/remit/internal/store"
)

// probeArgs is a job no worker runs: the store only inserts it, and the
// tests count its rows.
type probeArgs struct {
	Batch string `json:"batch"`
	N     int    `json:"n"`
}

func (probeArgs) Kind() string { return "store_probe" }

// probes counts the probe jobs of batch.
func probes(t *testing.T, e env, batch string) int {
	t.Helper()
	return count(t, e.pool, `SELECT count(*) FROM river_job WHERE kind = 'store_probe' AND args->>'batch' = $1`, batch)
}

// enqueueAll enqueues one probe of batch through each of the Tx's ways.
func enqueueAll(ctx context.Context, tx *store.Tx, batch string) error {
	if _, err := tx.Enqueue(ctx, probeArgs{Batch: batch, N: 1}, nil); err != nil {
		return err
	}
	if _, err := tx.EnqueueMany(ctx, []river.InsertManyParams{{Args: probeArgs{Batch: batch, N: 2}}}); err != nil {
		return err
	}
	_, err := tx.EnqueueManyFast(ctx, []river.InsertManyParams{{Args: probeArgs{Batch: batch, N: 3}}})
	return err
}

func TestTxRollbackDropsItsJobs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, store.Options{})
	err := e.db.InTx(ctx, func(tx *store.Tx) error {
		if err := enqueueAll(ctx, tx, "rolled-back"); err != nil {
			return err
		}
		if n := probes(t, e, "rolled-back"); n != 0 {
			t.Errorf("%d jobs visible outside the transaction before it ended, want 0", n)
		}
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		t.Fatalf("InTx = %v, want the callback's error", err)
	}
	if n := probes(t, e, "rolled-back"); n != 0 {
		t.Errorf("%d jobs of a rolled-back transaction survived, want 0", n)
	}
}

func TestTxCommitKeepsItsJobs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, store.Options{})
	must(t, e.db.InTx(ctx, func(tx *store.Tx) error { return enqueueAll(ctx, tx, "committed") }))
	if n := probes(t, e, "committed"); n != 3 {
		t.Errorf("%d jobs after commit, want 3", n)
	}
}

func TestTxEnqueueManyHonoursUniqueness(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, store.Options{})
	unique := []river.InsertManyParams{{Args: probeArgs{Batch: "unique"}, InsertOpts: &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}}}
	for range 2 {
		must(t, e.db.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.EnqueueMany(ctx, unique)
			return err
		}))
		_, err := e.db.EnqueueMany(ctx, unique)
		must(t, err)
	}
	if n := probes(t, e, "unique"); n != 1 {
		t.Errorf("%d unique jobs, want 1", n)
	}
}

func TestDBEnqueueOutsideATransaction(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, store.Options{})
	_, err := e.db.Enqueue(ctx, probeArgs{Batch: "alone"}, nil)
	must(t, err)
	_, err = e.db.EnqueueMany(ctx, []river.InsertManyParams{{Args: probeArgs{Batch: "alone", N: 1}}, {Args: probeArgs{Batch: "alone", N: 2}}})
	must(t, err)
	if n := probes(t, e, "alone"); n != 3 {
		t.Errorf("%d jobs, want 3", n)
	}
}

func TestTxNowIsFixedAtBegin(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, store.Options{})
	begun := e.clock.Now()
	must(t, e.db.InTx(ctx, func(tx *store.Tx) error {
		if !tx.Now().Equal(begun) {
			t.Errorf("Now = %v, want the clock at begin %v", tx.Now(), begun)
		}
		e.clock.Advance(time.Hour)
		if !tx.Now().Equal(begun) {
			t.Errorf("Now moved with the clock to %v, want it fixed at %v", tx.Now(), begun)
		}
		return nil
	}))
	must(t, e.db.InTx(ctx, func(tx *store.Tx) error {
		if want := begun.Add(time.Hour); !tx.Now().Equal(want) {
			t.Errorf("the next transaction's Now = %v, want %v", tx.Now(), want)
		}
		return nil
	}))
}

func TestRescheduleFollowupInTheTransaction(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, store.Options{})
	install(t, e.db, "t1")
	c := createCustomer(t, e.db, "t1", customerFixture("Acme"))
	inv := insertInvoice(t, e.db, "t1", c, "INV-1", worklogsFixture(1, 2, 1))
	nextAt := func() *time.Time {
		st, err := e.db.FollowupState(ctx, nil, "t1", inv.ID)
		must(t, err)
		return st.NextActionAt
	}
	if got := nextAt(); got != nil {
		t.Fatalf("next action before rescheduling = %v, want none", *got)
	}
	err := e.db.InTx(ctx, func(tx *store.Tx) error {
		if err := e.db.RescheduleFollowup(ctx, tx, "t1", inv.ID); err != nil {
			return err
		}
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		t.Fatalf("InTx = %v", err)
	}
	if got := nextAt(); got != nil {
		t.Fatalf("a rolled-back reschedule left next action %v", *got)
	}
	must(t, e.db.InTx(ctx, func(tx *store.Tx) error { return e.db.RescheduleFollowup(ctx, tx, "t1", inv.ID) }))
	// The default ladder's first step reminds three days before the due date.
	want := inv.DueDate.AddDays(-3).Start(time.UTC)
	if got := nextAt(); got == nil || !got.Equal(want) {
		t.Fatalf("next action = %v, want %v", got, want)
	}
}

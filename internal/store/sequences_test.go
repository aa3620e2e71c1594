package store_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/pgtest"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// wideEnv is newEnv on a pool of 25 connections, so that concurrent
// transactions really overlap instead of queueing for a connection.
func wideEnv(t *testing.T) env {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(pgtest.NewDB(t))
	must(t, err)
	cfg.MaxConns = 25
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	must(t, err)
	t.Cleanup(pool.Close)
	clock := newClock()
	box := testBox(t, 0x42)
	return env{db: store.New(pool, box, store.Options{Now: clock.Now}), pool: pool, box: box, clock: clock}
}

// createNumbered takes the next number of scope in tx and inserts an
// invoice with it, the way invoice creation does.
func createNumbered(ctx context.Context, db *store.DB, tx *store.Tx, c invoice.Customer, scope string, firstWorklog int64) (int64, error) {
	seq, err := db.NextInvoiceNumber(ctx, tx, "t1", scope)
	if err != nil {
		return 0, err
	}
	number := fmt.Sprintf("INV-%s-%04d", scope, seq)
	wl := worklogsFixture(firstWorklog, 2, 1)
	inv := invoiceFixture(c, number, wl)
	return seq, db.InsertInvoice(ctx, tx, "t1", &inv, wl, "acc")
}

// TestInvoiceNumbersGaplessUnderConcurrency runs 50 committing and 10
// rolling-back transactions at once; the committed invoices must carry
// exactly the numbers 1..50.
func TestInvoiceNumbersGaplessUnderConcurrency(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := wideEnv(t)
	install(t, e.db, "t1")
	c := createCustomer(t, e.db, "t1", customerFixture("Acme"))

	const commits, rollbacks = 50, 10
	var mu sync.Mutex
	var committed []int64
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range commits + rollbacks {
		wg.Go(func() {
			<-start
			var seq int64
			err := e.db.InTx(ctx, func(tx *store.Tx) error {
				var err error
				if seq, err = createNumbered(ctx, e.db, tx, c, "2026", int64(100*(i+1))); err != nil {
					return err
				}
				if i%6 == 5 {
					return errRollback
				}
				return nil
			})
			switch {
			case i%6 == 5 && err != errRollback:
				t.Errorf("rolling-back transaction %d: %v", i, err)
			case i%6 != 5 && err != nil:
				t.Errorf("transaction %d: %v", i, err)
			case err == nil:
				mu.Lock()
				committed = append(committed, seq)
				mu.Unlock()
			}
		})
	}
	close(start)
	wg.Wait()

	slices.Sort(committed)
	want := make([]int64, commits)
	for i := range want {
		want[i] = int64(i + 1)
	}
	if !slices.Equal(committed, want) {
		t.Fatalf("committed numbers %v, want 1..%d without gap or duplicate", committed, commits)
	}
	for i := 1; i <= commits; i++ {
		number := fmt.Sprintf("INV-2026-%04d", i)
		if n := count(t, e.pool, `SELECT count(*) FROM invoices WHERE number = $1`, number); n != 1 {
			t.Errorf("%d invoices numbered %s", n, number)
		}
	}
	if n := count(t, e.pool, `SELECT count(*) FROM invoices`); n != commits {
		t.Fatalf("%d invoices, want %d", n, commits)
	}
}

func TestRolledBackNumberIsReused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, store.Options{})
	install(t, e.db, "t1")
	c := createCustomer(t, e.db, "t1", customerFixture("Acme"))
	var worklog int64
	take := func(scope string, commit bool) int64 {
		worklog += 10
		var seq int64
		err := e.db.InTx(ctx, func(tx *store.Tx) error {
			var err error
			seq, err = createNumbered(ctx, e.db, tx, c, scope, worklog)
			must(t, err)
			if !commit {
				return errRollback
			}
			return nil
		})
		if commit {
			must(t, err)
		}
		return seq
	}
	for _, tc := range []struct {
		scope  string
		commit bool
		want   int64
	}{
		{"2026", true, 1},
		{"2026", false, 2},
		{"2026", true, 2}, // the rolled-back 2 comes back
		{"2027", false, 1},
		{"2027", true, 1}, // a scope's first number, rolled back, too
		{"2026", true, 3},
	} {
		if got := take(tc.scope, tc.commit); got != tc.want {
			t.Fatalf("scope %s: got %d, want %d", tc.scope, got, tc.want)
		}
	}
}

func TestNextInvoiceNumberNeedsTransaction(t *testing.T) {
	t.Parallel()
	e := newEnv(t, store.Options{})
	install(t, e.db, "t1")
	_, err := e.db.NextInvoiceNumber(context.Background(), nil, "t1", "2026")
	wantKind(t, err, remit.Internal)
	if n := count(t, e.pool, `SELECT count(*) FROM invoice_sequences`); n != 0 {
		t.Fatal("a number was taken outside a transaction")
	}
	err = e.db.InTx(context.Background(), func(tx *store.Tx) error {
		_, err := e.db.NextInvoiceNumber(context.Background(), tx, "t1", "")
		return err
	})
	wantKind(t, err, remit.Invalid)
}

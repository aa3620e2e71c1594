package webhook_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/pgtest"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/secretbox"
	"github.com/remitapp/remit/internal/store"
	"github.com/remitapp/remit/internal/webhook"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func newIntake(t *testing.T) (*webhook.Intake, *store.DB) {
	t.Helper()
	pool := pgtest.NewPool(t)
	box, err := secretbox.New(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	db := store.New(pool, box, store.Options{})
	for _, k := range []string{"t1", "t2"} {
		if _, err := db.UpsertInstall(context.Background(), remit.Tenant{ClientKey: k, AppKey: "app", BaseURL: "https://" + k + ".example.net",
			SharedSecret: "s", State: remit.TenantInstalled, Enabled: true}); err != nil {
			t.Fatal(err)
		}
	}
	in := &webhook.Intake{DB: db, Now: time.Now}
	t.Cleanup(in.Close)
	return in, db
}

// TestIntakeGroupsConcurrentDeliveries sends 600 deliveries at once — 200
// distinct identifiers over two tenants, each three times — while the
// deliveries table is locked, so that they all wait together whatever
// the scheduler does. It checks that every distinct delivery is recorded
// and enqueued exactly once, that exactly one of each three answers
// "first", and that the waiting deliveries went in a handful of
// transactions: the four that were blocked, then at most MaxBatch each.
func TestIntakeGroupsConcurrentDeliveries(t *testing.T) {
	t.Parallel()
	in, db := newIntake(t)
	in.MaxBatch = 256 // the queue (4 × MaxBatch) holds all 600
	ctx := context.Background()
	lock, err := db.Pool().Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Rollback(ctx)
	if _, err := lock.Exec(ctx, `LOCK TABLE webhook_deliveries IN SHARE MODE`); err != nil {
		t.Fatal(err)
	}
	var firsts atomic.Int64
	firstOf := make([]atomic.Int32, 200)
	var wg sync.WaitGroup
	for copy := range 3 {
		for i := range 200 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				key := []string{"t1", "t2"}[i%2]
				first, err := in.Accept(ctx, key, fmt.Sprintf("d-%d", i), "worklog_updated", []byte(`{"webhookEvent":"worklog_updated"}`))
				if err != nil {
					t.Errorf("delivery %d copy %d: %v", i, copy, err)
				}
				if first {
					firsts.Add(1)
					firstOf[i].Add(1)
				}
			}()
		}
	}
	for deadline := time.Now().Add(30 * time.Second); in.Received() < 600; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("only %d of 600 deliveries taken in", in.Received())
		}
	}
	if d, _ := in.Stats(); d != 0 {
		t.Fatalf("%d deliveries committed through the lock", d)
	}
	if err := lock.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if firsts.Load() != 200 {
		t.Fatalf("%d first answers, want 200", firsts.Load())
	}
	for i := range firstOf {
		if firstOf[i].Load() != 1 {
			t.Fatalf("delivery %d was first %d times", i, firstOf[i].Load())
		}
	}
	var rows, jobRows int
	if err := db.Pool().QueryRow(ctx, `SELECT count(*) FROM webhook_deliveries`).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if err := db.Pool().QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'webhook'`).Scan(&jobRows); err != nil {
		t.Fatal(err)
	}
	if rows != 200 || jobRows != 200 {
		t.Fatalf("%d delivery rows and %d jobs, want 200 and 200", rows, jobRows)
	}
	deliveries, txs := in.Stats()
	// Four committers were blocked with a group each; the rest waited in
	// the queue and go in groups of up to 256: 4 + ⌈596 / 256⌉ at most.
	if deliveries != 600 || txs > 7 {
		t.Fatalf("%d deliveries in %d transactions, want 600 in at most 7", deliveries, txs)
	}
	t.Logf("600 deliveries in %d transactions", txs)
}

// TestIntakeClosesCleanly: Close waits for what was queued, and later
// deliveries are refused rather than lost silently.
func TestIntakeClosesCleanly(t *testing.T) {
	t.Parallel()
	in, _ := newIntake(t)
	ctx := context.Background()
	if _, err := in.Accept(ctx, "t1", "before", "jira:issue_updated", []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	in.Close()
	if _, err := in.Accept(ctx, "t1", "after", "jira:issue_updated", []byte(`{}`)); err != webhook.ErrClosed {
		t.Fatalf("after Close: %v", err)
	}
}

// TestIntakeIsolatesAFailingDelivery: a delivery for a tenant that no
// longer exists fails alone; the others in its group are committed.
func TestIntakeIsolatesAFailingDelivery(t *testing.T) {
	t.Parallel()
	in, _ := newIntake(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 40)
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			key := "t1"
			if i == 7 {
				key = "gone"
			}
			_, errs[i] = in.Accept(ctx, key, fmt.Sprintf("x-%d", i), "worklog_updated", []byte(`{}`))
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if (i == 7) != (err != nil) {
			t.Fatalf("delivery %d: err %v", i, err)
		}
	}
}

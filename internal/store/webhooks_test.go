package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

func TestRecordWebhookDeliveryDedupes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, store.Options{})
	install(t, e.db, "site-a")
	at := e.clock.Now()

	first, err := e.db.RecordWebhookDelivery(ctx, nil, "site-a", "wh-1", "jira:issue_updated", at)
	must(t, err)
	again, err := e.db.RecordWebhookDelivery(ctx, nil, "site-a", "wh-1", "jira:issue_updated", at.Add(time.Second))
	must(t, err)
	if !first || again {
		t.Fatalf("first = %v, again = %v; want true, false", first, again)
	}
	other, err := e.db.RecordWebhookDelivery(ctx, nil, "site-a", "wh-2", "jira:issue_updated", at)
	must(t, err)
	if !other {
		t.Fatal("a different identifier was treated as a duplicate")
	}

	_, err = e.db.RecordWebhookDelivery(ctx, nil, "site-a", "", "jira:issue_updated", at)
	wantKind(t, err, remit.Invalid)
	_, err = e.db.RecordWebhookDelivery(ctx, nil, "no-such-tenant", "wh-1", "jira:issue_updated", at)
	wantKind(t, err, remit.NotFound)
}

func TestRecordWebhookDeliveryConcurrent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, store.Options{})
	install(t, e.db, "site-a")

	const n = 20
	var firsts atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range n {
		wg.Go(func() {
			<-start
			err := e.db.InTx(ctx, func(tx *store.Tx) error {
				first, err := e.db.RecordWebhookDelivery(ctx, tx, "site-a", "wh-same", "jira:issue_updated", e.clock.Now())
				if first {
					firsts.Add(1)
				}
				return err
			})
			if err != nil {
				t.Errorf("InTx: %v", err)
			}
		})
	}
	close(start)
	wg.Wait()
	if got := firsts.Load(); got != 1 {
		t.Fatalf("%d of %d concurrent deliveries were first, want exactly 1", got, n)
	}
}

func TestRecordWebhookDeliveryRolledBack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, store.Options{})
	install(t, e.db, "site-a")

	boom := errors.New("handler failed")
	err := e.db.InTx(ctx, func(tx *store.Tx) error {
		first, err := e.db.RecordWebhookDelivery(ctx, tx, "site-a", "wh-1", "jira:issue_updated", e.clock.Now())
		if err != nil || !first {
			t.Fatalf("in tx: first %v, err %v", first, err)
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("InTx returned %v, want the callback's error unchanged", err)
	}
	seen, err := e.db.WebhookDeliverySeen(ctx, "site-a", "wh-1")
	must(t, err)
	if seen {
		t.Fatal("a rolled-back delivery is still recorded")
	}
	// Jira's retry of the same delivery is then processed as new.
	first, err := e.db.RecordWebhookDelivery(ctx, nil, "site-a", "wh-1", "jira:issue_updated", e.clock.Now())
	must(t, err)
	if !first {
		t.Fatal("redelivery after rollback was treated as a duplicate")
	}
}

func TestPruneWebhookDeliveries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, store.Options{})
	install(t, e.db, "site-a")
	install(t, e.db, "site-b")
	now := e.clock.Now()
	old := now.Add(-8 * 24 * time.Hour)
	for i, at := range []time.Time{old, old, now, now.Add(-time.Hour)} {
		tenant := []string{"site-a", "site-b"}[i%2]
		_, err := e.db.RecordWebhookDelivery(ctx, nil, tenant, key(i), "e", at)
		must(t, err)
	}
	n, err := e.db.PruneWebhookDeliveries(ctx, now.Add(-7*24*time.Hour))
	must(t, err)
	if n != 2 {
		t.Fatalf("pruned %d rows, want 2", n)
	}
	if left := count(t, e.pool, `SELECT count(*) FROM webhook_deliveries`); left != 2 {
		t.Fatalf("%d rows left, want 2", left)
	}
}

func TestPruneWebhookDeliveriesInBatches(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, store.Options{})
	install(t, e.db, "site-a")
	old := e.clock.Now().Add(-30 * 24 * time.Hour)
	// More rows than one batch deletes, so the loop must go round.
	_, err := e.pool.Exec(ctx, `
		INSERT INTO webhook_deliveries (client_key, identifier, event, received_at)
		SELECT 'site-a', 'wh-' || g, 'e', $1 FROM generate_series(1, 12001) g`, old)
	must(t, err)
	n, err := e.db.PruneWebhookDeliveries(ctx, e.clock.Now())
	must(t, err)
	if n != 12001 {
		t.Fatalf("pruned %d, want 12001", n)
	}
}

// TestRecordWebhookDeliveriesBatch: in one batch, new deliveries are
// first, ones seen before are not, and a repeat inside the batch is first
// only once; a rolled-back batch leaves nothing.
func TestRecordWebhookDeliveriesBatch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, store.Options{})
	install(t, e.db, "t1")
	install(t, e.db, "t2")
	_, err := e.db.RecordWebhookDelivery(ctx, nil, "t1", "old", "jira:issue_updated", e.clock.Now())
	must(t, err)
	first, err := e.db.RecordWebhookDeliveries(ctx, nil, e.clock.Now(), []store.WebhookDelivery{
		{ClientKey: "t1", Identifier: "new-1", Event: "worklog_updated", Payload: []byte(`{"n":1}`)},
		{ClientKey: "t1", Identifier: "old", Event: "jira:issue_updated"},
		{ClientKey: "t2", Identifier: "old", Event: "jira:issue_updated"}, // same id, other tenant
		{ClientKey: "t1", Identifier: "new-1", Event: "worklog_updated"},  // repeat within the batch
		{ClientKey: "t2", Identifier: "new-2", Event: "worklog_deleted"},
	})
	must(t, err)
	if want := []bool{true, false, true, false, true}; fmt.Sprint(first) != fmt.Sprint(want) {
		t.Fatalf("first = %v, want %v", first, want)
	}
	if n := count(t, e.pool, `SELECT count(*) FROM webhook_deliveries`); n != 4 {
		t.Fatalf("%d rows, want 4", n)
	}
	if p, err := e.db.WebhookPayload(ctx, "t1", "new-1"); err != nil || string(p) != `{"n":1}` {
		t.Fatalf("payload %q, %v", p, err)
	}
	if _, err := e.db.WebhookPayload(ctx, "t1", "old"); !remit.IsKind(err, remit.NotFound) {
		t.Fatalf("delivery recorded without a body: %v", err)
	}
	err = e.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := e.db.RecordWebhookDeliveries(ctx, tx, e.clock.Now(), []store.WebhookDelivery{{ClientKey: "t1", Identifier: "rolled-back"}}); err != nil {
			return err
		}
		return errors.New("roll back")
	})
	if err == nil {
		t.Fatal("expected the rollback error")
	}
	if seen, _ := e.db.WebhookDeliverySeen(ctx, "t1", "rolled-back"); seen {
		t.Fatal("rolled-back delivery was kept")
	}
	if _, err := e.db.RecordWebhookDeliveries(ctx, nil, e.clock.Now(), []store.WebhookDelivery{{ClientKey: "nobody", Identifier: "x"}}); !remit.IsKind(err, remit.NotFound) {
		t.Fatalf("unknown tenant: %v", err)
	}
}

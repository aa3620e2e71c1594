package jobs_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/remitapp/remit/internal/jobs"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// TestWebhookEnqueueFollowsTransaction is the webhook endpoint's pattern:
// record the delivery and enqueue its job in one transaction.
func TestWebhookEnqueueFollowsTransaction(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, "site-a")
	accept := func(identifier string, fail error) error {
		return e.db.InTx(ctx, func(tx *store.Tx) error {
			first, err := e.db.RecordWebhookDelivery(ctx, tx, "site-a", identifier, "jira:issue_updated", time.Now())
			if err != nil || !first {
				return fmt.Errorf("record: first=%v err=%w", first, err)
			}
			if _, err := tx.Enqueue(ctx, jobs.WebhookArgs{ClientKey: "site-a", Identifier: identifier,
				Event: "jira:issue_updated"}, nil); err != nil {
				return err
			}
			return fail
		})
	}

	boom := errors.New("later step failed")
	if err := accept("wh-rolled-back", boom); !errors.Is(err, boom) {
		t.Fatalf("accept = %v", err)
	}
	if seen, _ := e.db.WebhookDeliverySeen(ctx, "site-a", "wh-rolled-back"); seen {
		t.Error("rolled-back delivery row survived")
	}
	if n := count(t, e.pool, `SELECT count(*) FROM river_job WHERE args->>'identifier' = 'wh-rolled-back'`); n != 0 {
		t.Errorf("rolled-back job survived (%d rows)", n)
	}

	must(t, accept("wh-committed", nil))
	if seen, _ := e.db.WebhookDeliverySeen(ctx, "site-a", "wh-committed"); !seen {
		t.Error("committed delivery row missing")
	}
	if n := count(t, e.pool, `SELECT count(*) FROM river_job WHERE args->>'identifier' = 'wh-committed'`); n != 1 {
		t.Errorf("committed job rows = %d, want 1", n)
	}
}

func TestWebhookWorkerEndToEnd(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, "site-a")

	got := make(chan jobs.WebhookArgs, 4)
	ww := jobs.NewWebhookWorker(nil)
	ww.Handle("jira:issue_updated", func(_ context.Context, a jobs.WebhookArgs) error {
		got <- a
		return nil
	})
	ww.Handle("worklog_deleted", func(context.Context, jobs.WebhookArgs) error {
		return remit.Errorf(remit.Unprocessable, "test", "worklog belongs to no invoice")
	})
	workers := river.NewWorkers()
	river.AddWorker(workers, ww)
	client := startClient(t, e.pool, workers, jobs.Config{Concurrency: 2})
	events, cancel := client.Subscribe(river.EventKindJobCompleted, river.EventKindJobCancelled, river.EventKindJobFailed)
	defer cancel()

	// Event taken from the payload when the enqueuer did not set it.
	res, err := client.Insert(ctx, jobs.WebhookArgs{ClientKey: "site-a", Identifier: "wh-1",
		Payload: json.RawMessage(`{"webhookEvent":"jira:issue_updated","issue":{"key":"INV-1"}}`)}, nil)
	must(t, err)
	ev := waitEvent(t, events, res.Job.ID)
	if ev.Kind != river.EventKindJobCompleted {
		t.Fatalf("job ended as %s, want completed", ev.Kind)
	}
	select {
	case a := <-got:
		if a.Event != "jira:issue_updated" || a.ClientKey != "site-a" || a.Identifier != "wh-1" {
			t.Fatalf("handler got %+v", a)
		}
	default:
		t.Fatal("handler was not called")
	}

	// Unknown events complete without error.
	res, err = client.Insert(ctx, jobs.WebhookArgs{ClientKey: "site-a", Identifier: "wh-2", Event: "board_created"}, nil)
	must(t, err)
	if ev := waitEvent(t, events, res.Job.ID); ev.Kind != river.EventKindJobCompleted {
		t.Fatalf("unknown event ended as %s, want completed", ev.Kind)
	}

	// A business-rule rejection is cancelled, not retried.
	res, err = client.Insert(ctx, jobs.WebhookArgs{ClientKey: "site-a", Identifier: "wh-3", Event: "worklog_deleted"}, nil)
	must(t, err)
	ev = waitEvent(t, events, res.Job.ID)
	if ev.Kind != river.EventKindJobCancelled || ev.Job.State != rivertype.JobStateCancelled {
		t.Fatalf("rejected event ended as %s (%s), want cancelled", ev.Kind, ev.Job.State)
	}

	// A malformed payload is cancelled too.
	res, err = client.Insert(ctx, jobs.WebhookArgs{ClientKey: "site-a", Identifier: "wh-4", Payload: json.RawMessage(`"not an object"`)}, nil)
	must(t, err)
	if ev := waitEvent(t, events, res.Job.ID); ev.Kind != river.EventKindJobCancelled {
		t.Fatalf("malformed payload ended as %s, want cancelled", ev.Kind)
	}
}

func TestWebhookWorkerRetriesOtherErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, "site-a")
	ww := jobs.NewWebhookWorker(nil)
	ww.Handle("jira:issue_updated", func(context.Context, jobs.WebhookArgs) error {
		return remit.Errorf(remit.Unavailable, "jira", "Jira is down")
	})
	workers := river.NewWorkers()
	river.AddWorker(workers, ww)
	client := startClient(t, e.pool, workers, jobs.Config{Concurrency: 1})
	events, cancel := client.Subscribe(river.EventKindJobFailed, river.EventKindJobCancelled, river.EventKindJobCompleted)
	defer cancel()
	res, err := client.Insert(ctx, jobs.WebhookArgs{ClientKey: "site-a", Identifier: "wh-1", Event: "jira:issue_updated"}, nil)
	must(t, err)
	ev := waitEvent(t, events, res.Job.ID)
	// A short first backoff leaves the job available rather than retryable;
	// either way it will run again.
	retrying := ev.Job.State == rivertype.JobStateRetryable || ev.Job.State == rivertype.JobStateAvailable
	if ev.Kind != river.EventKindJobFailed || !retrying || len(ev.Job.Errors) != 1 {
		t.Fatalf("transient failure ended as %s (%s, %d errors), want failed and due for retry", ev.Kind, ev.Job.State, len(ev.Job.Errors))
	}
}

package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/remitapp/remit/internal/jobs"
)

func TestPruneJobEndToEnd(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, "site-a")
	now := time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC)
	for id, age := range map[string]time.Duration{
		"old":       8 * 24 * time.Hour,
		"edge":      jobs.WebhookRetention + time.Second,
		"recent":    6 * 24 * time.Hour,
		"just-seen": time.Minute,
	} {
		_, err := e.db.RecordWebhookDelivery(ctx, nil, "site-a", id, "e", now.Add(-age))
		must(t, err)
	}

	workers := river.NewWorkers()
	river.AddWorker(workers, jobs.NewPruneWorker(e.db, func() time.Time { return now }, nil))
	// The periodic job runs once at start, which is what this test waits for.
	client := startClient(t, e.pool, workers, jobs.Config{PeriodicJobs: []*river.PeriodicJob{jobs.PrunePeriodicJob()}})
	events, cancel := client.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed)
	defer cancel()

	deadline := time.After(20 * time.Second)
	for {
		select {
		case ev := <-events:
			if ev.Job.Kind != (jobs.PruneArgs{}).Kind() {
				continue
			}
			if ev.Kind != river.EventKindJobCompleted {
				t.Fatalf("prune job ended as %s", ev.Kind)
			}
			for id, want := range map[string]bool{"old": false, "edge": false, "recent": true, "just-seen": true} {
				if seen, _ := e.db.WebhookDeliverySeen(ctx, "site-a", id); seen != want {
					t.Errorf("delivery %s kept = %v, want %v", id, seen, want)
				}
			}
			return
		case <-deadline:
			t.Fatal("the periodic prune job did not run within 20s")
		}
	}
}

// TestRegisterHelpers checks that the app's one-line wiring yields a client
// that can start (every periodic job has its worker), and that its pruner
// reads Remit's clock, the one deliveries are stamped with: on a clock a
// month behind the wall, yesterday's delivery stays and one from two weeks
// before goes. On the wall clock both went, before their jobs had run.
func TestRegisterHelpers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, "site-a")
	remitNow := time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC)
	for id, at := range map[string]time.Time{"yesterday": remitNow.AddDate(0, 0, -1), "two-weeks": remitNow.AddDate(0, 0, -14)} {
		_, err := e.db.RecordWebhookDelivery(ctx, nil, "site-a", id, "e", at)
		must(t, err)
	}
	workers := river.NewWorkers()
	jobs.AddPruneWorker(workers, e.db, func() time.Time { return remitNow }, nil)
	client := startClient(t, e.pool, workers, jobs.Config{PeriodicJobs: jobs.PeriodicJobs()})
	events, cancel := client.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed)
	defer cancel()
	select {
	case ev := <-events:
		if ev.Kind != river.EventKindJobCompleted || ev.Job.Kind != (jobs.PruneArgs{}).Kind() {
			t.Fatalf("first job: %s %s", ev.Kind, ev.Job.Kind)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no periodic job ran")
	}
	for id, want := range map[string]bool{"yesterday": true, "two-weeks": false} {
		if seen, _ := e.db.WebhookDeliverySeen(ctx, "site-a", id); seen != want {
			t.Errorf("delivery %s kept = %v, want %v", id, seen, want)
		}
	}
}

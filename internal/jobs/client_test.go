package jobs_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/remitapp/remit/internal/jobs"
)

func TestInsertOnlyClientRejectsWorkConfig(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, err := jobs.NewClient(e.pool, nil, jobs.Config{PeriodicJobs: []*river.PeriodicJob{jobs.PrunePeriodicJob()}})
	if err == nil || !strings.Contains(err.Error(), "insert-only") {
		t.Fatalf("err = %v, want insert-only refusal", err)
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, jobs.NewWebhookWorker(nil))
	if _, err := jobs.NewClient(e.pool, workers, jobs.Config{Concurrency: -1}); err == nil {
		t.Fatal("negative concurrency accepted")
	}
}

// blockingArgs is a job that runs until its context is cancelled.
type blockingArgs struct{}

func (blockingArgs) Kind() string { return "test_blocking" }

type blockingWorker struct {
	river.WorkerDefaults[blockingArgs]
	started, cancelled chan struct{}
}

func (w *blockingWorker) Work(ctx context.Context, _ *river.Job[blockingArgs]) error {
	close(w.started)
	<-ctx.Done()
	close(w.cancelled)
	return ctx.Err()
}

func TestStopFallsBackToCancel(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	w := &blockingWorker{started: make(chan struct{}), cancelled: make(chan struct{})}
	workers := river.NewWorkers()
	river.AddWorker(workers, w)
	client, err := jobs.NewClient(e.pool, workers, jobs.Config{Concurrency: 1})
	must(t, err)
	must(t, client.Start(ctx))
	_, err = client.Insert(ctx, blockingArgs{}, nil)
	must(t, err)
	select {
	case <-w.started:
	case <-time.After(15 * time.Second):
		t.Fatal("job did not start")
	}

	stopCtx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := jobs.Stop(stopCtx, client); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	select {
	case <-w.cancelled:
	default:
		t.Fatal("Stop returned but the running job's context was never cancelled")
	}
	select {
	case <-client.Stopped():
	default:
		t.Fatal("client not stopped after Stop")
	}
	t.Logf("Stop took %v", time.Since(start))
}

func TestStopGracefulWhenIdle(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	workers := river.NewWorkers()
	river.AddWorker(workers, jobs.NewWebhookWorker(nil))
	client, err := jobs.NewClient(e.pool, workers, jobs.Config{})
	must(t, err)
	must(t, client.Start(context.Background()))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	must(t, jobs.Stop(ctx, client))
	select {
	case <-client.Stopped():
	default:
		t.Fatal("client not stopped")
	}
}

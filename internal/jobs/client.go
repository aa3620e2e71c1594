package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
)

// DefaultConcurrency is the default queue's worker count when Config leaves
// it at zero; it matches REMIT_WORKERS' default.
const DefaultConcurrency = 10

// hardStopTimeout bounds how long Stop waits for cancelled jobs to return
// after the graceful stop ran out of time.
const hardStopTimeout = 10 * time.Second

// Config tunes NewClient.
type Config struct {
	// Logger receives River's logs; nil discards them.
	Logger *slog.Logger
	// Concurrency is the default queue's worker count (REMIT_WORKERS); 0
	// means DefaultConcurrency.
	Concurrency int
	// Queues adds or overrides queues; the default queue is added with
	// Concurrency when absent.
	Queues map[string]river.QueueConfig
	// PeriodicJobs are scheduled by the elected leader only, so replicas do
	// not multiply them.
	PeriodicJobs []*river.PeriodicJob
	// RetryPolicy spaces out retries of failed jobs; nil means River's
	// default (attempt⁴ seconds with jitter: 25 attempts span about three
	// weeks, which outlasts any Jira outage). Tests pass a faster one.
	RetryPolicy river.ClientRetryPolicy
	// RescueStuckJobsAfter is how long a job may stay running before River
	// on another replica takes it for dead (its process was killed) and
	// retries it; 0 means River's default, one hour. River's rescuer also
	// leaves a job alone until its own timeout (Timeout on the worker, else
	// the client's job timeout) has passed, when a live attempt has been
	// cancelled, so a short horizon never starts a slow job a second time
	// while it still runs: a stranded job comes back after the longer of
	// the two, plus up to 30 s (the rescuer's interval).
	RescueStuckJobsAfter time.Duration
}

// NewClient builds a River client on pool. With workers == nil it is
// insert-only (for `remit migrate`, CLIs and web-only processes): it can
// InsertTx but never works jobs, so Queues and PeriodicJobs must be empty.
func NewClient(pool *pgxpool.Pool, workers *river.Workers, cfg Config) (*river.Client[pgx.Tx], error) {
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	// River fetches at most once per FetchCooldown, taking as many jobs as
	// there are idle workers, so the cooldown caps throughput at
	// workers/cooldown: 10 workers at River's default 100 ms is only 100
	// jobs/s, too few for a burst of webhooks. 10 ms allows 1,000/s.
	rc := &river.Config{Logger: logger, RetryPolicy: cfg.RetryPolicy, FetchCooldown: 10 * time.Millisecond,
		RescueStuckJobsAfter: cfg.RescueStuckJobsAfter}
	if cfg.RescueStuckJobsAfter < 0 {
		return nil, fmt.Errorf("jobs.NewClient: RescueStuckJobsAfter %v is negative", cfg.RescueStuckJobsAfter)
	}
	if cfg.RescueStuckJobsAfter > 0 && cfg.RescueStuckJobsAfter < river.JobTimeoutDefault {
		// River refuses a rescue horizon below the default job timeout;
		// workers with their own Timeout keep it.
		rc.JobTimeout = cfg.RescueStuckJobsAfter
	}
	if workers == nil {
		if len(cfg.Queues) > 0 || len(cfg.PeriodicJobs) > 0 {
			return nil, errors.New("jobs.NewClient: an insert-only client (no workers) cannot have queues or periodic jobs")
		}
	} else {
		concurrency := cfg.Concurrency
		if concurrency == 0 {
			concurrency = DefaultConcurrency
		}
		if concurrency < 0 || concurrency > 10_000 {
			return nil, fmt.Errorf("jobs.NewClient: concurrency %d out of range 1..10000", concurrency)
		}
		queues := make(map[string]river.QueueConfig, len(cfg.Queues)+1)
		for name, q := range cfg.Queues {
			queues[name] = q
		}
		if _, ok := queues[river.QueueDefault]; !ok {
			queues[river.QueueDefault] = river.QueueConfig{MaxWorkers: concurrency}
		}
		rc.Queues = queues
		rc.Workers = workers
		rc.PeriodicJobs = cfg.PeriodicJobs
	}
	client, err := river.NewClient(riverpgxv5.New(pool), rc)
	if err != nil {
		return nil, fmt.Errorf("jobs.NewClient: %w", err)
	}
	return client, nil
}

// Stop shuts client down gracefully: running jobs may finish until ctx is
// done, then their contexts are cancelled and Stop waits a little longer
// for them to return. It is what `serve` calls on SIGTERM.
func Stop(ctx context.Context, client *river.Client[pgx.Tx]) error {
	err := client.Stop(ctx)
	if err == nil || ctx.Err() == nil {
		return err
	}
	hardCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), hardStopTimeout)
	defer cancel()
	if err := client.StopAndCancel(hardCtx); err != nil {
		return fmt.Errorf("jobs.Stop: hard stop: %w", err)
	}
	return nil
}

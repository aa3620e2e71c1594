package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
)

// WebhookRetention is how long delivery identifiers are kept for dedupe;
// Jira stops redelivering long before.
const WebhookRetention = 7 * 24 * time.Hour

// pruneInterval is how often the pruning job is scheduled.
const pruneInterval = time.Hour

// PruneArgs schedules the pruning of old webhook delivery records.
type PruneArgs struct{}

// Kind names the job in river_job.
func (PruneArgs) Kind() string { return "webhook_deliveries_prune" }

// InsertOpts keeps one pruning job per interval however many replicas or
// restarts try to schedule it.
func (PruneArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: pruneInterval}}
}

// DeliveryPruner is the store method the pruning job needs; an interface so
// that jobs does not depend on the store package.
type DeliveryPruner interface {
	PruneWebhookDeliveries(ctx context.Context, olderThan time.Time) (int64, error)
}

// PruneWorker deletes webhook delivery records older than WebhookRetention.
type PruneWorker struct {
	river.WorkerDefaults[PruneArgs]

	store  DeliveryPruner
	now    func() time.Time
	logger *slog.Logger
}

// NewPruneWorker builds the worker with an injected clock.
func NewPruneWorker(store DeliveryPruner, now func() time.Time, logger *slog.Logger) *PruneWorker {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if now == nil {
		now = time.Now
	}
	return &PruneWorker{store: store, now: now, logger: logger}
}

// Work prunes once.
func (w *PruneWorker) Work(ctx context.Context, _ *river.Job[PruneArgs]) error {
	cutoff := w.now().Add(-WebhookRetention)
	n, err := w.store.PruneWebhookDeliveries(ctx, cutoff)
	if err != nil {
		return fmt.Errorf("prune webhook deliveries: %w", err)
	}
	w.logger.InfoContext(ctx, "webhook deliveries pruned", slog.Int64("deleted", n), slog.Time("before", cutoff))
	return nil
}

// PrunePeriodicJob schedules PruneArgs hourly, and once at leader start.
func PrunePeriodicJob() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(pruneInterval),
		func() (river.JobArgs, *river.InsertOpts) { return PruneArgs{}, nil },
		&river.PeriodicJobOpts{ID: "webhook_deliveries_prune", RunOnStart: true})
}

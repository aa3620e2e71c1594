package jobs

import (
	"log/slog"
	"time"

	"github.com/riverqueue/river"
)

// AddPruneWorker registers the webhook-delivery pruning worker on workers,
// on Remit's clock now: deliveries are stamped with it, and pruning on
// another clock would delete deliveries whose jobs have not run yet.
func AddPruneWorker(workers *river.Workers, store DeliveryPruner, now func() time.Time, logger *slog.Logger) {
	river.AddWorker(workers, NewPruneWorker(store, now, logger))
}

// PeriodicJobs lists the periodic jobs this package owns, for Config; the
// workers they need must be registered (AddPruneWorker).
func PeriodicJobs() []*river.PeriodicJob {
	return []*river.PeriodicJob{PrunePeriodicJob()}
}

package jobs

import "github.com/riverqueue/river"

// AddPruneWorker registers the webhook-delivery pruning worker on workers,
// on the wall clock and without logs; use NewPruneWorker with river.AddWorker
// to inject a clock or logger.
func AddPruneWorker(workers *river.Workers, store DeliveryPruner) {
	river.AddWorker(workers, NewPruneWorker(store, nil, nil))
}

// PeriodicJobs lists the periodic jobs this package owns, for Config; the
// workers they need must be registered (AddPruneWorker).
func PeriodicJobs() []*river.PeriodicJob {
	return []*river.PeriodicJob{PrunePeriodicJob()}
}

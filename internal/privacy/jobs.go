package privacy

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
)

// sweepInterval is how often tenants are scanned for accounts to report
// and for expired retention; reports themselves follow each account's
// Cycle-Period, so a daily scan reports nothing early.
const sweepInterval = 24 * time.Hour

// SweepArgs starts a reporting run per active tenant and the retention
// purge.
type SweepArgs struct{}

// Kind names the job in river_job.
func (SweepArgs) Kind() string { return "privacy_sweep" }

// InsertOpts keeps one sweep per interval across replicas and restarts.
func (SweepArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: sweepInterval}}
}

// ReportArgs reports one tenant's accounts.
type ReportArgs struct {
	ClientKey string `json:"client_key"`
}

// Kind names the job in river_job.
func (ReportArgs) Kind() string { return "privacy_report" }

// InsertOpts keeps one report job per tenant per interval.
func (ReportArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: sweepInterval}}
}

// SweepWorker lists the tenants, enqueues their report jobs and purges
// tenants past retention.
type SweepWorker struct {
	river.WorkerDefaults[SweepArgs]
	Service *Service
}

// Work runs one sweep.
func (w *SweepWorker) Work(ctx context.Context, _ *river.Job[SweepArgs]) error {
	s := w.Service
	tenants, err := s.DB.ActiveTenants(ctx)
	if err != nil {
		return err
	}
	params := make([]river.InsertManyParams, 0, len(tenants))
	for _, t := range tenants {
		params = append(params, river.InsertManyParams{Args: ReportArgs{ClientKey: t.ClientKey}})
	}
	if len(params) > 0 {
		if _, err := s.DB.EnqueueMany(ctx, params); err != nil {
			return err
		}
	}
	_, err = s.PurgeExpired(ctx, s.Now())
	return err
}

// ReportWorker runs ReportTenant; a 429 snoozes the job for Retry-After.
type ReportWorker struct {
	river.WorkerDefaults[ReportArgs]
	Service *Service
}

// Work reports one tenant.
func (w *ReportWorker) Work(ctx context.Context, job *river.Job[ReportArgs]) error {
	rep, err := w.Service.ReportTenant(ctx, job.Args.ClientKey)
	var later *RetryLater
	if errors.As(err, &later) {
		w.Service.Logger.InfoContext(ctx, "personal data reporting throttled", slog.String("client_key", job.Args.ClientKey),
			slog.Duration("retry_after", later.After), slog.Int("reported", rep.Accounts))
		return river.JobSnooze(later.After)
	}
	return err
}

// PeriodicJobs is the daily sweep. It does not run at leader start: a
// deploy must not call every site at once, and a day's delay is well
// inside the 7-day cycle.
func PeriodicJobs() []*river.PeriodicJob {
	return []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(sweepInterval),
		func() (river.JobArgs, *river.InsertOpts) { return SweepArgs{}, nil },
		&river.PeriodicJobOpts{ID: "privacy_sweep"})}
}

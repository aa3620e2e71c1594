package followupengine

import (
	"time"

	"github.com/riverqueue/river"
)

// ActionArgs is one planned action of one step for an invoice
// (Installment 0) or one of its installments. It is unique by (tenant,
// invoice, installment, step, action), the event's key, so no replica can
// enqueue it twice; the event row's unique constraint is the guarantee
// behind that, and the worker does nothing once the event is final.
type ActionArgs struct {
	ClientKey   string    `json:"clientKey" river:"unique"`
	InvoiceID   int64     `json:"invoiceId" river:"unique"`
	Installment int64     `json:"installment" river:"unique"`
	Step        string    `json:"step" river:"unique"`
	Action      string    `json:"action" river:"unique"`
	EventID     int64     `json:"eventId"`
	AsOf        time.Time `json:"asOf"` // the sweep instant: the day messages and fees are computed for
}

// Kind names the job.
func (ActionArgs) Kind() string { return "followup_action" }

// InsertOpts makes the job unique by its event key.
func (ActionArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// SweepArgs asks for one tenant's sweep at a scheduled instant. It is
// unique by (tenant, instant), so however many replicas or heartbeats
// enqueue the same instant, it runs once.
type SweepArgs struct {
	ClientKey string    `json:"clientKey" river:"unique"`
	Instant   time.Time `json:"instant" river:"unique"`
}

// Kind names the job.
func (SweepArgs) Kind() string { return "followup_sweep" }

// InsertOpts makes the sweep unique by (tenant, instant).
func (SweepArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}, MaxAttempts: 5}
}

// ScheduleArgs is the scheduler's tick: the leader runs it every minute
// and it enqueues the sweeps whose cron instants came.
type ScheduleArgs struct{}

// Kind names the job.
func (ScheduleArgs) Kind() string { return "followup_schedule" }

// InsertOpts keeps one tick per minute however many times it is enqueued.
func (ScheduleArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: time.Minute}, MaxAttempts: 1}
}

// PeriodicJobs are the engine's periodic jobs (the scheduler tick); River
// runs them on the elected leader only.
func PeriodicJobs() []*river.PeriodicJob {
	return []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(time.Minute),
		func() (river.JobArgs, *river.InsertOpts) { return ScheduleArgs{}, nil },
		&river.PeriodicJobOpts{ID: "followup_schedule", RunOnStart: true})}
}

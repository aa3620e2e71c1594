package followupengine

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/robfig/cron/v3"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// catchUpWindow bounds how far back the scheduler looks for a missed
// instant; only the latest one is ever enqueued.
const catchUpWindow = 8 * 24 * time.Hour

// ScheduleWorker is the leader's tick: for every active tenant it
// evaluates the follow-up schedule (a cron expression in the tenant's
// zone) and enqueues the sweep of the latest instant due since the last.
type ScheduleWorker struct {
	river.WorkerDefaults[ScheduleArgs]
	Engine *Engine
}

// Work evaluates every tenant's schedule once.
func (w *ScheduleWorker) Work(ctx context.Context, _ *river.Job[ScheduleArgs]) error {
	e := w.Engine
	tenants, err := e.DB.FollowupTenants(ctx)
	if err != nil {
		return err
	}
	now := e.now()
	enqueued := 0
	for _, ft := range tenants {
		ok, err := e.schedule(ctx, ft, now)
		if err != nil {
			e.logger().WarnContext(ctx, "follow-up schedule not evaluated", slog.String("client_key", ft.ClientKey), slog.String("error", err.Error()))
			continue
		}
		if ok {
			enqueued++
		}
	}
	if enqueued > 0 {
		e.logger().InfoContext(ctx, "follow-up sweeps enqueued", slog.Int("sweeps", enqueued), slog.Int("tenants", len(tenants)))
	}
	return nil
}

// Heartbeat evaluates one tenant's schedule now: the Forge scheduled
// trigger's backup for the leader's tick. A sweep the tick enqueued
// already is not enqueued again.
func (e *Engine) Heartbeat(ctx context.Context, t remit.Tenant) error {
	ft, ok, err := e.DB.FollowupTenant(ctx, t.ClientKey)
	if err != nil || !ok {
		return err
	}
	_, err = e.schedule(ctx, ft, e.now())
	return err
}

// LatestInstant is the latest instant of spec (a five-field cron
// expression, evaluated in loc) after last and at or before now; ok is
// false when none came. Instants more than catchUpWindow before now are
// not looked at.
func LatestInstant(spec string, loc *time.Location, last, now time.Time) (time.Time, bool, error) {
	sched, err := cron.ParseStandard(spec)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("follow-up schedule %q: %w", spec, err)
	}
	if now.Sub(last) > catchUpWindow {
		last = now.Add(-catchUpWindow)
	}
	next := sched.Next(last.In(loc))
	if next.IsZero() || next.After(now) {
		return time.Time{}, false, nil
	}
	for {
		n := sched.Next(next)
		if n.IsZero() || n.After(now) {
			return next, true, nil
		}
		next = n
	}
}

// schedule enqueues the tenant's sweep for the latest instant due since
// the last one, moving the tenant's last instant in the same transaction
// (a replica that lost the race enqueues nothing). A tenant seen for the
// first time starts from now; an unlicensed one is left alone, but Jira
// is asked about its licence again every licenceRecheck, and when the
// licence returns only its latest missed instant runs.
func (e *Engine) schedule(ctx context.Context, ft store.FollowupTenant, now time.Time) (bool, error) {
	if ft.Licence == store.LicenceNone {
		if !e.recheckLicence(ft.ClientKey, now) {
			return false, nil
		}
		t, err := e.DB.TenantByClientKey(ctx, ft.ClientKey)
		if err != nil {
			return false, err
		}
		if e.licenceFromJira(ctx, t, ft.Licence) == store.LicenceNone {
			return false, nil
		}
	}
	if ft.LastInstant == nil {
		_, err := e.DB.AdvanceFollowupSchedule(ctx, nil, ft.ClientKey, nil, now)
		return false, err
	}
	spec := ft.Schedule
	if spec == "" {
		spec = invoice.DefaultFollowupSchedule
	}
	loc := invoice.Settings{Timezone: ft.Timezone}.Location()
	at, ok, err := LatestInstant(spec, loc, *ft.LastInstant, now)
	if err != nil || !ok {
		return false, err
	}
	enqueued := false
	err = e.DB.InTx(ctx, func(tx *store.Tx) error {
		moved, err := e.DB.AdvanceFollowupSchedule(ctx, tx, ft.ClientKey, ft.LastInstant, at)
		if err != nil || !moved {
			return err
		}
		res, err := tx.Enqueue(ctx, SweepArgs{ClientKey: ft.ClientKey, Instant: at.UTC()}, nil)
		enqueued = err == nil && !res.UniqueSkippedAsDuplicate
		return err
	})
	return enqueued, err
}

// SweepWorker runs one scheduled sweep.
type SweepWorker struct {
	river.WorkerDefaults[SweepArgs]
	Engine *Engine
}

// Timeout allows a sweep over many due invoices.
func (w *SweepWorker) Timeout(*river.Job[SweepArgs]) time.Duration { return 30 * time.Minute }

// Work sweeps the tenant at the scheduled instant; the actions run as
// their own jobs.
func (w *SweepWorker) Work(ctx context.Context, job *river.Job[SweepArgs]) error {
	t, err := w.Engine.DB.TenantByClientKey(ctx, job.Args.ClientKey)
	if remit.IsKind(err, remit.NotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	_, err = w.Engine.Sweep(ctx, t, job.Args.Instant)
	return err
}

package followupengine

import (
	"context"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/remitapp/remit/internal/followup"
	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// sweepBatch is how many due invoices a sweep reads at a time.
const sweepBatch = 200

// Outcome is one action a sweep decided, with its status as it stands:
// queued until its job ran, then done, failed, skipped or cancelled. In a
// plan (Preview) Status is run, skip or cancel.
type Outcome struct {
	EventID       int64  `json:"-"`
	InvoiceID     int64  `json:"invoiceId"`
	InvoiceNumber string `json:"invoiceNumber"`
	Installment   int64  `json:"installment"`
	Step          string `json:"step"`
	Action        string `json:"action"`
	Status        string `json:"status"`
	Reconcile     bool   `json:"reconcile,omitempty"`
	Detail        string `json:"detail"`
}

// SweepResult is what a sweep did. Paused says why nothing was done for
// the tenant ("" when the sweep ran).
type SweepResult struct {
	AsOf     time.Time
	Paused   string
	Invoices int
	Outcomes []Outcome
}

// tenantRun is what a sweep needs of its tenant, read once.
type tenantRun struct {
	t        remit.Tenant
	set      invoice.Settings
	policy   followup.Policy
	loc      *time.Location
	priority int // of the run's action jobs (runPriority)
}

// tenantRun loads the tenant's settings and policy, or says why the
// engine leaves the tenant alone: uninstalled, disabled, unlicensed or
// not configured. With fromJira (a run, not a plan) the licence is read
// from Jira first.
func (e *Engine) tenantRun(ctx context.Context, t remit.Tenant, fromJira bool) (tenantRun, string, error) {
	if !t.Active() {
		return tenantRun{}, "the tenant is not installed and enabled", nil
	}
	lic, err := e.DB.TenantLicence(ctx, t.ClientKey)
	if err != nil {
		return tenantRun{}, "", err
	}
	if fromJira {
		lic = e.licenceFromJira(ctx, t, lic)
	}
	if lic == store.LicenceNone {
		return tenantRun{}, "the tenant's licence is not active", nil
	}
	set, ok, err := e.DB.GetSettings(ctx, t.ClientKey)
	if err != nil {
		return tenantRun{}, "", err
	}
	if !ok || set.BillingProjectKey == "" {
		return tenantRun{}, "Remit is not configured for the tenant", nil
	}
	p, _, err := e.DB.GetPolicy(ctx, t.ClientKey)
	if err != nil {
		return tenantRun{}, "", err
	}
	return tenantRun{t: t, set: set, policy: p, loc: set.Location()}, "", nil
}

// MaxRunSkew is how far past Remit's clock a run's asOf may be (clock
// skew between a caller and Remit).
const MaxRunSkew = time.Minute

// Sweep runs the engine for one tenant at asOf: for every invoice whose
// next action time has come it plans, and in one transaction per invoice
// records the decisions, enqueues one job per action to run and stores
// the next action time. It returns the decisions; the jobs run on the
// workers (see Wait). Sweeping the same instant again, concurrently or
// later, adds nothing.
func (e *Engine) Sweep(ctx context.Context, t remit.Tenant, asOf time.Time) (SweepResult, error) {
	res := SweepResult{AsOf: asOf}
	if now := e.now(); asOf.After(now.Add(MaxRunSkew)) {
		// One clock: a run acts now. Acting at a later instant would send
		// "overdue" messages early and charge interest for days that have
		// not passed, while the Jira sync reads the real day.
		return res, remit.FieldErrors(remit.Unprocessable, "followup.Sweep", "a run acts now; a plan answers for any instant",
			map[string]string{"asOf": "must not be later than now (" + now.UTC().Format(time.RFC3339) + ")"})
	}
	run, paused, err := e.tenantRun(ctx, t, true)
	if err != nil || paused != "" {
		res.Paused = paused
		return res, err
	}
	log := e.logger().With(slog.String("client_key", t.ClientKey), slog.Time("as_of", asOf))
	if n, err := e.DB.FailAbandonedFollowupEvents(ctx, t.ClientKey); err != nil {
		return res, err
	} else if n > 0 {
		log.WarnContext(ctx, "follow-up actions whose jobs were discarded recorded failed", slog.Int64("events", n))
	}
	start := e.now()
	due, err := e.DB.CountDueInvoices(ctx, t.ClientKey, asOf, runSizes[len(runSizes)-1]+1)
	if err != nil {
		return res, err
	}
	run.priority = runPriority(due)
	err = e.eachDue(ctx, t.ClientKey, asOf, func(id int64) error {
		out, err := e.sweepInvoice(ctx, run, id, asOf)
		if err != nil {
			return err
		}
		res.Invoices++
		res.Outcomes = append(res.Outcomes, out...)
		return nil
	})
	// The groups this sweep filled (and any a sweep that died left open)
	// are complete: their e-mails may go out.
	if cerr := e.DB.CloseMailGroups(ctx, t.ClientKey, asOf); err == nil {
		err = cerr
	}
	log.InfoContext(ctx, "follow-up sweep", slog.Int("invoices", res.Invoices), slog.Int("actions", len(res.Outcomes)),
		slog.Duration("duration", e.now().Sub(start)))
	return res, err
}

// eachDue calls fn for each of the tenant's invoices due at asOf, reading
// them in keyset-paginated batches.
func (e *Engine) eachDue(ctx context.Context, clientKey string, asOf time.Time, fn func(id int64) error) error {
	var cursor *store.DueInvoice
	for {
		due, err := e.DB.DueInvoices(ctx, clientKey, asOf, cursor, sweepBatch)
		if err != nil {
			return err
		}
		for _, d := range due {
			if err := fn(d.ID); err != nil {
				return err
			}
		}
		if len(due) < sweepBatch {
			return nil
		}
		cursor = &due[len(due)-1]
	}
}

// Fairness between tenants (SPEC §5: one tenant's volume never delays
// another's). River works the available job of the first priority first,
// then the earliest scheduled, then the oldest. A sweep's action jobs go
// in at a priority by the size of its run: a run of up to 100 due
// invoices at River's first priority (with the webhooks and Jira syncs),
// up to 1,000 at the second, up to 10,000 at the third, more at the
// fourth. So a tenant's few reminders never queue behind another's
// backlog of thousands: they wait only for the jobs already running and
// those of runs no bigger than theirs. A backlog is worked whenever the
// smaller runs leave a worker free; within one run, jobs keep their order.
var runSizes = []int{100, 1_000, 10_000}

// runPriority is the River priority of the action jobs of a run of due
// invoices.
func runPriority(due int) int {
	for i, n := range runSizes {
		if due <= n {
			return i + 1
		}
	}
	return len(runSizes) + 1
}

// sweepInvoice plans one invoice under its row lock and records the plan.
func (e *Engine) sweepInvoice(ctx context.Context, run tenantRun, id int64, asOf time.Time) ([]Outcome, error) {
	ck := run.t.ClientKey
	var out []Outcome
	err := e.DB.InTx(ctx, func(tx *store.Tx) error {
		out = nil
		st, err := e.DB.FollowupState(ctx, tx, ck, id)
		if remit.IsKind(err, remit.NotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if st.NextActionAt == nil || st.NextActionAt.After(asOf) {
			return nil // another sweep got here first
		}
		in := followup.PlanInput{Facts: st.Facts(run.loc), Policy: run.policy, Events: store.PlannerEvents(st.Events), AsOf: asOf, Location: run.loc}
		r := followup.Plan(in)
		var news []store.NewFollowupEvent
		add := func(ps []followup.Planned, status string) {
			for _, p := range ps {
				news = append(news, store.NewFollowupEvent{Installment: p.Installment, Step: p.Step, Action: string(p.Action.Kind),
					Status: status, Reconcile: p.Reconcile, Detail: p.Reason})
			}
		}
		add(r.Run, store.EventQueued)
		add(r.Skip, store.EventSkipped)
		add(r.Cancel, store.EventCancelled)
		inserted, err := e.DB.InsertFollowupEvents(ctx, tx, ck, id, asOf, news)
		if err != nil {
			return err
		}
		var mails []int64
		for _, ev := range inserted {
			if ev.Status == store.EventQueued && ev.Action == string(followup.ActionEmail) {
				mails = append(mails, ev.ID)
			}
		}
		if len(mails) > 0 {
			// One e-mail per customer per run: the sweep's e-mails to this
			// customer go out as one message (mailgroup.go).
			if err := e.DB.JoinMailGroup(ctx, tx, ck, st.Invoice.CustomerID, asOf, mails); err != nil {
				return err
			}
		}
		for _, ev := range inserted {
			if ev.Status == store.EventQueued {
				args := ActionArgs{ClientKey: ck, InvoiceID: id, Installment: ev.Installment, Step: ev.Step, Action: ev.Action, EventID: ev.ID, AsOf: asOf}
				opts := &river.InsertOpts{MaxAttempts: e.maxAttempts(), Priority: run.priority, UniqueOpts: river.UniqueOpts{ByArgs: true}}
				if _, err := tx.Enqueue(ctx, args, opts); err != nil {
					return err
				}
			}
			out = append(out, outcomeOf(ev, st.Invoice.Number))
		}
		in.Events = store.PlannerEvents(append(st.Events, inserted...))
		return e.DB.SetNextActionAt(ctx, tx, ck, id, followup.NextActionAt(in))
	})
	if err != nil {
		return nil, err
	}
	for _, o := range out {
		if o.Status != store.EventQueued {
			e.Metrics.count(o.Step, o.Action, o.Status)
		}
	}
	return out, nil
}

func outcomeOf(ev store.FollowupEvent, number string) Outcome {
	return Outcome{EventID: ev.ID, InvoiceID: ev.InvoiceID, InvoiceNumber: number, Installment: ev.Installment,
		Step: ev.Step, Action: ev.Action, Status: ev.Status, Reconcile: ev.Reconcile, Detail: ev.Detail}
}

// Preview is what a sweep at asOf would decide, without changing
// anything: Status is run, skip or cancel.
func (e *Engine) Preview(ctx context.Context, t remit.Tenant, asOf time.Time) (SweepResult, error) {
	res := SweepResult{AsOf: asOf}
	run, paused, err := e.tenantRun(ctx, t, false)
	if err != nil || paused != "" {
		res.Paused = paused
		return res, err
	}
	err = e.eachDue(ctx, t.ClientKey, asOf, func(id int64) error {
		st, err := e.DB.FollowupState(ctx, nil, t.ClientKey, id)
		if remit.IsKind(err, remit.NotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		r := followup.Plan(followup.PlanInput{Facts: st.Facts(run.loc), Policy: run.policy, Events: store.PlannerEvents(st.Events), AsOf: asOf, Location: run.loc})
		res.Invoices++
		for _, g := range []struct {
			ps     []followup.Planned
			status string
		}{{r.Run, "run"}, {r.Skip, "skip"}, {r.Cancel, "cancel"}} {
			for _, p := range g.ps {
				res.Outcomes = append(res.Outcomes, Outcome{InvoiceID: id, InvoiceNumber: st.Invoice.Number, Installment: p.Installment,
					Step: p.Step, Action: string(p.Action.Kind), Status: g.status, Reconcile: p.Reconcile, Detail: p.Reason})
			}
		}
		return nil
	})
	return res, err
}

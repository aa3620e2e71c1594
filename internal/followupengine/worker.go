package followupengine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/riverqueue/river"

	"github.com/remitapp/remit/internal/followup"
	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/jira"
	"github.com/remitapp/remit/internal/mail"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// ActionWorker performs ActionArgs jobs.
type ActionWorker struct {
	river.WorkerDefaults[ActionArgs]
	Engine *Engine
}

// actionTimeout leaves room for a couple of Jira rate-limit waits and a
// slow SMTP server; an attempt cut short is retried (every action is
// idempotent or looks for its own earlier effect first). It is also how
// long an action stranded by a killed process waits to be rescued.
const actionTimeout = 2 * time.Minute

// Timeout bounds one attempt.
func (w *ActionWorker) Timeout(*river.Job[ActionArgs]) time.Duration { return actionTimeout }

// outcome is a final result an action reached: status done, skipped or
// failed, with the detail the timeline shows.
type outcome struct {
	status string
	detail string
}

func done(format string, args ...any) outcome {
	return outcome{store.EventDone, fmt.Sprintf(format, args...)}
}

// skipError ends an action as skipped: there was nothing it could do
// (no invoice issue, e-mail off, no recipient).
type skipError struct{ reason string }

func (e *skipError) Error() string { return e.reason }

func skip(format string, args ...any) error { return &skipError{fmt.Sprintf(format, args...)} }

// permanentError ends an action as failed at once: retrying cannot help
// (a workflow without the transition, a recipient the server refuses).
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

func permanent(err error) error { return &permanentError{err} }

// Work runs the action once its event is still queued and the invoice
// still calls for it; an action that can never succeed, or that used up
// its retry budget, is recorded failed and never runs again.
func (w *ActionWorker) Work(ctx context.Context, job *river.Job[ActionArgs]) error {
	e, a := w.Engine, job.Args
	// A 429 or a spent tenant budget snoozes the job below rather than
	// holding this worker while another tenant's jobs wait.
	ctx = jira.WithoutWaiting(ctx)
	log := e.logger().With(slog.String("client_key", a.ClientKey), slog.Int64("invoice_id", a.InvoiceID),
		slog.String("step", a.Step), slog.String("action", a.Action), slog.Int64("installment", a.Installment), slog.Int("attempt", job.Attempt))
	ev, err := e.DB.FollowupEvent(ctx, a.ClientKey, a.EventID)
	if remit.IsKind(err, remit.NotFound) {
		return nil // the invoice and its events were deleted with the tenant's data
	}
	if err != nil {
		return err
	}
	if ev.Status != store.EventQueued {
		return nil // already finished: an action never runs twice
	}
	ac, stop, err := e.loadAction(ctx, a)
	if err != nil {
		return w.retryOrFail(ctx, job, log, err)
	}
	if stop != nil {
		if stop.status == "" {
			return river.JobSnooze(time.Hour) // the tenant is disabled or unlicensed, or the invoice disputed: wait, do not lose the action
		}
		if stop.status == store.EventCancelled {
			where, found, err := e.postedBefore(ctx, ac, ev)
			var snooze *river.JobSnoozeError
			switch {
			case errors.As(err, &snooze):
				return err
			case err != nil:
				return w.retryOrFail(ctx, job, log, err)
			case found:
				return e.finish(ctx, a, store.EventDone, fmt.Sprintf("comment %s, posted by an earlier attempt before %s", where, stop.detail), log)
			}
		}
		return e.finish(ctx, a, stop.status, stop.detail, log)
	}
	ac.event = ev
	res, err := e.perform(ctx, ac)
	var sk *skipError
	var snooze *river.JobSnoozeError
	switch {
	case err == nil:
		if res.status == "" {
			return nil // finished inside the action's own transaction
		}
		return e.finish(ctx, a, res.status, res.detail, log)
	case errors.As(err, &snooze):
		return err
	case errors.Is(err, errFinished):
		return nil
	case errors.As(err, &sk):
		return e.finish(ctx, a, store.EventSkipped, sk.reason, log)
	}
	if apiErr, ok := jira.AsAPIError(err); ok && apiErr.RetryAfter > 0 && apiErr.Status == http.StatusTooManyRequests {
		log.InfoContext(ctx, "jira asked us to wait", slog.Duration("retry_after", apiErr.RetryAfter))
		return river.JobSnooze(apiErr.RetryAfter)
	}
	if isPermanent(err) {
		return e.finish(ctx, a, store.EventFailed, err.Error(), log)
	}
	return w.retryOrFail(ctx, job, log, err)
}

// retryOrFail hands a temporary failure back to River for a retry with
// backoff, or records the action failed when this was its last attempt,
// so the failure shows in the timeline instead of being lost.
func (w *ActionWorker) retryOrFail(ctx context.Context, job *river.Job[ActionArgs], log *slog.Logger, err error) error {
	if job.Attempt >= job.MaxAttempts {
		return w.Engine.finish(ctx, job.Args, store.EventFailed, fmt.Sprintf("%v (gave up after %d attempts)", err, job.Attempt), log)
	}
	log.WarnContext(ctx, "follow-up action failed; retrying", slog.String("error", err.Error()))
	return err
}

// isPermanent tells failures that no retry fixes: Jira refusing the
// request itself (400, 401, 403, 404, 422) and permanent SMTP replies.
func isPermanent(err error) bool {
	var pe *permanentError
	if errors.As(err, &pe) {
		return true
	}
	var me *mail.Error
	if errors.As(err, &me) {
		return !me.Temporary
	}
	if apiErr, ok := jira.AsAPIError(err); ok {
		switch apiErr.Status {
		case http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusUnprocessableEntity:
			return true
		}
	}
	return false
}

// finish records the outcome; an event finished by another attempt
// meanwhile stays as it was.
func (e *Engine) finish(ctx context.Context, a ActionArgs, status, detail string, log *slog.Logger) error {
	ok, err := e.DB.FinishFollowupEvent(context.WithoutCancel(ctx), nil, a.ClientKey, a.EventID, status, detail)
	if err != nil {
		return err
	}
	if ok {
		e.Metrics.count(a.Step, a.Action, status)
		log.InfoContext(ctx, "follow-up action recorded", slog.String("status", status), slog.String("detail", detail))
	}
	return nil
}

// action is everything one action needs, loaded at the start of each attempt.
type action struct {
	args     ActionArgs
	event    store.FollowupEvent
	tenant   remit.Tenant
	set      invoice.Settings
	policy   followup.Policy
	step     followup.Step
	act      followup.Action
	state    store.FollowupState
	customer invoice.Customer
	loc      *time.Location
	today    invoice.Date // the sweep's day in the tenant's zone
}

// loadAction reads the tenant, the invoice and the step. stop, when not
// nil, ends the action before it runs: cancelled when the invoice no
// longer calls for it (paid, void, step removed), or an empty status when
// the tenant or the invoice (a dispute) is paused and the job should wait.
func (e *Engine) loadAction(ctx context.Context, a ActionArgs) (action, *outcome, error) {
	ac := action{args: a}
	t, err := e.DB.TenantByClientKey(ctx, a.ClientKey)
	if remit.IsKind(err, remit.NotFound) {
		return ac, &outcome{store.EventCancelled, "the tenant is gone"}, nil
	}
	if err != nil {
		return ac, nil, err
	}
	if t.State == remit.TenantUninstalled {
		return ac, &outcome{store.EventCancelled, "the tenant uninstalled Remit before the action ran"}, nil
	}
	lic, err := e.DB.TenantLicence(ctx, a.ClientKey)
	if err != nil {
		return ac, nil, err
	}
	if !t.Enabled || lic == store.LicenceNone {
		return ac, &outcome{}, nil
	}
	ac.tenant = t
	set, ok, err := e.DB.GetSettings(ctx, a.ClientKey)
	if err != nil {
		return ac, nil, err
	}
	if !ok {
		set = invoice.DefaultSettings()
	}
	ac.set, ac.loc = set, set.Location()
	ac.today = invoice.DateOf(a.AsOf.In(ac.loc))
	if ac.policy, _, err = e.DB.GetPolicy(ctx, a.ClientKey); err != nil {
		return ac, nil, err
	}
	if ac.state, err = e.DB.FollowupState(ctx, nil, a.ClientKey, a.InvoiceID); err != nil {
		return ac, nil, err
	}
	step, found := ac.policy.FindStep(a.Step, ac.state.Promise)
	if found {
		ac.step = step
		for _, x := range step.Actions {
			if string(x.Kind) == a.Action {
				ac.act = x
			}
		}
	}
	if !found || ac.act.Kind == "" {
		return ac, &outcome{store.EventCancelled, "the step or action was removed from the policy before it ran"}, nil
	}
	if reason := stillDue(ac.state, a.Installment); reason != "" {
		return ac, &outcome{store.EventCancelled, reason}, nil
	}
	if ac.state.Invoice.Disputed {
		// A dispute pauses the ladder: the action waits, queued, and runs
		// once the dispute is withdrawn (which wakes it), never lost.
		return ac, &outcome{}, nil
	}
	if p := ac.state.Promise; p != nil && p.Paused(ac.today) && a.Step != p.StepKey() {
		// The customer promised to pay after the sweep planned this: the
		// promise holds the ladder, and its broken step catches up.
		return ac, &outcome{store.EventCancelled, fmt.Sprintf("the customer promised to pay by %s before the step ran", p.PromisedOn)}, nil
	}
	if ac.customer, err = e.DB.Customer(ctx, a.ClientKey, ac.state.Invoice.CustomerID); err != nil {
		return ac, nil, err
	}
	return ac, nil, nil
}

// stillDue says why an invoice no longer calls for its queued actions, or
// "" when it does: a payment, void, write-off or dispute that came after
// the sweep cancels them.
func stillDue(st store.FollowupState, installment int64) string {
	inv := st.Invoice
	switch {
	case inv.Status == invoice.StatusPaid:
		return followup.ReasonSettled
	case !inv.Open():
		return fmt.Sprintf("the invoice became %s before the step ran", inv.Status)
	}
	if installment != 0 {
		for _, in := range inv.Plan {
			if in.ID == installment {
				if in.Settled() {
					return followup.ReasonSettled
				}
				return ""
			}
		}
		return "the payment plan changed before the step ran"
	}
	return ""
}

// postedBefore looks for the comment an earlier attempt of a comment or
// notify_admins action may have posted (its kept body on the event says
// one began) before the invoice stopped calling for the action: a payment,
// a replaced plan or a policy edit that came between an uncertain answer
// and the retry. Found, the event is done, not cancelled: the comment is
// on the issue, and Remit's record must say so.
func (e *Engine) postedBefore(ctx context.Context, ac action, ev store.FollowupEvent) (string, bool, error) {
	if ev.Payload == nil || ac.tenant.ClientKey == "" ||
		(ac.args.Action != string(followup.ActionComment) && ac.args.Action != string(followup.ActionNotifyAdmins)) {
		return "", false, nil
	}
	key, err := issueOf(ac)
	if err != nil {
		return "", false, nil //nolint:nilerr // no issue: nothing can have been posted
	}
	var kept keptComment
	if err := json.Unmarshal(ev.Payload, &kept); err != nil || kept.Body == nil {
		return "", false, nil //nolint:nilerr // no comment body kept: no attempt posted one
	}
	c, err := e.Jira.For(ac.tenant)
	if err != nil {
		return "", false, err
	}
	id, found, err := e.findOwnComment(ctx, c, ac, ev, key, kept)
	if err != nil || !found {
		return "", false, err
	}
	return id + " on " + key, true, nil
}

// perform runs the action of its kind.
func (e *Engine) perform(ctx context.Context, ac action) (outcome, error) {
	switch followup.ActionKind(ac.args.Action) {
	case followup.ActionComment:
		return e.comment(ctx, ac)
	case followup.ActionEmail:
		return e.email(ctx, ac)
	case followup.ActionTransition:
		return e.transition(ctx, ac)
	case followup.ActionLateFee:
		return e.lateFee(ctx, ac)
	case followup.ActionLabel:
		return e.label(ctx, ac)
	case followup.ActionNotifyAdmins:
		return e.notifyAdmins(ctx, ac)
	}
	return outcome{}, permanent(fmt.Errorf("unknown action %q", ac.args.Action))
}

package followupengine_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/followup"
	"github.com/remitapp/remit/internal/remit"
)

// dueDay is the bundle invoice's due date (issued 2026-11-15, 30 days).
var dueDay = time.Date(2026, 12, 15, 10, 0, 0, 0, time.UTC)

// TestRunActsNowAndPlansAnyInstant: one clock. A run whose asOf is later
// than Remit's now (beyond a minute's skew) is refused naming asOf, and
// nothing is queued, recorded, commented or charged; a plan (the CLI's and
// the policy preview's) answers for any instant and changes nothing; a
// sweep at now acts.
func TestRunActsNowAndPlansAnyInstant(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.clock.Set(dueDay.AddDate(0, 0, -10))
	for _, ahead := range []time.Duration{2 * time.Minute, 40 * 24 * time.Hour} {
		_, err := b.engine.Run(b.ctx, b.manager, b.clock.Now().Add(ahead))
		var e *remit.Error
		if !errors.As(err, &e) || e.Kind != remit.Unprocessable || e.Fields["asOf"] == "" {
			t.Fatalf("run %v ahead: %#v, want Unprocessable naming asOf", ahead, err)
		}
	}
	var events int
	if err := b.pool.QueryRow(b.ctx, `SELECT count(*) FROM followup_events`).Scan(&events); err != nil {
		t.Fatal(err)
	}
	if events != 0 || b.actionJobs(t) != 0 || len(b.site.Comments(b.key)) != 0 {
		t.Fatalf("refused runs left %d events, %d jobs, %d comments", events, b.actionJobs(t), len(b.site.Comments(b.key)))
	}

	plan, err := b.engine.Preview(b.ctx, b.tenant, dueDay.AddDate(0, 0, 40))
	if err != nil {
		t.Fatal(err)
	}
	planned := map[string]string{}
	for _, o := range plan.Outcomes {
		planned[o.Step+"/"+o.Action] = o.Status
	}
	if _, ok := planned[followup.StepFinalNotice30+"/"+string(followup.ActionLateFee)]; !ok {
		t.Fatalf("plan 40 days after the due date: %v", planned)
	}
	inv, err := b.db.Invoice(b.ctx, b.tenant.ClientKey, b.inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.pool.QueryRow(b.ctx, `SELECT count(*) FROM followup_events`).Scan(&events); err != nil {
		t.Fatal(err)
	}
	if !inv.LateFees.IsZero() || events != 0 || b.actionJobs(t) != 0 {
		t.Fatalf("a plan changed things: fee %s, %d events, %d jobs", inv.LateFees, events, b.actionJobs(t))
	}

	res := b.sweepAt(t, dueDay.AddDate(0, 0, -3))
	queued(t, res, followup.StepReminderBeforeDue, string(followup.ActionComment))
}

// TestPolicyEditNeverResends: inserting overdue-3 and renaming escalate-14
// for an invoice already past both days records them skipped ("added to
// the policy after its day"): no comment, no e-mail, no job.
func TestPolicyEditNeverResends(t *testing.T) {
	t.Parallel()
	b := setup(t)
	mailer := &recordingMailer{}
	b.engine.Mail, b.engine.MailDomain = mailer, "remit.example"
	cust, err := b.setup.Customer(b.ctx, b.manager, b.inv.CustomerID)
	if err != nil {
		t.Fatal(err)
	}
	cust.BillingEmail = "ap@acme.example"
	if _, err := b.setup.SaveCustomer(b.ctx, b.manager, cust); err != nil {
		t.Fatal(err)
	}
	res := b.sweepAt(t, dueDay.AddDate(0, 0, 16)) // catches up to escalate-14
	for _, o := range res.Outcomes {
		if o.Status == "queued" && (o.Action == string(followup.ActionComment) || o.Action == string(followup.ActionEmail)) {
			if err := b.act(res, o, 1); err != nil {
				t.Fatalf("%s %s: %v", o.Step, o.Action, err)
			}
		}
	}
	comments, mails, jobs := len(b.site.Comments(b.key)), len(mailer.sent), b.actionJobs(t)
	if comments != 1 || mails != 1 {
		t.Fatalf("the catch-up sent %d comments and %d e-mails, want the latest step's one each", comments, mails)
	}

	p, _, err := b.engine.Policy(b.ctx, b.manager)
	if err != nil {
		t.Fatal(err)
	}
	var steps []followup.Step
	for _, st := range p.Steps {
		if st.Key == followup.StepEscalate14 {
			st.Key = "escalate-leadership-14"
		}
		steps = append(steps, st)
		if st.Key == followup.StepOverdue1 {
			steps = append(steps, followup.Step{Key: "overdue-3", OffsetDays: 3, Template: followup.TemplatePolite,
				Actions: []followup.Action{{Kind: followup.ActionComment}, {Kind: followup.ActionEmail}}})
		}
	}
	p.Steps = steps
	if _, err := b.engine.PutPolicy(b.ctx, b.manager, p); err != nil {
		t.Fatal(err)
	}

	res = b.sweepAt(t, dueDay.AddDate(0, 0, 16).Add(time.Hour))
	got := plan(res)
	want := []string{"escalate-leadership-14 comment skipped", "escalate-leadership-14 email skipped",
		"overdue-3 comment skipped", "overdue-3 email skipped"}
	if !slices.Equal(got, want) {
		t.Fatalf("the sweep after the edit: %v, want %v", got, want)
	}
	if n, m, j := len(b.site.Comments(b.key)), len(mailer.sent), b.actionJobs(t); n != comments || m != mails || j != jobs {
		t.Fatalf("the edit sent %d comments and %d e-mails and queued %d jobs", n-comments, m-mails, j-jobs)
	}
}

// TestUndisputeWakesTheWaitingAction: an action that waited while its
// invoice was disputed (River holds it snoozed) is made due at once when
// the dispute is withdrawn, in the same transaction, and then runs.
func TestUndisputeWakesTheWaitingAction(t *testing.T) {
	t.Parallel()
	b := setup(t)
	res := b.sweepAt(t, dueDay.AddDate(0, 0, -3))
	o := queued(t, res, followup.StepReminderBeforeDue, string(followup.ActionComment))
	if _, err := b.billing.Dispute(b.ctx, b.manager, b.inv.ID); err != nil {
		t.Fatal(err)
	}
	if err := b.act(res, o, 1); err == nil {
		t.Fatal("the action of a disputed invoice ran")
	}
	// What River does with the snooze: the job waits, scheduled later.
	if _, err := b.pool.Exec(b.ctx, `UPDATE river_job SET state = 'scheduled', scheduled_at = now() + interval '1 hour'
		WHERE kind = 'followup_action'`); err != nil {
		t.Fatal(err)
	}
	waiting := func() int {
		var n int
		if err := b.pool.QueryRow(b.ctx, `SELECT count(*) FROM river_job WHERE kind = 'followup_action' AND scheduled_at > now()`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := waiting(); n != 2 {
		t.Fatalf("%d waiting actions, want the comment and the e-mail", n)
	}
	if _, err := b.billing.Undispute(b.ctx, b.manager, b.inv.ID); err != nil {
		t.Fatal(err)
	}
	if n := waiting(); n != 0 {
		t.Fatalf("%d actions still waiting after the dispute was withdrawn", n)
	}
	if err := b.act(res, o, 2); err != nil {
		t.Fatal(err)
	}
	if n := len(b.site.Comments(b.key)); n != 1 {
		t.Fatalf("%d comments, want 1", n)
	}
	if ev := b.event(t, o.EventID); ev[:4] != "done" {
		t.Fatalf("the comment's event: %s", fmt.Sprint(ev))
	}
}

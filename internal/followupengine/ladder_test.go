package followupengine_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/remitapp/remit/internal/followup"
	"github.com/remitapp/remit/internal/followupengine"
	"github.com/remitapp/remit/internal/jira/jirafake"
	"github.com/remitapp/remit/internal/store"
)

var (
	reminderDay = time.Date(2026, 12, 12, 10, 0, 0, 0, time.UTC) // due date - 3
	overdueDay  = time.Date(2026, 12, 16, 10, 0, 0, 0, time.UTC) // due date + 1
	stopWorkDay = time.Date(2027, 1, 30, 10, 0, 0, 0, time.UTC)  // due date + 46
)

// plan is a sweep's outcomes as "step action status" lines, sorted.
func plan(res followupengine.SweepResult) []string {
	var out []string
	for _, o := range res.Outcomes {
		out = append(out, o.Step+" "+o.Action+" "+o.Status)
	}
	slices.Sort(out)
	return out
}

// TestSweepPlansTheLadder sweeps the default ladder on its days: each
// sweep queues the step that came, with one job per action; sweeping the
// same instant again adds nothing; a sweep long after the due date runs
// the latest step, skips those it superseded and reconciles the late fee.
func TestSweepPlansTheLadder(t *testing.T) {
	t.Parallel()
	b := setup(t)

	if res := b.sweepAt(t, reminderDay.Add(-24*time.Hour)); len(res.Outcomes) != 0 {
		t.Fatalf("a sweep before the first step: %v", plan(res))
	}
	res := b.sweepAt(t, reminderDay)
	want := []string{"reminder-before-due comment queued", "reminder-before-due email queued"}
	if got := plan(res); !slices.Equal(got, want) {
		t.Fatalf("reminder sweep = %v, want %v", got, want)
	}
	if n := b.actionJobs(t); n != 2 {
		t.Fatalf("%d action jobs, want 2", n)
	}
	if again := b.sweepAt(t, reminderDay); len(again.Outcomes) != 0 || b.actionJobs(t) != 2 {
		t.Fatalf("sweeping the same instant again: %v, %d jobs", plan(again), b.actionJobs(t))
	}

	res = b.sweepAt(t, overdueDay)
	want = []string{"overdue-1 comment queued", "overdue-1 email queued", "overdue-1 transition queued"}
	if got := plan(res); !slices.Equal(got, want) {
		t.Fatalf("overdue sweep = %v, want %v", got, want)
	}

	res = b.sweepAt(t, stopWorkDay)
	got := plan(res)
	for _, w := range []string{"stop-work-45 comment queued", "stop-work-45 label queued", "final-notice-30 late_fee queued",
		"overdue-7 comment skipped", "escalate-14 email skipped"} {
		if !slices.Contains(got, w) {
			t.Fatalf("stop-work sweep = %v, want it to include %q", got, w)
		}
	}
	if n := b.actionJobs(t); n != 8 {
		t.Fatalf("%d action jobs after three sweeps, want 8", n)
	}
	if b.site.Calls(jirafake.MethodAddComment) != 0 {
		t.Fatal("a sweep posted a comment itself; only action jobs act")
	}
}

// TestCommentIsPostedOnceWhenTheAnswerIsLost runs a comment action whose
// first post reached Jira but whose answer was lost: the retry finds the
// comment instead of posting it again, and a repeated job does nothing.
func TestCommentIsPostedOnceWhenTheAnswerIsLost(t *testing.T) {
	t.Parallel()
	b := setup(t)
	res := b.sweepAt(t, reminderDay)
	o := queued(t, res, followup.StepReminderBeforeDue, string(followup.ActionComment))

	b.site.FailAfterWrite(jirafake.MethodAddComment, jirafake.Lost(jirafake.MethodAddComment))
	if err := b.act(res, o, 1); err == nil {
		t.Fatal("the attempt whose answer was lost succeeded")
	}
	if ev := b.event(t, o.EventID); !strings.HasPrefix(ev, store.EventQueued) {
		t.Fatalf("event after a lost answer = %s, want queued for a retry", ev)
	}
	for attempt := 2; attempt <= 3; attempt++ {
		if err := b.act(res, o, attempt); err != nil {
			t.Fatalf("attempt %d: %v", attempt, err)
		}
	}
	comments := b.site.Comments(b.key)
	if len(comments) != 1 || b.site.Calls(jirafake.MethodAddComment) != 1 {
		t.Fatalf("%d comments in %d posts, want one", len(comments), b.site.Calls(jirafake.MethodAddComment))
	}
	if !strings.Contains(string(comments[0].Body), b.inv.Number) {
		t.Fatalf("comment %s does not name the invoice", comments[0].Body)
	}
	if ev := b.event(t, o.EventID); ev != "done: comment "+comments[0].ID+" (found after an earlier attempt) on "+b.key {
		t.Fatalf("event = %q", ev)
	}

	mail := queued(t, res, followup.StepReminderBeforeDue, string(followup.ActionEmail))
	if err := b.act(res, mail, 1); err != nil {
		t.Fatal(err)
	}
	if ev := b.event(t, mail.EventID); !strings.HasPrefix(ev, store.EventSkipped) {
		t.Fatalf("e-mail event with the channel off = %s, want skipped", ev)
	}
}

// TestLabelIsAddedOnceToOpenWork runs the stop-work label: the customer's
// open issues get it once, even when Jira's answer to the first add is
// an error after the write; done work is left alone.
func TestLabelIsAddedOnceToOpenWork(t *testing.T) {
	t.Parallel()
	b := setup(t)
	finished := b.site.AddIssue("WORK", "Finished work")
	if _, err := b.site.Move(finished, "Done", "557058:dev"); err != nil {
		t.Fatal(err)
	}
	res := b.sweepAt(t, stopWorkDay)
	o := queued(t, res, followup.StepStopWork45, string(followup.ActionLabel))

	b.site.FailAfterWrite(jirafake.MethodAddLabel, jirafake.Unavailable())
	if err := b.act(res, o, 1); err == nil {
		t.Fatal("the attempt Jira failed succeeded")
	}
	if err := b.act(res, o, 2); err != nil {
		t.Fatal(err)
	}
	added := b.site.LabelsAdded()
	if len(added) != 1 || added[0] != (jirafake.LabelAdd{Key: b.work, Label: followup.DefaultLabel}) {
		t.Fatalf("labels added = %+v, want %s on %s once", added, followup.DefaultLabel, b.work)
	}
	if is, _ := b.site.Issue(finished); len(is.Labels) != 0 {
		t.Fatalf("done work %s got labels %v", finished, is.Labels)
	}
	if ev := b.event(t, o.EventID); !strings.HasPrefix(ev, store.EventDone) {
		t.Fatalf("label event = %s", ev)
	}
}

// TestDisputePausesTheLadder disputes an invoice with a queued comment:
// the action waits without posting, later sweeps plan nothing for the
// invoice, and once the dispute is withdrawn the comment goes, once.
func TestDisputePausesTheLadder(t *testing.T) {
	t.Parallel()
	b := setup(t)
	res := b.sweepAt(t, reminderDay)
	o := queued(t, res, followup.StepReminderBeforeDue, string(followup.ActionComment))

	if _, err := b.billing.Dispute(b.ctx, b.manager, b.inv.ID); err != nil {
		t.Fatal(err)
	}
	var snooze *river.JobSnoozeError
	if err := b.act(res, o, 1); !errors.As(err, &snooze) {
		t.Fatalf("action of a disputed invoice = %v, want it to wait", err)
	}
	if n := len(b.site.Comments(b.key)); n != 0 {
		t.Fatalf("%d comments on a disputed invoice", n)
	}
	if later := b.sweepAt(t, overdueDay); len(later.Outcomes) != 0 {
		t.Fatalf("sweep of a disputed invoice = %v", plan(later))
	}
	if ev := b.event(t, o.EventID); !strings.HasPrefix(ev, store.EventQueued) {
		t.Fatalf("the waiting action = %s, want still queued", ev)
	}

	if _, err := b.billing.Undispute(b.ctx, b.manager, b.inv.ID); err != nil {
		t.Fatal(err)
	}
	if err := b.act(res, o, 1); err != nil {
		t.Fatal(err)
	}
	if n := len(b.site.Comments(b.key)); n != 1 {
		t.Fatalf("%d comments after the dispute ended, want 1", n)
	}
}

package followupengine_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/remitapp/remit/internal/followup"
	"github.com/remitapp/remit/internal/followupengine"
	"github.com/remitapp/remit/internal/jira"
	"github.com/remitapp/remit/internal/jira/jirafake"
	"github.com/remitapp/remit/internal/store"
)

// handOver works the first attempt of a transition, which hands the move
// to the Jira sync: it leaves the event queued and the job waiting an
// hour for a look of its own, never a poll.
func (b *testBundle) handOver(t *testing.T, res followupengine.SweepResult, o followupengine.Outcome) {
	t.Helper()
	var snooze *river.JobSnoozeError
	if err := b.act(res, o, 1); !errors.As(err, &snooze) || snooze.Duration < time.Hour {
		t.Fatalf("first attempt = %v, want the job to wait an hour while the sync runs", err)
	}
	if ev := b.event(t, o.EventID); !strings.HasPrefix(ev, store.EventQueued) {
		t.Fatalf("event after the hand-over = %s, want queued", ev)
	}
}

// overdueMoves counts the moves of the invoice issue to Overdue.
func (b *testBundle) overdueMoves() int {
	n := 0
	for _, m := range b.site.Moves() {
		if m.Key == b.key && m.To == "Overdue" {
			n++
		}
	}
	return n
}

// TestTransitionIsRecordedByTheSync runs the overdue transition: the
// action hands the move to the Jira sync and ends its attempt; the sync
// moves the issue once, even when Jira's answer to the move was an error
// after it happened (the sync's first attempt dies between the move and
// its record), and records the event done itself. The action's later look
// finds the event finished and does nothing more.
func TestTransitionIsRecordedByTheSync(t *testing.T) {
	t.Parallel()
	b := setup(t)
	res := b.sweepAt(t, overdueDay)
	o := queued(t, res, followup.StepOverdue1, string(followup.ActionTransition))

	b.handOver(t, res, o)
	b.site.FailAfterWrite(jirafake.MethodTransition, jirafake.Unavailable())
	b.runSyncs(t)
	if n := b.overdueMoves(); n != 1 {
		t.Fatalf("moves = %+v, want one to Overdue", b.site.Moves())
	}
	if ev := b.event(t, o.EventID); ev != "done: "+b.key+" is in Overdue" {
		t.Fatalf("event after the sync = %q", ev)
	}
	if p, _ := b.site.Property(b.key, jira.InvoicePropertyKey); !strings.Contains(string(p), `"overdue":"true"`) {
		t.Fatalf("property = %s, want overdue", p)
	}

	reads := b.site.Calls(jirafake.MethodIssueStatus)
	if err := b.act(res, o, 1); err != nil {
		t.Fatalf("the job's look after the sync = %v, want it to end", err)
	}
	if ev := b.event(t, o.EventID); ev != "done: "+b.key+" is in Overdue" {
		t.Fatalf("event after the job's look = %q", ev)
	}
	if n := b.site.Calls(jirafake.MethodIssueStatus); n != reads || b.overdueMoves() != 1 {
		t.Fatalf("the job's look read Jira (%d status reads, %d before) or moved the issue again", n, reads)
	}
}

// TestTransitionFailsWithTheSyncsProblem runs the transition on a
// workflow with no way to Overdue: the sync records the event failed with
// its problem.
func TestTransitionFailsWithTheSyncsProblem(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.site.OnlyTransitions("BILL", "Sent", "Paid")
	res := b.sweepAt(t, overdueDay)
	o := queued(t, res, followup.StepOverdue1, string(followup.ActionTransition))

	b.handOver(t, res, o)
	b.runSyncs(t)
	ev := b.event(t, o.EventID)
	if !strings.HasPrefix(ev, store.EventFailed+": no transition leads from \"Sent\" to \"Overdue\" on "+b.key) {
		t.Fatalf("event = %q, want failed with the sync's problem", ev)
	}
	if n := b.overdueMoves(); n != 0 {
		t.Fatalf("%d moves to Overdue on a workflow without one", n)
	}
	if err := b.act(res, o, 1); err != nil || b.event(t, o.EventID) != ev {
		t.Fatalf("the job's look = %v, event %q, want %q kept", err, b.event(t, o.EventID), ev)
	}
}

// TestTransitionWaitsForTheLicence lapses the licence between the
// hand-over and the sync: the sync moves the issue (it follows the
// invoice whatever the licence) but leaves the follow-up event queued;
// once the licence is back, the action's own look records it.
func TestTransitionWaitsForTheLicence(t *testing.T) {
	t.Parallel()
	b := setup(t)
	res := b.sweepAt(t, overdueDay)
	o := queued(t, res, followup.StepOverdue1, string(followup.ActionTransition))

	b.handOver(t, res, o)
	if err := b.db.RecordLicence(b.ctx, b.tenant.ClientKey, store.LicenceNone); err != nil {
		t.Fatal(err)
	}
	b.runSyncs(t)
	if n := b.overdueMoves(); n != 1 {
		t.Fatalf("%d moves to Overdue, want the sync's one", n)
	}
	if ev := b.event(t, o.EventID); !strings.HasPrefix(ev, store.EventQueued) {
		t.Fatalf("event while unlicensed = %s, want queued", ev)
	}
	var snooze *river.JobSnoozeError
	if err := b.act(res, o, 1); !errors.As(err, &snooze) {
		t.Fatalf("the job's look while unlicensed = %v, want it to wait", err)
	}

	if err := b.db.RecordLicence(b.ctx, b.tenant.ClientKey, store.LicenceActive); err != nil {
		t.Fatal(err)
	}
	if err := b.act(res, o, 1); err != nil {
		t.Fatal(err)
	}
	if ev := b.event(t, o.EventID); ev != "done: "+b.key+" is in Overdue" {
		t.Fatalf("event after the licence came back = %q", ev)
	}
}

// TestTransitionGivesUpOnASyncThatNeverCatchesUp keeps Jira down: the
// action's job looks once an hour, never more often, and after a day
// records the event failed.
func TestTransitionGivesUpOnASyncThatNeverCatchesUp(t *testing.T) {
	t.Parallel()
	b := setup(t)
	res := b.sweepAt(t, overdueDay)
	o := queued(t, res, followup.StepOverdue1, string(followup.ActionTransition))

	b.handOver(t, res, o) // the sync job is never worked: Jira stays out of reach
	looks := 0
	for at := overdueDay.Add(time.Hour); ; at = at.Add(time.Hour) {
		b.clock.Set(at)
		looks++
		err := b.act(res, o, 1)
		var snooze *river.JobSnoozeError
		if errors.As(err, &snooze) {
			if snooze.Duration < time.Hour {
				t.Fatalf("look %d waits %v, want an hour", looks, snooze.Duration)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		break
	}
	if looks != 25 {
		t.Fatalf("%d looks before giving up, want 25 (hourly for a day)", looks)
	}
	if ev := b.event(t, o.EventID); ev != "failed: the invoice's changes did not reach Jira within 24h0m0s" {
		t.Fatalf("event = %q", ev)
	}
}

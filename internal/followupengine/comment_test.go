package followupengine_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/remitapp/remit/internal/followup"
	"github.com/remitapp/remit/internal/followupengine"
	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/jira/jirafake"
	"github.com/remitapp/remit/internal/store"
)

// TestCommentAfterAGateway502IsFoundByItsProperty: Jira's gateway
// answers 502 to a comment it stored. The comment carries the property
// naming its follow-up event, the retry finds it by that property and
// posts nothing, and the event is done with the comment's id.
func TestCommentAfterAGateway502IsFoundByItsProperty(t *testing.T) {
	t.Parallel()
	b := setup(t)
	res := b.sweepAt(t, reminderDay)
	o := queued(t, res, followup.StepReminderBeforeDue, string(followup.ActionComment))

	b.site.FailAfterWrite(jirafake.MethodAddComment, jirafake.Gateway(jirafake.MethodAddComment, http.StatusBadGateway))
	if err := b.act(res, o, 1); err == nil {
		t.Fatal("the attempt answered 502 succeeded")
	}
	comments := b.site.Comments(b.key)
	if len(comments) != 1 {
		t.Fatalf("%d comments after the 502, want the one Jira stored", len(comments))
	}
	var mark struct {
		Event int64  `json:"event"`
		Step  string `json:"step"`
	}
	if err := json.Unmarshal(comments[0].Properties[followupengine.CommentProperty], &mark); err != nil ||
		mark.Event != o.EventID || mark.Step != o.Step {
		t.Fatalf("comment property %s = %s (%v), want event %d of %s", followupengine.CommentProperty,
			comments[0].Properties[followupengine.CommentProperty], err, o.EventID, o.Step)
	}

	if err := b.act(res, o, 2); err != nil {
		t.Fatal(err)
	}
	if n := b.site.Calls(jirafake.MethodAddComment); n != 1 || len(b.site.Comments(b.key)) != 1 {
		t.Fatalf("%d posts, %d comments after the retry, want one each", n, len(b.site.Comments(b.key)))
	}
	if b.site.Calls(jirafake.MethodFindCommentByProperty) != 1 || b.site.Calls(jirafake.MethodFindComment) != 0 {
		t.Fatalf("the retry looked %d times by property and %d by text, want once by property",
			b.site.Calls(jirafake.MethodFindCommentByProperty), b.site.Calls(jirafake.MethodFindComment))
	}
	if ev := b.event(t, o.EventID); ev != "done: comment "+comments[0].ID+" (found after an earlier attempt) on "+b.key {
		t.Fatalf("event = %q", ev)
	}
}

// TestCommentOfAnotherEventWithTheSameTextIsNotFound: a 504 before Jira
// stored the comment, while the issue already has the very text another
// event posted: the retry finds no comment with its own mark and posts
// its own.
func TestCommentOfAnotherEventWithTheSameTextIsNotFound(t *testing.T) {
	t.Parallel()
	b := setup(t)
	res := b.sweepAt(t, reminderDay)
	o := queued(t, res, followup.StepReminderBeforeDue, string(followup.ActionComment))
	b.site.FailNext(jirafake.MethodAddComment, jirafake.Gateway(jirafake.MethodAddComment, http.StatusGatewayTimeout))
	if err := b.act(res, o, 1); err == nil {
		t.Fatal("the attempt answered 504 succeeded")
	}
	ev, err := b.db.FollowupEvent(b.ctx, b.tenant.ClientKey, o.EventID)
	if err != nil {
		t.Fatal(err)
	}
	var kept struct {
		Body json.RawMessage `json:"body"`
	}
	if err := json.Unmarshal(ev.Payload, &kept); err != nil {
		t.Fatal(err)
	}
	other := followupengine.CommentProperty
	if _, err := b.site.AddComment(b.ctx, b.key, kept.Body); err != nil { // the same text, unmarked
		t.Fatal(err)
	}
	if err := b.act(res, o, 2); err != nil {
		t.Fatal(err)
	}
	comments := b.site.Comments(b.key)
	if len(comments) != 2 || comments[1].Properties[other] == nil {
		t.Fatalf("%d comments, the last marked %s: want the other's and this event's own", len(comments), comments[len(comments)-1].Properties[other])
	}
	if got := b.event(t, o.EventID); got != "done: comment "+comments[1].ID+" on "+b.key {
		t.Fatalf("event = %q", got)
	}
}

// TestUnmarkedCommentIsFoundByItsText: an event whose first attempt kept
// its body without a mark (posted before comments were marked) still
// finds its comment by the body on a retry, and posts nothing.
func TestUnmarkedCommentIsFoundByItsText(t *testing.T) {
	t.Parallel()
	b := setup(t)
	res := b.sweepAt(t, reminderDay)
	o := queued(t, res, followup.StepReminderBeforeDue, string(followup.ActionComment))
	b.site.FailNext(jirafake.MethodAddComment, jirafake.Unavailable())
	if err := b.act(res, o, 1); err == nil {
		t.Fatal("the first attempt should have failed")
	}
	// What the first attempt kept and posted before the mark: its body only.
	var kept struct {
		Body json.RawMessage `json:"body"`
	}
	if err := b.pool.QueryRow(b.ctx, `UPDATE followup_events SET payload = jsonb_build_object('body', payload->'body')
		WHERE id = $1 RETURNING payload`, o.EventID).Scan(&kept); err != nil {
		t.Fatal(err)
	}
	id, err := b.site.AddComment(b.ctx, b.key, kept.Body)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.act(res, o, 2); err != nil {
		t.Fatal(err)
	}
	if n := len(b.site.Comments(b.key)); n != 1 {
		t.Fatalf("%d comments, want the one posted before", n)
	}
	if got := b.event(t, o.EventID); !strings.HasPrefix(got, store.EventDone+": comment "+id+" (found") {
		t.Fatalf("event = %q", got)
	}
}

// TestCommentPostedBeforeThePaymentIsDone: Jira's gateway answers 502 to
// a comment it stored, and the invoice is paid before the retry. The
// retry no longer posts (the invoice is settled), but the comment is on
// the issue: the event is done, naming it, not cancelled. Had the 502
// come before Jira stored it, the event is cancelled and nothing posted.
func TestCommentPostedBeforeThePaymentIsDone(t *testing.T) {
	t.Parallel()
	for _, stored := range []bool{true, false} {
		b := setup(t)
		res := b.sweepAt(t, reminderDay)
		o := queued(t, res, followup.StepReminderBeforeDue, string(followup.ActionComment))
		gateway := jirafake.Gateway(jirafake.MethodAddComment, http.StatusBadGateway)
		if stored {
			b.site.FailAfterWrite(jirafake.MethodAddComment, gateway)
		} else {
			b.site.FailNext(jirafake.MethodAddComment, gateway)
		}
		if err := b.act(res, o, 1); err == nil {
			t.Fatal("the attempt answered 502 succeeded")
		}
		if _, _, err := b.billing.RecordPayment(b.ctx, b.manager, b.inv.ID, invoice.PaymentInput{Amount: "350.00",
			PaidOn: b.inv.IssueDate.AddDays(2), Method: "bank"}); err != nil {
			t.Fatal(err)
		}
		if err := b.act(res, o, 2); err != nil {
			t.Fatal(err)
		}
		comments := b.site.Comments(b.key)
		ev := b.event(t, o.EventID)
		switch {
		case b.site.Calls(jirafake.MethodAddComment) != 1:
			t.Fatalf("stored %v: %d posts, want the first attempt's only", stored, b.site.Calls(jirafake.MethodAddComment))
		case stored && (len(comments) != 1 || !strings.HasPrefix(ev, "done: comment "+comments[0].ID+" on "+b.key+", posted by an earlier attempt before")):
			t.Fatalf("stored: %d comments, event %q, want done naming the one comment", len(comments), ev)
		case !stored && (len(comments) != 0 || !strings.HasPrefix(ev, "cancelled: ")):
			t.Fatalf("not stored: %d comments, event %q, want cancelled and none", len(comments), ev)
		}
	}
}

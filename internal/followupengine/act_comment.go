package followupengine

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"

	"github.com/remitapp/remit/internal/followup"
	"github.com/remitapp/remit/internal/jira"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// errFinished stops an attempt whose event another attempt finished.
var errFinished = errors.New("follow-up event already finished")

// comment posts the step's comment on the invoice issue.
func (e *Engine) comment(ctx context.Context, ac action) (outcome, error) {
	key, err := issueOf(ac)
	if err != nil {
		return outcome{}, err
	}
	if err := e.afterLateFee(ctx, &ac); err != nil {
		return outcome{}, err
	}
	doc, err := followup.RenderComment(ac.step, e.dataFor(ac))
	if err != nil {
		return outcome{}, permanent(err)
	}
	id, err := e.postComment(ctx, ac, key, doc)
	if err != nil {
		return outcome{}, err
	}
	return done("comment %s on %s", id, key), nil
}

// CommentProperty is the comment property each follow-up comment carries
// (set in the call that creates it): the follow-up event it was posted
// for. A retry after an uncertain answer (a 502 or 504 after Jira stored
// the comment, a lost answer, a crash) looks for this mark, not for the
// comment's text, so two events that render the same text never take
// each other's comment, and an edited comment is still found.
const CommentProperty = "remit-followup"

// commentMark is the value of CommentProperty.
type commentMark struct {
	Event       int64  `json:"event"`
	Invoice     int64  `json:"invoice"`
	Installment int64  `json:"installment"`
	Step        string `json:"step"`
	Action      string `json:"action"`
}

// keptComment is what the first attempt keeps on the event: the body it
// posts and the mark it posts it with. Events whose first attempt came
// before comments were marked have no Mark.
type keptComment struct {
	Body json.RawMessage `json:"body"`
	Mark *commentMark    `json:"mark,omitempty"`
}

// postComment posts comment on the issue once. The body of the first
// attempt (the comment as Jira's ADF) and its mark are kept on the
// event; a later attempt (after an uncertain answer, or a crash) first
// looks for a comment carrying the mark and posts only when there is
// none, so a comment is never posted twice. An event kept without a mark
// (its first attempt predates the mark) falls back to looking for a
// comment with exactly its body.
func (e *Engine) postComment(ctx context.Context, ac action, key string, comment followup.Comment) (string, error) {
	doc, err := json.Marshal(jira.CommentDoc(comment))
	if err != nil {
		return "", permanent(err)
	}
	mark := &commentMark{Event: ac.args.EventID, Invoice: ac.args.InvoiceID, Installment: ac.args.Installment,
		Step: ac.args.Step, Action: ac.args.Action}
	first, err := json.Marshal(keptComment{Body: doc, Mark: mark})
	if err != nil {
		return "", permanent(err)
	}
	ev, err := e.DB.StartFollowupAttempt(ctx, ac.args.ClientKey, ac.args.EventID, first)
	if err != nil {
		return "", err
	}
	if ev.Status != store.EventQueued {
		return "", errFinished
	}
	var kept keptComment
	if err := json.Unmarshal(ev.Payload, &kept); err != nil {
		return "", permanent(err)
	}
	c, err := e.Jira.For(ac.tenant)
	if err != nil {
		return "", err
	}
	if ev.Attempts > 1 {
		id, found, err := e.findOwnComment(ctx, c, ac, ev, key, kept)
		if err != nil {
			return "", err
		}
		if found {
			return id + " (found after an earlier attempt)", nil
		}
	}
	var props []jira.EntityProperty
	if kept.Mark != nil {
		props = []jira.EntityProperty{{Key: CommentProperty, Value: kept.Mark}}
	}
	id, err := c.AddComment(ctx, key, kept.Body, props...)
	if remit.IsKind(err, remit.NotFound) {
		return "", skip("the invoice issue %s was deleted in Jira", key)
	}
	return id, err
}

// findOwnComment looks for the comment an earlier attempt of ev may have
// posted: by its mark, or by its body for an event kept without one.
func (e *Engine) findOwnComment(ctx context.Context, c jira.Site, ac action, ev store.FollowupEvent, key string, kept keptComment) (string, bool, error) {
	if kept.Mark != nil {
		id, found, err := c.FindCommentByProperty(ctx, key, CommentProperty, func(v json.RawMessage) bool {
			var m commentMark
			return json.Unmarshal(v, &m) == nil && m.Event == kept.Mark.Event
		})
		if remit.IsKind(err, remit.NotFound) {
			return "", false, nil
		}
		return id, found, err
	}
	// Two steps can render the same body (a step inserted or renamed
	// with another's tone, a replaced plan's installment): the copies
	// the invoice's other done events posted are theirs, not this one's.
	others, err := e.sameCommentsDone(ctx, ac, ev)
	if err != nil {
		return "", false, err
	}
	return findComment(ctx, c, key, ev.Payload, others)
}

// sameCommentsDone counts the invoice's other comment and notify_admins
// events, done, whose kept body is ev's.
func (e *Engine) sameCommentsDone(ctx context.Context, ac action, ev store.FollowupEvent) (int, error) {
	evs, err := e.DB.FollowupEvents(ctx, nil, ac.args.ClientKey, ac.args.InvoiceID)
	if err != nil {
		return 0, err
	}
	var mine struct {
		Body any `json:"body"`
	}
	if err := json.Unmarshal(ev.Payload, &mine); err != nil {
		return 0, permanent(err)
	}
	n := 0
	for _, o := range evs {
		if o.ID == ev.ID || o.Status != store.EventDone || o.Payload == nil {
			continue
		}
		var theirs struct {
			Body any `json:"body"`
		}
		if json.Unmarshal(o.Payload, &theirs) == nil && reflect.DeepEqual(theirs.Body, mine.Body) {
			n++
		}
	}
	return n, nil
}

// findComment looks for the issue's comment whose body is the payload's,
// beyond the first skip such comments (those of other events).
func findComment(ctx context.Context, c jira.Site, key string, payload json.RawMessage, skip int) (string, bool, error) {
	var want struct {
		Body any `json:"body"`
	}
	if err := json.Unmarshal(payload, &want); err != nil {
		return "", false, permanent(err)
	}
	seen := 0
	id, found, err := c.FindComment(ctx, key, func(body json.RawMessage) bool {
		var got any
		if json.Unmarshal(body, &got) != nil || !reflect.DeepEqual(got, want.Body) {
			return false
		}
		seen++
		return seen > skip
	})
	if remit.IsKind(err, remit.NotFound) {
		return "", false, nil
	}
	return id, found, err
}

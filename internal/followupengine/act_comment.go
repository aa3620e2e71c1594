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
	if err := e.afterLateFee(ctx, ac); err != nil {
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

// postComment posts comment on the issue once. The body of the first
// attempt (the comment as Jira's ADF) is kept on the event; a later
// attempt (after a lost answer, or a crash) first looks for a comment
// with exactly that body and posts only when there is none, so a comment
// is never posted twice.
func (e *Engine) postComment(ctx context.Context, ac action, key string, comment followup.Comment) (string, error) {
	body, err := json.Marshal(map[string]any{"body": jira.CommentDoc(comment)})
	if err != nil {
		return "", permanent(err)
	}
	ev, err := e.DB.StartFollowupAttempt(ctx, ac.args.ClientKey, ac.args.EventID, body)
	if err != nil {
		return "", err
	}
	if ev.Status != store.EventQueued {
		return "", errFinished
	}
	c, err := e.Jira.For(ac.tenant)
	if err != nil {
		return "", err
	}
	if ev.Attempts > 1 {
		// Two steps can render the same body (a step inserted or renamed
		// with another's tone, a replaced plan's installment): the copies
		// the invoice's other done events posted are theirs, not this one's.
		others, err := e.sameCommentsDone(ctx, ac, ev)
		if err != nil {
			return "", err
		}
		id, found, err := findComment(ctx, c, key, ev.Payload, others)
		if err != nil {
			return "", err
		}
		if found {
			return id + " (found after an earlier attempt)", nil
		}
	}
	var kept struct {
		Body json.RawMessage `json:"body"`
	}
	if err := json.Unmarshal(ev.Payload, &kept); err != nil {
		return "", permanent(err)
	}
	id, err := c.AddComment(ctx, key, kept.Body)
	if remit.IsKind(err, remit.NotFound) {
		return "", skip("the invoice issue %s was deleted in Jira", key)
	}
	return id, err
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

package chase

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

// postComment posts doc on the issue once. The body of the first attempt
// is kept on the event; a later attempt (after a lost answer, or a crash)
// first looks for a comment with exactly that body and posts only when
// there is none, so a comment is never posted twice.
func (e *Engine) postComment(ctx context.Context, ac action, key string, doc followup.ADF) (string, error) {
	body, err := json.Marshal(map[string]any{"body": doc})
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
		id, found, err := findComment(ctx, c, key, ev.Payload)
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

// findComment looks for the issue's comment whose body is the payload's.
func findComment(ctx context.Context, c jira.Site, key string, payload json.RawMessage) (string, bool, error) {
	var want struct {
		Body any `json:"body"`
	}
	if err := json.Unmarshal(payload, &want); err != nil {
		return "", false, permanent(err)
	}
	id, found, err := c.FindComment(ctx, key, func(body json.RawMessage) bool {
		var got any
		return json.Unmarshal(body, &got) == nil && reflect.DeepEqual(got, want.Body)
	})
	if remit.IsKind(err, remit.NotFound) {
		return "", false, nil
	}
	return id, found, err
}

package followupengine

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/remitapp/remit/internal/followup"
	"github.com/remitapp/remit/internal/jirasync"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// transitionPoll is how often a transition looks whether Jira caught up;
// transitionPatience is how long it waits before recording a failure.
const (
	transitionPoll     = time.Second
	transitionPatience = 24 * time.Hour
)

// transition moves the invoice issue to the overdue status. The invoice's
// Jira sync already maps an overdue invoice to that status, so the action
// marks the invoice changed and enqueues the sync in one transaction,
// then waits (snoozing, which costs no attempt) until the sync caught up,
// and records what Jira shows: done when the issue is in the status,
// failed with the reason when no transition leads there.
func (e *Engine) transition(ctx context.Context, ac action) (outcome, error) {
	if ac.act.Status != followup.RoleOverdue {
		return outcome{}, permanent(fmt.Errorf("unknown status role %q", ac.act.Status))
	}
	target := ac.set.Statuses.Overdue
	if target == "" {
		return outcome{}, skip("the settings name no overdue status")
	}
	key, err := issueOf(ac)
	if err != nil {
		return outcome{}, err
	}
	ck, id := ac.args.ClientKey, ac.args.InvoiceID
	if ac.event.Payload == nil {
		err := e.DB.InTx(ctx, func(tx *store.Tx) error {
			if err := e.DB.SetFollowupPayload(ctx, tx, ck, ac.args.EventID, json.RawMessage(`{"syncRequested": true}`)); err != nil {
				return err
			}
			if err := e.DB.BumpJiraVersion(ctx, tx, ck, id); err != nil {
				return err
			}
			_, err := tx.Enqueue(ctx, jirasync.SyncArgs{ClientKey: ck, InvoiceID: id}, nil)
			return err
		})
		if remit.IsKind(err, remit.Conflict) {
			return outcome{}, errFinished
		}
		if err != nil {
			return outcome{}, err
		}
		return outcome{}, river.JobSnooze(transitionPoll)
	}
	st, err := e.DB.JiraSyncState(ctx, ck, id)
	if err != nil {
		return outcome{}, err
	}
	if st.SyncedVersion < st.Version {
		if e.now().Sub(ac.event.CreatedAt) > transitionPatience {
			return outcome{}, permanent(fmt.Errorf("the invoice's changes did not reach Jira within %v", transitionPatience))
		}
		return outcome{}, river.JobSnooze(transitionPoll)
	}
	if st.Problem != "" {
		return outcome{}, permanent(fmt.Errorf("%s", st.Problem))
	}
	c, err := e.Jira.For(ac.tenant)
	if err != nil {
		return outcome{}, err
	}
	status, err := c.IssueStatus(ctx, key)
	if remit.IsKind(err, remit.NotFound) {
		return outcome{}, skip("the invoice issue %s was deleted in Jira", key)
	}
	if err != nil {
		return outcome{}, err
	}
	if !strings.EqualFold(status, target) {
		return outcome{}, permanent(fmt.Errorf("%s is in %q after the sync, not %q", key, status, target))
	}
	return done("%s is in %s", key, status), nil
}

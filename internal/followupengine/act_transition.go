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

// transitionRecheck is how long a transition's job waits before it looks
// itself whether the sync caught up, a safety net: the sync records the
// outcome as soon as it ran, and the job then finds its event finished.
// transitionPatience is how long it waits in all before recording a
// failure.
const (
	transitionRecheck  = time.Hour
	transitionPatience = 24 * time.Hour
)

// syncRequest is a transition event's payload once its action handed the
// move to the sync: the invoice's version whose sync records it.
type syncRequest struct {
	SyncRequested bool  `json:"syncRequested"`
	JiraVersion   int64 `json:"jiraVersion"`
}

// transition moves the invoice issue to the overdue status. The invoice's
// Jira sync already maps an overdue invoice to that status, so the action
// marks the invoice changed, notes the version on its event and enqueues
// the sync in one transaction, and leaves the event queued: the sync
// records it (done when the issue is in the status, failed with the
// reason when no transition leads there) in the transaction that records
// the version synced. The job looks again after transitionRecheck only
// for what the sync leaves: a tenant whose licence lapsed meanwhile, or a
// sync that has not caught up (recorded failed after transitionPatience).
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
			if err := e.DB.BumpJiraVersion(ctx, tx, ck, id); err != nil {
				return err
			}
			if err := e.DB.RequestFollowupSync(ctx, tx, ck, ac.args.EventID); err != nil {
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
		return outcome{}, river.JobSnooze(transitionRecheck)
	}
	var req syncRequest
	if err := json.Unmarshal(ac.event.Payload, &req); err != nil {
		return outcome{}, permanent(fmt.Errorf("the transition's sync request %s: %w", ac.event.Payload, err))
	}
	st, err := e.DB.JiraSyncState(ctx, ck, id)
	if err != nil {
		return outcome{}, err
	}
	if req.JiraVersion == 0 {
		req.JiraVersion = st.Version // requested before requests named their version
	}
	if st.SyncedVersion < req.JiraVersion {
		if e.now().Sub(ac.event.CreatedAt) > transitionPatience {
			return outcome{}, permanent(fmt.Errorf("the invoice's changes did not reach Jira within %v", transitionPatience))
		}
		return outcome{}, river.JobSnooze(transitionRecheck)
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

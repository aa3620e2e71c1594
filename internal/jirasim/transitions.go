package jirasim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

func (st *Site) transitionJSON(t Transition, from Status, wf Workflow) map[string]any {
	to, _ := wf.status(t.To)
	to = st.statuses[strings.ToLower(to.Name)]
	return map[string]any{
		"id": t.ID, "name": t.Name, "to": st.statusJSON(to), "hasScreen": false,
		"isGlobal": len(t.From) == 0, "isInitial": false, "isAvailable": true,
		"isConditional": false, "isLooped": strings.EqualFold(t.To, from.Name),
	}
}

func (s *Sim) listTransitions(w http.ResponseWriter, r *http.Request, c *call) {
	c.withIssue(w, r, func(st *Site, is *issue) {
		only := r.URL.Query().Get("transitionId")
		wf := is.project.Workflow
		out := []any{}
		for _, t := range wf.available(is.status.Name) {
			if only == "" || only == t.ID {
				out = append(out, st.transitionJSON(t, is.status, wf))
			}
		}
		writeJSON(w, http.StatusOK, map[string]any{"expand": "transitions", "transitions": out})
	})
}

// doTransition takes a transition by id only, and only from a status it
// is available from; an optional update.comment adds a comment.
func (s *Sim) doTransition(w http.ResponseWriter, r *http.Request, c *call) {
	var req struct {
		Transition *ref `json:"transition"`
		Update     struct {
			Comment []struct {
				Add struct {
					Body json.RawMessage `json:"body"`
				} `json:"add"`
			} `json:"comment"`
		} `json:"update"`
	}
	if err := decodeJSON(r, &req); err != nil {
		writeBadJSON(w)
		return
	}
	if req.Transition == nil || req.Transition.ID == "" {
		writeError(w, http.StatusBadRequest, "Missing 'transition' identifier")
		return
	}
	var bodies []json.RawMessage
	for _, cm := range req.Update.Comment {
		body, msg := textField(cm.Add.Body, c.v2)
		if msg != "" || body == nil {
			writeFieldErrors(w, map[string]string{"comment": firstNonEmpty(msg, "Comment body can not be empty!")})
			return
		}
		bodies = append(bodies, body)
	}
	st := c.site
	status := http.StatusNoContent
	err := st.do(func() error {
		is := st.issueLocked(r.PathValue("key"))
		if is == nil {
			status = http.StatusNotFound
			return nil
		}
		if err := st.transitionLocked(is, req.Transition.ID, c.inst.appUser.AccountID); err != nil {
			status = http.StatusBadRequest
			return err
		}
		for _, b := range bodies {
			st.addCommentLocked(is, c.inst.appUser.AccountID, b)
		}
		return nil
	})
	switch status {
	case http.StatusNotFound:
		writeError(w, status, msgIssueNotFound)
	case http.StatusBadRequest:
		writeError(w, status, err.Error())
	default:
		w.WriteHeader(status)
	}
}

// transitionLocked moves an issue along a transition available from its
// status, records it and queues jira:issue_updated with the status change.
func (st *Site) transitionLocked(is *issue, id, actor string) error {
	var tr *Transition
	for _, t := range is.project.Workflow.available(is.status.Name) {
		if t.ID == id {
			tr = &t
			break
		}
	}
	if tr == nil {
		return &jqlError{fmt.Sprintf("Transition id '%s' is not valid for this issue.", id)}
	}
	from := is.status
	to := st.statuses[strings.ToLower(tr.To)]
	now := st.sim.now()
	is.status, is.updated = to, now
	if from.Category != to.Category {
		is.statusCat = now
	}
	st.history = append(st.history, TransitionRecord{IssueKey: is.key, TransitionID: tr.ID, Name: tr.Name, From: from.Name, To: to.Name, By: actor, At: now})
	items := []map[string]any{changeItem("status", "status", from.ID, from.Name, to.ID, to.Name)}
	if from.Category != to.Category && (from.Category == categoryDone || to.Category == categoryDone) {
		res := func(s Status) string {
			if s.Category == categoryDone {
				return "Done"
			}
			return ""
		}
		items = append(items, changeItem("resolution", "resolution", nil, res(from), nil, res(to)))
	}
	st.emitIssue("jira:issue_updated", "issue_generic", is, actor, items)
	return nil
}

// TransitionIssue moves an issue as a person would in the UI, by
// transition name or target status name, firing the webhook Jira fires.
func (st *Site) TransitionIssue(key, transitionOrStatus, actor string) error {
	return st.do(func() error {
		is := st.issueLocked(key)
		if is == nil {
			return fmt.Errorf("issue %s not found", key)
		}
		for _, t := range is.project.Workflow.available(is.status.Name) {
			if strings.EqualFold(t.Name, transitionOrStatus) || strings.EqualFold(t.To, transitionOrStatus) || t.ID == transitionOrStatus {
				return st.transitionLocked(is, t.ID, actor)
			}
		}
		return fmt.Errorf("no transition %q from status %q of %s", transitionOrStatus, is.status.Name, key)
	})
}

// TransitionHistory returns every transition executed on the site.
func (st *Site) TransitionHistory() []TransitionRecord {
	st.mu.Lock()
	defer st.mu.Unlock()
	return append([]TransitionRecord(nil), st.history...)
}

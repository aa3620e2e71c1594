package jirasim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// issueInput is a validated issue to create.
type issueInput struct {
	project     *Project
	issueType   IssueType
	summary     string
	description json.RawMessage
	labels      []string
	status      string
	reporter    string
	created     time.Time
	properties  map[string]json.RawMessage
}

// createIssueLocked stores a new issue in its workflow's initial status
// (or the given one) and queues jira:issue_created.
func (st *Site) createIssueLocked(in issueInput, actor, appKey string) (*issue, error) {
	status := in.project.Workflow.Statuses[0]
	if in.status != "" {
		s, ok := in.project.Workflow.status(in.status)
		if !ok {
			return nil, fmt.Errorf("status %q is not in project %s's workflow", in.status, in.project.Key)
		}
		status = s
	}
	if in.created.IsZero() {
		in.created = st.sim.now()
	}
	if in.properties == nil {
		in.properties = map[string]json.RawMessage{}
	}
	st.keyCounter[in.project.Key]++
	is := &issue{
		id: st.newID("issue"), key: fmt.Sprintf("%s-%d", in.project.Key, st.keyCounter[in.project.Key]),
		project: in.project, issueType: in.issueType, summary: in.summary, description: in.description,
		labels: append([]string{}, in.labels...), status: status, reporter: in.reporter,
		created: in.created, updated: in.created, statusCat: in.created, properties: in.properties, createdBy: appKey,
	}
	st.issues[is.id] = is
	st.issuesByKey[is.key] = is
	st.emitIssue("jira:issue_created", "issue_created", is, actor, nil)
	return is, nil
}

func (s *Sim) getIssue(w http.ResponseWriter, r *http.Request, c *call) {
	q := r.URL.Query()
	var props []string
	for _, p := range q["properties"] {
		props = append(props, splitList(p)...)
	}
	c.withIssue(w, r, func(st *Site, is *issue) {
		writeJSON(w, http.StatusOK, st.issueJSON(is, parseFields(q["fields"], "*all"), c.v2, props))
	})
}

type createIssueRequest struct {
	Fields     map[string]json.RawMessage `json:"fields"`
	Update     map[string]json.RawMessage `json:"update"`
	Properties []struct {
		Key   string          `json:"key"`
		Value json.RawMessage `json:"value"`
	} `json:"properties"`
}

type ref struct {
	ID   string `json:"id"`
	Key  string `json:"key"`
	Name string `json:"name"`
}

func (s *Sim) createIssue(w http.ResponseWriter, r *http.Request, c *call) {
	var req createIssueRequest
	if err := decodeJSON(r, &req); err != nil {
		writeBadJSON(w)
		return
	}
	st := c.site
	var created *issue
	var errs map[string]string
	_ = st.do(func() error {
		in, fieldErrs := st.readIssueFields(req, c.v2)
		if len(fieldErrs) > 0 {
			errs = fieldErrs
			return nil
		}
		var err error
		created, err = st.createIssueLocked(in, c.inst.appUser.AccountID, c.inst.AppKey)
		if err != nil {
			errs = map[string]string{"status": err.Error()}
		}
		return nil
	})
	if errs != nil {
		writeFieldErrors(w, errs)
		return
	}
	id := strconv.FormatInt(created.id, 10)
	writeJSON(w, http.StatusCreated, map[string]string{"id": id, "key": created.key, "self": st.apiBase(c.v2) + "/issue/" + id})
}

// readIssueFields validates a create request the way Jira reports it:
// every problem as a field error, all at once. Call with st.mu held.
func (st *Site) readIssueFields(req createIssueRequest, v2 bool) (issueInput, map[string]string) {
	errs := map[string]string{}
	var in issueInput
	var p, it ref
	if json.Unmarshal(req.Fields["project"], &p) != nil || (p.ID == "" && p.Key == "") {
		errs["project"] = "Specify a valid project ID or key"
	} else if in.project = st.projectLocked(firstNonEmpty(p.ID, p.Key)); in.project == nil {
		errs["project"] = "Specify a valid project ID or key"
	}
	if json.Unmarshal(req.Fields["issuetype"], &it) != nil || (it.ID == "" && it.Name == "") {
		errs["issuetype"] = "Specify an issue type"
	} else if in.project != nil {
		found := false
		for _, t := range in.project.IssueTypes {
			if t.ID == it.ID || (it.ID == "" && strings.EqualFold(t.Name, it.Name)) {
				in.issueType, found = t, true
			}
		}
		if !found {
			errs["issuetype"] = "The issue type selected is invalid."
		}
	}
	if json.Unmarshal(req.Fields["summary"], &in.summary) != nil || strings.TrimSpace(in.summary) == "" {
		errs["summary"] = "You must specify a summary of the issue."
	} else if len(in.summary) > 255 {
		errs["summary"] = "Summary must be less than 255 characters."
	}
	if raw, ok := req.Fields["description"]; ok {
		var msg string
		if in.description, msg = textField(raw, v2); msg != "" {
			errs["description"] = msg
		}
	}
	if raw, ok := req.Fields["labels"]; ok {
		if msg := readLabels(raw, &in.labels); msg != "" {
			errs["labels"] = msg
		}
	}
	for name := range req.Fields {
		switch name {
		case "project", "issuetype", "summary", "description", "labels":
		default:
			errs[name] = fmt.Sprintf("Field '%s' cannot be set. It is not on the appropriate screen, or unknown.", name)
		}
	}
	in.properties = map[string]json.RawMessage{}
	for _, p := range req.Properties {
		if msg := validProperty(p.Key, p.Value); msg != "" {
			errs["properties"] = msg
			continue
		}
		in.properties[p.Key] = p.Value
	}
	return in, errs
}

func readLabels(raw json.RawMessage, out *[]string) string {
	var labels []string
	if json.Unmarshal(raw, &labels) != nil {
		return "Labels must be an array of strings."
	}
	for _, l := range labels {
		if strings.ContainsAny(l, " \t") || l == "" {
			return fmt.Sprintf("The label '%s' contains spaces which is invalid.", l)
		}
		if len(l) > 255 {
			return "The label must not exceed 255 characters."
		}
	}
	*out = labels
	return ""
}

type labelOp struct {
	Add    *string  `json:"add"`
	Remove *string  `json:"remove"`
	Set    []string `json:"set"`
}

// editIssue applies fields (summary, description, labels) and update
// operations on labels, then queues jira:issue_updated with a changelog.
func (s *Sim) editIssue(w http.ResponseWriter, r *http.Request, c *call) {
	var req createIssueRequest
	if err := decodeJSON(r, &req); err != nil {
		writeBadJSON(w)
		return
	}
	st := c.site
	status, errs := http.StatusNoContent, map[string]string{}
	_ = st.do(func() error {
		is := st.issueLocked(r.PathValue("key"))
		if is == nil {
			status = http.StatusNotFound
			return nil
		}
		next := *is
		for name, raw := range req.Fields {
			switch name {
			case "summary":
				if json.Unmarshal(raw, &next.summary) != nil || strings.TrimSpace(next.summary) == "" {
					errs["summary"] = "You must specify a summary of the issue."
				}
			case "description":
				var msg string
				if next.description, msg = textField(raw, c.v2); msg != "" {
					errs["description"] = msg
				}
			case "labels":
				if msg := readLabels(raw, &next.labels); msg != "" {
					errs["labels"] = msg
				}
			default:
				errs[name] = fmt.Sprintf("Field '%s' cannot be set. It is not on the appropriate screen, or unknown.", name)
			}
		}
		for name, raw := range req.Update {
			var ops []labelOp
			if name != "labels" || json.Unmarshal(raw, &ops) != nil {
				errs[name] = fmt.Sprintf("Field '%s' cannot be set. It is not on the appropriate screen, or unknown.", name)
				continue
			}
			next.labels = applyLabelOps(next.labels, ops)
		}
		if len(errs) > 0 {
			status = http.StatusBadRequest
			return nil
		}
		items := changeItems(is, &next)
		is.summary, is.description, is.labels = next.summary, next.description, next.labels
		if len(items) > 0 {
			is.updated = st.sim.now()
			st.emitIssue("jira:issue_updated", "issue_updated", is, c.inst.appUser.AccountID, items)
		}
		return nil
	})
	switch status {
	case http.StatusNotFound:
		writeError(w, status, msgIssueNotFound)
	case http.StatusBadRequest:
		writeFieldErrors(w, errs)
	default:
		w.WriteHeader(status)
	}
}

func applyLabelOps(labels []string, ops []labelOp) []string {
	out := append([]string{}, labels...)
	for _, op := range ops {
		switch {
		case op.Set != nil:
			out = append([]string{}, op.Set...)
		case op.Add != nil && !containsFold(out, *op.Add):
			out = append(out, *op.Add)
		case op.Remove != nil:
			kept := out[:0]
			for _, l := range out {
				if l != *op.Remove {
					kept = append(kept, l)
				}
			}
			out = kept
		}
	}
	return out
}

func containsFold(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// changeItems is the webhook changelog of an edit.
func changeItems(before, after *issue) []map[string]any {
	var items []map[string]any
	if before.summary != after.summary {
		items = append(items, changeItem("summary", "summary", nil, before.summary, nil, after.summary))
	}
	if strings.Join(before.labels, " ") != strings.Join(after.labels, " ") {
		items = append(items, changeItem("labels", "labels", nil, strings.Join(before.labels, " "), nil, strings.Join(after.labels, " ")))
	}
	if string(before.description) != string(after.description) {
		items = append(items, changeItem("description", "description", nil, adfToText(before.description), nil, adfToText(after.description)))
	}
	return items
}

func changeItem(field, fieldID string, from any, fromString string, to any, toString string) map[string]any {
	return map[string]any{"field": field, "fieldtype": "jira", "fieldId": fieldID,
		"from": from, "fromString": fromString, "to": to, "toString": toString}
}

func (s *Sim) deleteIssue(w http.ResponseWriter, r *http.Request, c *call) {
	found := false
	_ = c.site.do(func() error {
		found = c.site.deleteIssueLocked(r.PathValue("key"), c.inst.appUser.AccountID)
		return nil
	})
	if !found {
		writeError(w, http.StatusNotFound, msgIssueNotFound)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// deleteIssueLocked removes an issue with its worklogs (recorded for
// /worklog/deleted) and links, and queues jira:issue_deleted.
func (st *Site) deleteIssueLocked(key, actor string) bool {
	is := st.issueLocked(key)
	if is == nil {
		return false
	}
	st.emitIssue("jira:issue_deleted", "issue_deleted", is, actor, nil)
	now := st.sim.now()
	for _, wl := range is.worklogs {
		st.deleted = append(st.deleted, deletion{id: wl.id, at: now})
	}
	kept := st.links[:0]
	for _, l := range st.links {
		if l.Inward != is.key && l.Outward != is.key {
			kept = append(kept, l)
		}
	}
	st.links = kept
	delete(st.issues, is.id)
	delete(st.issuesByKey, is.key)
	return true
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// withIssue runs f with the site locked and the issue the path's {key}
// names, or answers Jira's 404 when there is none.
func (c *call) withIssue(w http.ResponseWriter, r *http.Request, f func(st *Site, is *issue)) {
	st := c.site
	st.mu.Lock()
	defer st.mu.Unlock()
	is := st.issueLocked(r.PathValue("key"))
	if is == nil {
		writeError(w, http.StatusNotFound, msgIssueNotFound)
		return
	}
	f(st, is)
}

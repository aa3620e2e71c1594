package jirafake

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	gojira "github.com/andygrunwald/go-jira"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/jira"
	"github.com/remitapp/remit/internal/remit"
)

// Project answers as Jira: NotFound for a project the site lacks.
func (s *Site) Project(ctx context.Context, keyOrID string) (*gojira.Project, error) {
	_, err := s.begin(ctx, MethodProject, keyOrID)
	defer s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	p := s.project(keyOrID)
	if p == nil {
		return nil, apiError(MethodProject, http.StatusNotFound, fmt.Sprintf("No project could be found with key '%s'.", keyOrID))
	}
	return &gojira.Project{ID: p.id, Key: p.key, Name: p.name}, nil
}

func (s *Site) project(keyOrID string) *project {
	if p := s.projects[strings.ToUpper(keyOrID)]; p != nil {
		return p
	}
	for _, p := range s.projects {
		if p.id == keyOrID {
			return p
		}
	}
	return nil
}

// IssueTypesForProject lists the project's issue types; the id must be
// numeric, as *jira.Client checks.
func (s *Site) IssueTypesForProject(ctx context.Context, projectID string) ([]gojira.IssueType, error) {
	if _, err := strconv.ParseUint(projectID, 10, 64); err != nil {
		return nil, remit.Errorf(remit.Invalid, "jira.IssueTypesForProject", "project id %q is not numeric", projectID)
	}
	_, err := s.begin(ctx, MethodIssueTypesForProject, projectID)
	defer s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	p := s.project(projectID)
	if p == nil {
		return nil, apiError(MethodIssueTypesForProject, http.StatusNotFound, "No project could be found.")
	}
	return slices.Clone(p.types), nil
}

// ProjectStatuses lists the names of the project's workflow statuses.
func (s *Site) ProjectStatuses(ctx context.Context, keyOrID string) ([]string, error) {
	_, err := s.begin(ctx, MethodProjectStatuses, keyOrID)
	defer s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	p := s.project(keyOrID)
	if p == nil {
		return nil, apiError(MethodProjectStatuses, http.StatusNotFound, fmt.Sprintf("No project could be found with key '%s'.", keyOrID))
	}
	names := make([]string, 0, len(p.workflow))
	for _, st := range p.workflow {
		names = append(names, st.Name)
	}
	return names, nil
}

// CheckJQL refuses a query the fake cannot read, as Jira refuses one it
// does not understand (400, Invalid).
func (s *Site) CheckJQL(ctx context.Context, jql string) error {
	_, err := s.begin(ctx, MethodCheckJQL, "")
	defer s.mu.Unlock()
	if err != nil {
		return err
	}
	_, err = s.compileJQL(MethodCheckJQL, jql)
	return err
}

// CheckPermissions answers from the grants, keyed as asked; a project
// the site lacks is not granted.
func (s *Site) CheckPermissions(ctx context.Context, accountID string, projectPerms map[string][]string, global []string) (jira.PermissionResult, error) {
	res := jira.PermissionResult{Global: map[string]bool{}, Project: map[string]map[string]bool{}}
	if accountID == "" {
		return res, remit.Errorf(remit.Invalid, "jira.CheckPermissions", "account id is required")
	}
	_, err := s.begin(ctx, MethodCheckPermissions, accountID)
	defer s.mu.Unlock()
	if err != nil {
		return res, err
	}
	for _, g := range global {
		res.Global[g] = s.global[accountID][g]
	}
	for key, perms := range projectPerms {
		res.Project[key] = map[string]bool{}
		p := s.project(key)
		for _, perm := range perms {
			res.Project[key][perm] = p != nil && s.grants[accountID][p.key][perm]
		}
	}
	return res, nil
}

// Worklogs returns the worklogs started in [From, To) of the issues the
// query selects, in key order.
func (s *Site) Worklogs(ctx context.Context, q jira.WorklogQuery) ([]invoice.Worklog, jira.WorklogStats, error) {
	stats := jira.WorklogStats{Requests: 1}
	_, err := s.begin(ctx, MethodWorklogs, "")
	defer s.mu.Unlock()
	if err != nil {
		return nil, stats, err
	}
	f, err := s.compileJQL(MethodWorklogs, q.JQL)
	if err != nil {
		return nil, stats, err
	}
	var out []invoice.Worklog
	for _, is := range s.search(f) {
		stats.Issues++
		for _, w := range is.Worklogs {
			if w.Started.Before(q.From) || !w.Started.Before(q.To) {
				continue
			}
			out = append(out, invoice.Worklog{ID: w.ID, IssueID: is.ID, IssueKey: is.Key, IssueSummary: is.Summary,
				ProjectKey: is.Project, AuthorID: w.Author, Started: w.Started, Seconds: w.Seconds})
		}
	}
	stats.Worklogs = len(out)
	return out, stats, nil
}

// search is the issues f selects, in key order.
func (s *Site) search(f pred) []*Issue {
	var out []*Issue
	for _, k := range s.order {
		if is := s.issues[k]; f(s, is) {
			out = append(out, is)
		}
	}
	slices.SortStableFunc(out, func(a, b *Issue) int {
		if a.Project != b.Project {
			return strings.Compare(a.Project, b.Project)
		}
		return compareNum(a.Key, b.Key)
	})
	return out
}

func compareNum(a, b string) int {
	_, na, _ := strings.Cut(a, "-")
	_, nb, _ := strings.Cut(b, "-")
	x, _ := strconv.Atoi(na)
	y, _ := strconv.Atoi(nb)
	return x - y
}

// IssueWorklogs lists all the issue's worklogs.
func (s *Site) IssueWorklogs(ctx context.Context, issueKey string) ([]jira.LoggedTime, error) {
	_, err := s.begin(ctx, MethodIssueWorklogs, issueKey)
	defer s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	is := s.issues[issueKey]
	if is == nil {
		return nil, notFound(MethodIssueWorklogs, issueKey)
	}
	var out []jira.LoggedTime
	for _, w := range is.Worklogs {
		out = append(out, jira.LoggedTime{ID: w.ID, Seconds: w.Seconds})
	}
	return out, nil
}

// FindIssueByProperty searches the project's issues for the property value.
func (s *Site) FindIssueByProperty(ctx context.Context, project, property, path, value string) (jira.IssueRef, bool, error) {
	_, err := s.begin(ctx, MethodFindIssueByProperty, project)
	defer s.mu.Unlock()
	if err != nil {
		return jira.IssueRef{}, false, err
	}
	for _, is := range s.search(func(_ *Site, is *Issue) bool { return strings.EqualFold(is.Project, project) }) {
		if slices.Contains(propertyValues(is.Properties[property], path), value) {
			return jira.IssueRef{ID: is.ID, Key: is.Key}, true, nil
		}
	}
	return jira.IssueRef{}, false, nil
}

// CreateIssue checks the project and issue type as Jira does (400) and
// creates the issue with its properties.
func (s *Site) CreateIssue(ctx context.Context, in jira.NewIssue) (jira.IssueRef, error) {
	after, err := s.begin(ctx, MethodCreateIssue, in.Project)
	defer s.mu.Unlock()
	if err != nil {
		return jira.IssueRef{}, err
	}
	p := s.projects[strings.ToUpper(in.Project)]
	if p == nil {
		return jira.IssueRef{}, jira.ErrorOf("jira CreateIssue", &jira.APIError{Status: http.StatusBadRequest, Fields: map[string]string{"project": "valid project is required"}})
	}
	i := slices.IndexFunc(p.types, func(t gojira.IssueType) bool { return strings.EqualFold(t.Name, in.IssueType) })
	if i < 0 {
		return jira.IssueRef{}, jira.ErrorOf("jira CreateIssue", &jira.APIError{Status: http.StatusBadRequest, Fields: map[string]string{"issuetype": "Specify an issue type"}})
	}
	if strings.TrimSpace(in.Summary) == "" {
		return jira.IssueRef{}, jira.ErrorOf("jira CreateIssue", &jira.APIError{Status: http.StatusBadRequest, Fields: map[string]string{"summary": "You must specify a summary of the issue."}})
	}
	desc, err := json.Marshal(in.Description)
	if err != nil {
		return jira.IssueRef{}, remit.Wrap(remit.Internal, "jira CreateIssue", err)
	}
	props := map[string]json.RawMessage{}
	for k, v := range in.Properties {
		if props[k], err = json.Marshal(v); err != nil {
			return jira.IssueRef{}, remit.Wrap(remit.Internal, "jira CreateIssue", err)
		}
	}
	is := s.addIssue(p, p.types[i].Name, in.Summary, desc)
	is.Properties = props
	ref := jira.IssueRef{ID: is.ID, Key: is.Key}
	s.created = append(s.created, ref)
	if after != nil {
		return jira.IssueRef{}, after
	}
	return ref, nil
}

// LinkIssues links two existing issues; an existing link stays one.
func (s *Site) LinkIssues(ctx context.Context, linkType, inwardKey, outwardKey string) error {
	after, err := s.begin(ctx, MethodLinkIssues, inwardKey)
	defer s.mu.Unlock()
	if err != nil {
		return err
	}
	if s.issues[inwardKey] == nil || s.issues[outwardKey] == nil {
		return notFound(MethodLinkIssues, outwardKey)
	}
	if l := (Link{linkType, inwardKey, outwardKey}); !slices.Contains(s.links, l) {
		s.links = append(s.links, l)
	}
	return after
}

// SetIssueProperty stores the value's JSON on the issue.
func (s *Site) SetIssueProperty(ctx context.Context, issueKey, property string, value any) error {
	after, err := s.begin(ctx, MethodSetIssueProperty, issueKey)
	defer s.mu.Unlock()
	if err != nil {
		return err
	}
	is := s.issues[issueKey]
	if is == nil {
		return notFound(MethodSetIssueProperty, issueKey)
	}
	data, err := json.Marshal(value)
	if err != nil {
		return remit.Wrap(remit.Internal, "jira SetIssueProperty", err)
	}
	is.Properties[property] = data
	return after
}

// IssueStatus is the issue's status name.
func (s *Site) IssueStatus(ctx context.Context, issueKey string) (string, error) {
	_, err := s.begin(ctx, MethodIssueStatus, issueKey)
	defer s.mu.Unlock()
	if err != nil {
		return "", err
	}
	is := s.issues[issueKey]
	if is == nil {
		return "", notFound(MethodIssueStatus, issueKey)
	}
	return is.Status, nil
}

// Transitions lists the moves out of the issue's status; a transition's
// id is fixed per target status.
func (s *Site) Transitions(ctx context.Context, issueKey string) ([]jira.Transition, error) {
	_, err := s.begin(ctx, MethodTransitions, issueKey)
	defer s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	is := s.issues[issueKey]
	if is == nil {
		return nil, notFound(MethodTransitions, issueKey)
	}
	return s.transitions(is), nil
}

func (s *Site) transitions(is *Issue) []jira.Transition {
	p := s.projects[is.Project]
	allowed, limited := p.restricted[strings.ToLower(is.Status)]
	var out []jira.Transition
	for i, st := range p.workflow {
		if strings.EqualFold(st.Name, is.Status) {
			continue
		}
		if limited && !slices.ContainsFunc(allowed, func(a string) bool { return strings.EqualFold(a, st.Name) }) {
			continue
		}
		out = append(out, jira.Transition{ID: strconv.Itoa(11 + 10*i), To: st.Name})
	}
	return out
}

// Transition makes a transition available from the issue's status; any
// other id is a 400, as in Jira.
func (s *Site) Transition(ctx context.Context, issueKey, transitionID string) error {
	after, err := s.begin(ctx, MethodTransition, issueKey)
	defer s.mu.Unlock()
	if err != nil {
		return err
	}
	is := s.issues[issueKey]
	if is == nil {
		return notFound(MethodTransition, issueKey)
	}
	i := slices.IndexFunc(s.transitions(is), func(t jira.Transition) bool { return t.ID == transitionID })
	if i < 0 {
		return apiError(MethodTransition, http.StatusBadRequest, "Transition id '"+transitionID+"' is not valid for this issue.")
	}
	to := s.transitions(is)[i].To
	s.moves = append(s.moves, Move{Key: issueKey, From: is.Status, To: to})
	is.Status = to
	return after
}

// AddComment stores the comment, and its properties, with a fresh id.
// Properties are held to Jira's rules (a key of 1 to 255 characters, a
// value of at most 32,768 bytes), refused with 400 as Jira does.
func (s *Site) AddComment(ctx context.Context, issueKey string, doc any, props ...jira.EntityProperty) (string, error) {
	after, err := s.begin(ctx, MethodAddComment, issueKey)
	defer s.mu.Unlock()
	if err != nil {
		return "", err
	}
	is := s.issues[issueKey]
	if is == nil {
		return "", notFound(MethodAddComment, issueKey)
	}
	body, err := json.Marshal(doc)
	if err != nil {
		return "", remit.Wrap(remit.Internal, "jira AddComment", err)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, body); err != nil {
		return "", remit.Wrap(remit.Invalid, "jira AddComment", err)
	}
	var stored map[string]json.RawMessage
	for _, p := range props {
		v, err := json.Marshal(p.Value)
		if err != nil {
			return "", remit.Wrap(remit.Internal, "jira AddComment", err)
		}
		if p.Key == "" || len(p.Key) > 255 || len(v) > 32768 {
			return "", apiError(MethodAddComment, http.StatusBadRequest, "The property key must be between 1 and 255 characters long.")
		}
		if stored == nil {
			stored = map[string]json.RawMessage{}
		}
		stored[p.Key] = v
	}
	id := s.id()
	is.Comments = append(is.Comments, Comment{ID: id, Body: compact.Bytes(), Properties: stored})
	if after != nil {
		return "", after
	}
	return id, nil
}

// FindComment returns the first comment whose body match accepts.
func (s *Site) FindComment(ctx context.Context, issueKey string, match func(body json.RawMessage) bool) (string, bool, error) {
	_, err := s.begin(ctx, MethodFindComment, issueKey)
	if err != nil {
		s.mu.Unlock()
		return "", false, err
	}
	is := s.issues[issueKey]
	if is == nil {
		s.mu.Unlock()
		return "", false, notFound(MethodFindComment, issueKey)
	}
	comments := slices.Clone(is.Comments)
	s.mu.Unlock() // match is the caller's code
	for _, c := range comments {
		if match(c.Body) {
			return c.ID, true, nil
		}
	}
	return "", false, nil
}

// FindCommentByProperty returns the first comment whose property named
// property has a value match accepts.
func (s *Site) FindCommentByProperty(ctx context.Context, issueKey, property string, match func(value json.RawMessage) bool) (string, bool, error) {
	_, err := s.begin(ctx, MethodFindCommentByProperty, issueKey)
	if err != nil {
		s.mu.Unlock()
		return "", false, err
	}
	is := s.issues[issueKey]
	if is == nil {
		s.mu.Unlock()
		return "", false, notFound(MethodFindCommentByProperty, issueKey)
	}
	comments := slices.Clone(is.Comments)
	s.mu.Unlock() // match is the caller's code
	for _, c := range comments {
		if v, ok := c.Properties[property]; ok && match(v) {
			return c.ID, true, nil
		}
	}
	return "", false, nil
}

// labelPageSize is the page IssueLabels reads, as *jira.Client asks.
const labelPageSize = 100

// IssueLabels pages through the query's issues; the token is the offset.
func (s *Site) IssueLabels(ctx context.Context, jql, pageToken string) (jira.LabelPage, error) {
	_, err := s.begin(ctx, MethodIssueLabels, "")
	defer s.mu.Unlock()
	if err != nil {
		return jira.LabelPage{}, err
	}
	f, err := s.compileJQL(MethodIssueLabels, jql)
	if err != nil {
		return jira.LabelPage{}, err
	}
	start := 0
	if pageToken != "" {
		if start, err = strconv.Atoi(pageToken); err != nil {
			return jira.LabelPage{}, apiError(MethodIssueLabels, http.StatusBadRequest, "Invalid nextPageToken.")
		}
	}
	all := s.search(f)
	var page jira.LabelPage
	for _, is := range all[min(start, len(all)):min(start+labelPageSize, len(all))] {
		page.Issues = append(page.Issues, jira.IssueLabelsOf{Key: is.Key, Labels: slices.Clone(is.Labels)})
	}
	if start+labelPageSize < len(all) {
		page.NextPageToken = strconv.Itoa(start + labelPageSize)
	}
	return page, nil
}

// AddLabel adds the label unless the issue has it.
func (s *Site) AddLabel(ctx context.Context, issueKey, label string) error {
	after, err := s.begin(ctx, MethodAddLabel, issueKey)
	defer s.mu.Unlock()
	if err != nil {
		return err
	}
	is := s.issues[issueKey]
	if is == nil {
		return notFound(MethodAddLabel, issueKey)
	}
	if !slices.Contains(is.Labels, label) {
		is.Labels = append(is.Labels, label)
		s.labels = append(s.labels, LabelAdd{Key: issueKey, Label: label})
	}
	return after
}

// RemoveLabel removes the label if the issue has it.
func (s *Site) RemoveLabel(ctx context.Context, issueKey, label string) error {
	after, err := s.begin(ctx, MethodRemoveLabel, issueKey)
	defer s.mu.Unlock()
	if err != nil {
		return err
	}
	is := s.issues[issueKey]
	if is == nil {
		return notFound(MethodRemoveLabel, issueKey)
	}
	if i := slices.Index(is.Labels, label); i >= 0 {
		is.Labels = slices.Delete(is.Labels, i, i+1)
		s.unlabels = append(s.unlabels, LabelAdd{Key: issueKey, Label: label})
	}
	return after
}

// ReportAccounts answers "closed" for the accounts CloseAccount named and
// "updated" for those UpdateAccount named.
func (s *Site) ReportAccounts(ctx context.Context, accounts []jira.ReportedAccount) (jira.ReportResult, error) {
	after, err := s.begin(ctx, MethodReportAccounts, "")
	defer s.mu.Unlock()
	if err != nil {
		return jira.ReportResult{}, err
	}
	if len(accounts) > jira.MaxReportAccounts {
		return jira.ReportResult{}, apiError(MethodReportAccounts, http.StatusBadRequest, "too many accounts")
	}
	s.reported = append(s.reported, accounts...)
	res := jira.ReportResult{CyclePeriod: jira.DefaultCyclePeriod}
	for _, a := range accounts {
		switch {
		case s.closed[a.AccountID]:
			res.Accounts = append(res.Accounts, jira.AccountStatus{AccountID: a.AccountID, Status: "closed"})
		case s.updated[a.AccountID]:
			res.Accounts = append(res.Accounts, jira.AccountStatus{AccountID: a.AccountID, Status: "updated"})
		}
	}
	if after != nil {
		return jira.ReportResult{}, after
	}
	return res, nil
}

// propertyValues reads the values at a dotted path of a JSON property,
// as Jira's index of it holds them (strings, numbers, booleans).
func propertyValues(raw json.RawMessage, path string) []string {
	if raw == nil {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return nil
	}
	for _, part := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[part]
	}
	switch x := v.(type) {
	case string:
		return []string{x}
	case json.Number:
		return []string{x.String()}
	case bool:
		return []string{strconv.FormatBool(x)}
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, fmt.Sprint(e))
		}
		return out
	}
	return nil
}

// SetLicence makes AppLicence answer a known licence, active or not.
func (s *Site) SetLicence(active bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.licence = jira.Licence{Known: true, Active: active}
}

// AppLicence answers the licence SetLicence gave; none is known until
// then, as for a free listing.
func (s *Site) AppLicence(ctx context.Context) (jira.Licence, error) {
	_, err := s.begin(ctx, MethodAppLicence, "")
	defer s.mu.Unlock()
	if err != nil {
		return jira.Licence{}, err
	}
	return s.licence, nil
}

package jirasim

import (
	"encoding/json"
	"slices"
)

// IssueView is an issue as read back by tests and the control API.
type IssueView struct {
	ID          string `json:"id"`
	Key         string `json:"key"`
	Project     string `json:"project"`
	IssueType   string `json:"issueType"`
	Summary     string `json:"summary"`
	Description string `json:"description"`
	// DescriptionADF is the description as stored (ADF), for views that
	// render it the way Jira does.
	DescriptionADF json.RawMessage            `json:"descriptionAdf,omitempty"`
	Labels         []string                   `json:"labels"`
	Status         string                     `json:"status"`
	Reporter       string                     `json:"reporter,omitempty"`
	Created        string                     `json:"created"`
	Updated        string                     `json:"updated"`
	Properties     map[string]json.RawMessage `json:"properties"`
	Worklogs       int                        `json:"worklogs"`
	Comments       int                        `json:"comments"`
	CreatedByApp   string                     `json:"createdByApp,omitempty"`
}

func viewOf(is *issue) IssueView {
	props := make(map[string]json.RawMessage, len(is.properties))
	for k, v := range is.properties {
		props[k] = v
	}
	return IssueView{
		ID: itoa(is.id), Key: is.key, Project: is.project.Key, IssueType: is.issueType.Name,
		Summary: is.summary, Description: adfToText(is.description), DescriptionADF: is.description, Labels: append([]string{}, is.labels...),
		Status: is.status.Name, Reporter: is.reporter, Created: formatTime(is.created), Updated: formatTime(is.updated),
		Properties: props, Worklogs: len(is.worklogs), Comments: len(is.comments), CreatedByApp: is.createdBy,
	}
}

// sortedIssues returns issues in id order. Call with st.mu held.
func (st *Site) sortedIssues() []*issue {
	out := make([]*issue, 0, len(st.issues))
	for _, is := range st.issues {
		out = append(out, is)
	}
	slices.SortFunc(out, func(a, b *issue) int { return cmpInt(a.id, b.id) })
	return out
}

// Issue returns one issue by key or id.
func (st *Site) Issue(key string) (IssueView, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	is := st.issueLocked(key)
	if is == nil {
		return IssueView{}, false
	}
	return viewOf(is), true
}

// Issues returns every issue in creation order.
func (st *Site) Issues() []IssueView {
	st.mu.Lock()
	defer st.mu.Unlock()
	var out []IssueView
	for _, is := range st.sortedIssues() {
		out = append(out, viewOf(is))
	}
	return out
}

// CreatedIssues returns the issues apps created through REST.
func (st *Site) CreatedIssues() []IssueView {
	st.mu.Lock()
	defer st.mu.Unlock()
	var out []IssueView
	for _, is := range st.sortedIssues() {
		if is.createdBy != "" {
			out = append(out, viewOf(is))
		}
	}
	return out
}

// Links returns the issue links on the site.
func (st *Site) Links() []Link {
	st.mu.Lock()
	defer st.mu.Unlock()
	return append([]Link(nil), st.links...)
}

// Projects returns the site's projects.
func (st *Site) Projects() []Project {
	st.mu.Lock()
	defer st.mu.Unlock()
	out := make([]Project, len(st.projects))
	for i, p := range st.projects {
		out[i] = *p
	}
	return out
}

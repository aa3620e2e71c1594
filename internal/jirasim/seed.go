package jirasim

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// IssueSpec describes an issue created by a test or the demo, as a person
// would create it. Status defaults to the workflow's initial status.
type IssueSpec struct {
	Project     string                     `json:"project"`
	IssueType   string                     `json:"issueType"`
	Summary     string                     `json:"summary"`
	Description string                     `json:"description,omitempty"`
	Labels      []string                   `json:"labels,omitempty"`
	Status      string                     `json:"status,omitempty"`
	Reporter    string                     `json:"reporter,omitempty"`
	Created     time.Time                  `json:"created,omitzero"`
	Properties  map[string]json.RawMessage `json:"properties,omitempty"`
}

// WorklogSpec describes a worklog logged by a person.
type WorklogSpec struct {
	Issue            string    `json:"issue"`
	Author           string    `json:"author"`
	Started          time.Time `json:"started"`
	TimeSpentSeconds int64     `json:"timeSpentSeconds"`
	Comment          string    `json:"comment,omitempty"`
	Created          time.Time `json:"created,omitzero"`
}

// SeedData is bulk data loaded without firing webhooks.
type SeedData struct {
	Users    []User        `json:"users"`
	Projects []ProjectSpec `json:"projects"`
	Issues   []IssueSpec   `json:"issues"`
	Worklogs []WorklogSpec `json:"worklogs"`
}

// SeedResult names what Seed created, in input order.
type SeedResult struct {
	IssueKeys  []string `json:"issueKeys"`
	WorklogIDs []string `json:"worklogIds"`
}

// CreateIssue creates an issue as a person would (firing
// jira:issue_created) and returns its key.
func (st *Site) CreateIssue(spec IssueSpec) (string, error) {
	var key string
	err := st.do(func() error {
		is, err := st.createFromSpecLocked(spec)
		if err == nil {
			key = is.key
		}
		return err
	})
	return key, err
}

func (st *Site) createFromSpecLocked(spec IssueSpec) (*issue, error) {
	p := st.projectLocked(spec.Project)
	if p == nil {
		return nil, fmt.Errorf("unknown project %q", spec.Project)
	}
	in := issueInput{project: p, summary: spec.Summary, labels: spec.Labels, status: spec.Status,
		reporter: spec.Reporter, created: spec.Created, properties: map[string]json.RawMessage{}}
	if spec.IssueType == "" {
		in.issueType = p.IssueTypes[0]
	} else if i := slices.IndexFunc(p.IssueTypes, func(t IssueType) bool { return strings.EqualFold(t.Name, spec.IssueType) }); i >= 0 {
		in.issueType = p.IssueTypes[i]
	} else {
		return nil, fmt.Errorf("project %s has no issue type %q", p.Key, spec.IssueType)
	}
	if spec.Description != "" {
		in.description = textToADF(spec.Description)
	}
	for k, v := range spec.Properties {
		in.properties[k] = v
	}
	return st.createIssueLocked(in, spec.Reporter, "")
}

// AddWorklog logs work as a person would (firing worklog_created) and
// returns the worklog id.
func (st *Site) AddWorklog(spec WorklogSpec) (string, error) {
	var id string
	err := st.do(func() error {
		wl, err := st.worklogFromSpecLocked(spec)
		if err == nil {
			id = itoa(wl.id)
		}
		return err
	})
	return id, err
}

func (st *Site) worklogFromSpecLocked(spec WorklogSpec) (*worklog, error) {
	is := st.issueLocked(spec.Issue)
	if is == nil {
		return nil, fmt.Errorf("unknown issue %q", spec.Issue)
	}
	if spec.TimeSpentSeconds <= 0 || spec.Started.IsZero() {
		return nil, fmt.Errorf("worklog on %s needs started and a positive timeSpentSeconds", spec.Issue)
	}
	wl := &worklog{author: spec.Author, started: spec.Started, seconds: spec.TimeSpentSeconds, created: spec.Created}
	if spec.Comment != "" {
		wl.comment = textToADF(spec.Comment)
	}
	st.addWorklogLocked(is, wl)
	return wl, nil
}

// EditWorklog changes a worklog's time spent as its author would (firing
// worklog_updated).
func (st *Site) EditWorklog(id string, timeSpentSeconds int64, actor string) error {
	return st.do(func() error {
		is, wl := st.worklogByIDLocked(id)
		if wl == nil {
			return fmt.Errorf("unknown worklog %s", id)
		}
		next := *wl
		next.seconds, next.updater = timeSpentSeconds, actor
		st.updateWorklogLocked(is, wl, next)
		return nil
	})
}

// DeleteWorklog deletes a worklog as a person would (firing
// worklog_deleted and listing it in /worklog/deleted).
func (st *Site) DeleteWorklog(id string) error {
	return st.do(func() error {
		is, wl := st.worklogByIDLocked(id)
		if wl == nil {
			return fmt.Errorf("unknown worklog %s", id)
		}
		st.deleteWorklogLocked(is, wl)
		return nil
	})
}

func (st *Site) worklogByIDLocked(id string) (*issue, *worklog) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return nil, nil
	}
	return st.worklogLocked(n)
}

// DeleteIssue deletes an issue as a person would (firing
// jira:issue_deleted).
func (st *Site) DeleteIssue(key, actor string) error {
	return st.do(func() error {
		if !st.deleteIssueLocked(key, actor) {
			return fmt.Errorf("unknown issue %s", key)
		}
		return nil
	})
}

// Seed loads users, projects, issues and worklogs in one go without
// firing webhooks; it stops at the first invalid item.
func (st *Site) Seed(data SeedData) (SeedResult, error) {
	var res SeedResult
	st.mu.Lock()
	defer func() {
		st.pending = nil
		st.mu.Unlock()
	}()
	for _, u := range data.Users {
		if u.AccountType == "" {
			u.AccountType = "atlassian"
		}
		if u.TimeZone == "" {
			u.TimeZone = "UTC"
		}
		st.users[u.AccountID] = &u
	}
	for _, p := range data.Projects {
		if _, err := st.addProjectLocked(p); err != nil {
			return res, err
		}
	}
	for _, spec := range data.Issues {
		is, err := st.createFromSpecLocked(spec)
		if err != nil {
			return res, err
		}
		res.IssueKeys = append(res.IssueKeys, is.key)
	}
	for _, spec := range data.Worklogs {
		wl, err := st.worklogFromSpecLocked(spec)
		if err != nil {
			return res, err
		}
		res.WorklogIDs = append(res.WorklogIDs, itoa(wl.id))
	}
	return res, nil
}

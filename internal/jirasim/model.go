package jirasim

import (
	"encoding/json"
	"strconv"
	"time"
)

// User is a Jira user of a site (a person, or the app user Jira creates for
// each installed Connect app).
type User struct {
	AccountID   string `json:"accountId"`
	DisplayName string `json:"displayName"`
	Email       string `json:"emailAddress,omitempty"`
	TimeZone    string `json:"timeZone,omitempty"`
	AccountType string `json:"accountType,omitempty"` // atlassian (default) or app
}

// IssueType is a project's issue type; ids are site-wide like in Jira.
type IssueType struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Subtask bool   `json:"subtask"`
}

// Status is a workflow status. Category is Jira's status category key:
// "new", "indeterminate" or "done".
type Status struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Category string `json:"category"`
}

// Transition moves an issue to the status named To. From lists the status
// names it is available from; empty means a global transition.
type Transition struct {
	ID   string   `json:"id"`
	Name string   `json:"name"`
	From []string `json:"from,omitempty"`
	To   string   `json:"to"`
}

// Workflow is a project's workflow: its statuses (the first is the initial
// one) and transitions. Transition names deliberately differ from status
// names, as in real workflows, so clients must look transitions up.
type Workflow struct {
	Statuses    []Status     `json:"statuses"`
	Transitions []Transition `json:"transitions"`
}

// Project is a Jira project of a site.
type Project struct {
	ID         string      `json:"id"`
	Key        string      `json:"key"`
	Name       string      `json:"name"`
	IssueTypes []IssueType `json:"issueTypes"`
	Workflow   Workflow    `json:"workflow"`
}

// issue is the simulator's stored issue. Rich text (description, comment
// and worklog bodies) is stored as ADF and rendered as plain text for v2.
type issue struct {
	id          int64
	key         string
	project     *Project
	issueType   IssueType
	summary     string
	description json.RawMessage // ADF doc or nil
	labels      []string
	status      Status
	reporter    string
	created     time.Time
	updated     time.Time
	statusCat   time.Time
	properties  map[string]json.RawMessage
	worklogs    []*worklog
	comments    []*comment
	createdBy   string // app key when created through REST by an app
}

type worklog struct {
	id      int64
	issueID int64
	author  string
	updater string
	started time.Time
	seconds int64
	comment json.RawMessage // ADF doc or nil
	created time.Time
	updated time.Time
}

type comment struct {
	id         int64
	issueID    int64
	author     string
	body       json.RawMessage // ADF doc
	properties map[string]json.RawMessage
	created    time.Time
	updated    time.Time
}

// deletion records a deleted worklog for /worklog/deleted.
type deletion struct {
	id int64
	at time.Time
}

// Link is an issue link as recorded by the simulator.
type Link struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Inward  string `json:"inwardIssue"`
	Outward string `json:"outwardIssue"`
}

// TransitionRecord is one executed transition, kept so tests can read back
// what the app (or a simulated person) did.
type TransitionRecord struct {
	IssueKey     string    `json:"issueKey"`
	TransitionID string    `json:"transitionId"`
	Name         string    `json:"name"`
	From         string    `json:"from"`
	To           string    `json:"to"`
	By           string    `json:"by"`
	At           time.Time `json:"at"`
}

// linkTypes are the link types every Jira Cloud site starts with.
var linkTypes = []struct{ ID, Name, Inward, Outward string }{
	{"10000", "Blocks", "is blocked by", "blocks"},
	{"10001", "Cloners", "is cloned by", "clones"},
	{"10002", "Duplicate", "is duplicated by", "duplicates"},
	{"10003", "Relates", "relates to", "relates to"},
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

package jira

import (
	"context"
	"encoding/json"

	gojira "github.com/andygrunwald/go-jira"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/remit"
)

// Site is every call Remit makes to a tenant's Jira site, in the terms of
// the use cases: Jira's wire formats (REST payloads, search bodies,
// transitions, labels) are built behind it, in this package. *Client is
// the real one; internal/jira/jirafake keeps a site in memory for tests of
// the use cases. Errors are *remit.Error of the kinds Client returns
// (NotFound, Forbidden, Invalid with an *APIError for a refused JQL,
// Unavailable, *UncertainError for a write whose answer was lost).
type Site interface {
	// Project fetches a project by key or id (NotFound when the app
	// cannot see it); IssueTypesForProject lists the issue types of a
	// project by its numeric id; ProjectStatuses lists the names of the
	// statuses a project's workflows use, each once, in Jira's order.
	Project(ctx context.Context, keyOrID string) (*gojira.Project, error)
	IssueTypesForProject(ctx context.Context, projectID string) ([]gojira.IssueType, error)
	ProjectStatuses(ctx context.Context, keyOrID string) ([]string, error)
	// CheckJQL asks Jira whether a query is valid: a refused query is an
	// Invalid error with the *APIError carrying Jira's message.
	CheckJQL(ctx context.Context, jql string) error
	// CheckPermissions says which of the permissions accountID holds.
	CheckPermissions(ctx context.Context, accountID string, projectPerms map[string][]string, global []string) (PermissionResult, error)

	// Worklogs returns the billable worklogs of a query; IssueWorklogs
	// the time logged on one issue.
	Worklogs(ctx context.Context, q WorklogQuery) ([]invoice.Worklog, WorklogStats, error)
	IssueWorklogs(ctx context.Context, issueKey string) ([]LoggedTime, error)

	// FindIssueByProperty finds an issue of project whose entity property
	// has value at path (such as "number"), through search.
	FindIssueByProperty(ctx context.Context, project, property, path, value string) (IssueRef, bool, error)
	// CreateIssue creates an issue with its entity properties in one call.
	CreateIssue(ctx context.Context, in NewIssue) (IssueRef, error)
	// LinkIssues relates two issues; linking them again is harmless.
	LinkIssues(ctx context.Context, linkType, inwardKey, outwardKey string) error
	// SetIssueProperty writes an entity property (its value as JSON).
	SetIssueProperty(ctx context.Context, issueKey, property string, value any) error
	// IssueStatus is the name of the issue's status; Transitions lists
	// the transitions available from it; Transition makes one.
	IssueStatus(ctx context.Context, issueKey string) (string, error)
	Transitions(ctx context.Context, issueKey string) ([]Transition, error)
	Transition(ctx context.Context, issueKey, transitionID string) error

	// AddComment posts a comment whose body is an ADF document, with
	// comment properties set in the same call, and returns its id;
	// FindComment pages through the issue's comments for the first whose
	// ADF body match accepts; FindCommentByProperty for the first whose
	// comment property named property has a value match accepts (how a
	// writer that marked its comment finds it again after an uncertain
	// answer).
	AddComment(ctx context.Context, issueKey string, doc any, props ...EntityProperty) (string, error)
	FindComment(ctx context.Context, issueKey string, match func(body json.RawMessage) bool) (string, bool, error)
	FindCommentByProperty(ctx context.Context, issueKey, property string, match func(value json.RawMessage) bool) (string, bool, error)

	// IssueLabels reads one page of the labels of the issues a query
	// selects; pageToken is "" for the first page. AddLabel adds a label
	// (a no-op when the issue has it); RemoveLabel removes one (a no-op
	// when the issue lacks it).
	IssueLabels(ctx context.Context, jql, pageToken string) (LabelPage, error)
	AddLabel(ctx context.Context, issueKey, label string) error
	RemoveLabel(ctx context.Context, issueKey, label string) error

	// AppLicence reads Remit's licence on the site: the app licence API
	// of Connect (GET /rest/atlassian-connect/1/addons/{appKey}). Known is
	// false when the answer has no licence (a free listing, a development
	// install) and for a Forge installation, whose licence comes in the
	// invocation context instead.
	AppLicence(ctx context.Context) (Licence, error)

	// ReportAccounts reports stored accountIds to the personal data
	// reporting API.
	ReportAccounts(ctx context.Context, accounts []ReportedAccount) (ReportResult, error)
}

// Sites gives the Site of a tenant; *Factory is the real one. An
// uninstalled or disabled tenant gets a Conflict error.
type Sites interface {
	For(t remit.Tenant) (Site, error)
}

var (
	_ Site  = (*Client)(nil)
	_ Sites = (*Factory)(nil)
)

// LoggedTime is one worklog of an issue: its id and the time it logs.
type LoggedTime struct {
	ID      int64
	Seconds int64
}

// EntityProperty is an entity property written with the entity that
// carries it: Key and Value (any JSON value, at most 32,768 bytes).
type EntityProperty struct {
	Key   string `json:"key"`
	Value any    `json:"value"`
}

// Licence is the app's licence on a site as Jira states it: Active when
// Known.
type Licence struct {
	Known  bool
	Active bool
}

// IssueRef names an issue by id and key.
type IssueRef struct {
	ID  string
	Key string
}

// NewIssue is an issue to create. Description is an ADF document;
// Properties are entity properties set in the same call.
type NewIssue struct {
	Project     string // key
	IssueType   string // name
	Summary     string
	Description any
	Properties  map[string]any
}

// Transition is one transition available from an issue's status: its id
// and the name of the status it leads to.
type Transition struct {
	ID string
	To string
}

// IssueLabelsOf is an issue and its labels.
type IssueLabelsOf struct {
	Key    string
	Labels []string
}

// LabelPage is one page of IssueLabels; NextPageToken is "" on the last.
type LabelPage struct {
	Issues        []IssueLabelsOf
	NextPageToken string
}

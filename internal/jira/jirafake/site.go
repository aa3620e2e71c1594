package jirafake

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	gojira "github.com/andygrunwald/go-jira"

	"github.com/remitapp/remit/internal/jira"
)

// Status categories, by Jira's keys.
const (
	CategoryToDo       = "new"
	CategoryInProgress = "indeterminate"
	CategoryDone       = "done"
)

// Status is a workflow status and its category.
type Status struct {
	Name     string
	Category string // CategoryToDo, CategoryInProgress or CategoryDone
}

// DefaultWorkflow is the workflow of a new project: issues start in Open
// and may move between any two statuses; the names are those of
// invoice.DefaultSettings.
var DefaultWorkflow = []Status{
	{"Open", CategoryToDo}, {"Sent", CategoryInProgress}, {"Overdue", CategoryInProgress},
	{"Paid", CategoryDone}, {"Cancelled", CategoryDone}, {"In Progress", CategoryInProgress}, {"Done", CategoryDone},
}

// Comment is a comment on an issue: its id, ADF body and comment
// properties (nil when it has none).
type Comment struct {
	ID         string
	Body       json.RawMessage
	Properties map[string]json.RawMessage
}

// Worklog is time logged on an issue.
type Worklog struct {
	ID      int64
	Author  string // accountId
	Started time.Time
	Seconds int64
}

// Link is an issue link.
type Link struct{ Type, Inward, Outward string }

// Move is a transition Remit made: the issue and its statuses.
type Move struct{ Key, From, To string }

// LabelAdd is a label Remit added to an issue that did not have it.
type LabelAdd struct{ Key, Label string }

// Issue is an issue as the site holds it.
type Issue struct {
	ID, Key, Project, Type, Summary, Status string
	Description                             json.RawMessage
	Labels                                  []string
	Properties                              map[string]json.RawMessage
	Comments                                []Comment
	Worklogs                                []Worklog
}

func (is *Issue) clone() Issue {
	c := *is
	c.Labels = slices.Clone(is.Labels)
	c.Comments = slices.Clone(is.Comments)
	c.Worklogs = slices.Clone(is.Worklogs)
	c.Properties = make(map[string]json.RawMessage, len(is.Properties))
	for k, v := range is.Properties {
		c.Properties[k] = v
	}
	return c
}

type project struct {
	id, key, name string
	types         []gojira.IssueType
	next          int
	workflow      []Status            // the first is where issues start
	restricted    map[string][]string // lower-case status -> allowed targets
}

// Site is one tenant's Jira site in memory. Seed it with AddProject,
// AddIssue, LogWork, Grant; break it with FailNext, FailAfterWrite, Down
// or BeforeFn; read what Remit did with Calls, Created, Comments, Moves,
// LabelsAdded, Issue and Property. Safe for concurrent use.
type Site struct {
	// BeforeFn, when set, runs before every call with the method and its
	// issue key (or project, or ""); an error it returns is the call's
	// answer, with no effect.
	BeforeFn func(m Method, key string) error

	mu       sync.Mutex
	now      func() time.Time
	projects map[string]*project // by upper-case key
	issues   map[string]*Issue   // by key
	order    []string            // issue keys in creation order
	nextID   int64
	global   map[string]map[string]bool
	grants   map[string]map[string]map[string]bool // account -> project key -> permission
	closed   map[string]bool
	updated  map[string]bool

	faults   map[Method][]fault
	down     error
	calls    map[Method]int
	created  []jira.IssueRef
	moves    []Move
	labels   []LabelAdd
	unlabels []LabelAdd
	links    []Link
	reported []jira.ReportedAccount
	licence  jira.Licence
}

// NewSite is an empty site with DefaultWorkflow.
func NewSite() *Site {
	return &Site{
		now:      func() time.Time { return time.Time{} },
		projects: map[string]*project{}, issues: map[string]*Issue{}, nextID: 10000,
		global: map[string]map[string]bool{},
		grants: map[string]map[string]map[string]bool{}, closed: map[string]bool{}, updated: map[string]bool{},
		faults: map[Method][]fault{}, calls: map[Method]int{},
	}
}

func (s *Site) id() string {
	s.nextID++
	return strconv.FormatInt(s.nextID, 10)
}

// AddProject adds a project with the given issue types (Task when none)
// and returns its numeric id.
func (s *Site) AddProject(key string, issueTypes ...string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(issueTypes) == 0 {
		issueTypes = []string{"Task"}
	}
	p := &project{id: s.id(), key: strings.ToUpper(key), name: key,
		workflow: slices.Clone(DefaultWorkflow), restricted: map[string][]string{}}
	for _, t := range issueTypes {
		p.types = append(p.types, gojira.IssueType{ID: s.id(), Name: t})
	}
	p.types = append(p.types, gojira.IssueType{ID: s.id(), Name: "Sub-task", Subtask: true})
	s.projects[p.key] = p
	return p.id
}

// AddIssue adds a Task to project (which must exist) in the workflow's
// first status and returns its key.
func (s *Site) AddIssue(projectKey, summary string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.projects[strings.ToUpper(projectKey)]
	if p == nil {
		panic("jirafake: AddIssue to unknown project " + projectKey)
	}
	return s.addIssue(p, "Task", summary, nil).Key
}

func (s *Site) addIssue(p *project, typ, summary string, desc json.RawMessage) *Issue {
	p.next++
	is := &Issue{ID: s.id(), Key: p.key + "-" + strconv.Itoa(p.next), Project: p.key, Type: typ, Summary: summary,
		Status: p.workflow[0].Name, Description: desc, Properties: map[string]json.RawMessage{}}
	s.issues[is.Key] = is
	s.order = append(s.order, is.Key)
	return is
}

// LogWork adds a worklog to the issue and returns its id.
func (s *Site) LogWork(issueKey, author string, started time.Time, seconds int64) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	is := s.issues[issueKey]
	if is == nil {
		panic("jirafake: LogWork on unknown issue " + issueKey)
	}
	s.nextID++
	is.Worklogs = append(is.Worklogs, Worklog{ID: s.nextID, Author: author, Started: started, Seconds: seconds})
	return s.nextID
}

// DeleteIssue removes an issue, as a person may in Jira.
func (s *Site) DeleteIssue(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.issues, key)
	s.order = slices.DeleteFunc(s.order, func(k string) bool { return k == key })
}

// SetWorkflow replaces the project's workflow (DefaultWorkflow unless
// set); new issues start in its first status.
func (s *Site) SetWorkflow(projectKey string, statuses ...Status) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.projects[strings.ToUpper(projectKey)]
	p.workflow = slices.Clone(statuses)
	p.restricted = map[string][]string{}
}

// OnlyTransitions limits the transitions out of status from in the
// project to the given targets (by default every other status is
// reachable).
func (s *Site) OnlyTransitions(projectKey, from string, to ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.projects[strings.ToUpper(projectKey)].restricted[strings.ToLower(from)] = to
}

// GrantGlobal gives accountID global permissions (such as jira.PermAdminister).
func (s *Site) GrantGlobal(accountID string, perms ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.global[accountID] == nil {
		s.global[accountID] = map[string]bool{}
	}
	for _, p := range perms {
		s.global[accountID][p] = true
	}
}

// Grant gives accountID project permissions (such as
// jira.PermBrowseProjects) on the project with key projectKey.
func (s *Site) Grant(accountID, projectKey string, perms ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.grants[accountID] == nil {
		s.grants[accountID] = map[string]map[string]bool{}
	}
	k := strings.ToUpper(projectKey)
	if s.grants[accountID][k] == nil {
		s.grants[accountID][k] = map[string]bool{}
	}
	for _, p := range perms {
		s.grants[accountID][k][p] = true
	}
}

// CloseAccount makes the personal data reporting API answer "closed" for
// accountID.
func (s *Site) CloseAccount(accountID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed[accountID] = true
}

// UpdateAccount makes the personal data reporting API answer "updated"
// for accountID: its profile changed since Remit's copy.
func (s *Site) UpdateAccount(accountID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.updated[accountID] = true
}

// Move moves an issue to status as the person accountID does in Jira's
// UI, and returns the jira:issue_updated delivery Jira sends for it.
func (s *Site) Move(issueKey, status, accountID string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	is := s.issues[issueKey]
	if is == nil {
		return nil, notFound("Move", issueKey)
	}
	st, ok := s.status(is, status)
	if !ok {
		return nil, notFound("Move", issueKey)
	}
	from := is.Status
	is.Status = st.Name
	return json.Marshal(map[string]any{
		"timestamp":    s.now().UnixMilli(),
		"webhookEvent": "jira:issue_updated",
		"user":         map[string]string{"accountId": accountID, "accountType": "atlassian"},
		"issue":        map[string]string{"id": is.ID, "key": is.Key},
		"changelog": map[string]any{"items": []any{map[string]string{
			"field": "status", "fromString": from, "toString": st.Name}}},
	})
}

// status is the status called name in the issue's workflow.
func (s *Site) status(is *Issue, name string) (Status, bool) {
	for _, st := range s.projects[is.Project].workflow {
		if strings.EqualFold(st.Name, name) {
			return st, true
		}
	}
	return Status{}, false
}

// Calls is how many times m was called (failed calls included).
func (s *Site) Calls(m Method) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[m]
}

// Created lists the issues CreateIssue created, in order.
func (s *Site) Created() []jira.IssueRef {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.created)
}

// Issue is a copy of the issue as it stands.
func (s *Site) Issue(key string) (Issue, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	is := s.issues[key]
	if is == nil {
		return Issue{}, false
	}
	return is.clone(), true
}

// Issues lists the keys of the issues of project (every project when
// empty), in creation order.
func (s *Site) Issues(projectKey string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, k := range s.order {
		if projectKey == "" || strings.EqualFold(s.issues[k].Project, projectKey) {
			out = append(out, k)
		}
	}
	return out
}

// Comments lists the comments on the issue.
func (s *Site) Comments(key string) []Comment {
	is, _ := s.Issue(key)
	return is.Comments
}

// Property is the entity property's JSON value on the issue.
func (s *Site) Property(key, name string) (json.RawMessage, bool) {
	is, _ := s.Issue(key)
	v, ok := is.Properties[name]
	return v, ok
}

// Moves lists the transitions Remit made, in order.
func (s *Site) Moves() []Move {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.moves)
}

// LabelsAdded lists the labels Remit added to issues that lacked them.
func (s *Site) LabelsAdded() []LabelAdd {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.labels)
}

// LabelsRemoved lists the labels Remit removed from issues that had them.
func (s *Site) LabelsRemoved() []LabelAdd {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.unlabels)
}

// Links lists the issue links Remit made (each link once).
func (s *Site) Links() []Link {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.links)
}

// Reported lists the accounts reported to the personal data API.
func (s *Site) Reported() []jira.ReportedAccount {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.reported)
}

package jirasim

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// Site is one simulated Jira Cloud site. All its state sits behind one
// mutex; changes that Jira would announce queue webhook deliveries which
// are handed to the delivery workers once the lock is released.
type Site struct {
	sim     *Sim
	name    string
	cloudID string

	mu          sync.Mutex
	projects    []*Project
	statuses    map[string]Status    // lower-case name → status (site-wide ids)
	issueTypes  map[string]IssueType // lower-case name → type (site-wide ids)
	users       map[string]*User
	issues      map[int64]*issue
	issuesByKey map[string]*issue
	keyCounter  map[string]int
	nextID      map[string]int64
	deleted     []deletion
	links       []Link
	history     []TransitionRecord
	installs    map[string]*installation
	licences    map[string]licenceState // by app key
	clientKeys  map[string]string
	grants      map[string]*grant
	rate        rateState
	log         requestLog
	pending     []*delivery
}

func newSite(s *Sim, name string) *Site {
	return &Site{
		sim:         s,
		name:        name,
		cloudID:     newUUID(),
		statuses:    map[string]Status{},
		issueTypes:  map[string]IssueType{},
		users:       map[string]*User{},
		issues:      map[int64]*issue{},
		issuesByKey: map[string]*issue{},
		keyCounter:  map[string]int{},
		nextID:      map[string]int64{},
		installs:    map[string]*installation{},
		clientKeys:  map[string]string{},
		grants:      map[string]*grant{},
		rate:        rateState{limit: s.opts.RateLimit},
	}
}

// Name is the site's name, the path segment after /jira/.
func (st *Site) Name() string { return st.name }

// CloudID is the site's cloud id, as served by /_edge/tenant_info.
func (st *Site) CloudID() string { return st.cloudID }

// ContextPath is the path prefix of the site's base URL, which clients
// strip before computing a qsh.
func (st *Site) ContextPath() string { return "/jira/" + st.name }

// BaseURL is the site's baseUrl as sent in the install payload.
func (st *Site) BaseURL() string { return st.sim.URL() + st.ContextPath() }

// do runs fn under the site lock, then hands the webhook deliveries it
// queued to the workers, so delivery never happens under the lock.
func (st *Site) do(fn func() error) error {
	st.mu.Lock()
	err := fn()
	pending := st.pending
	st.pending = nil
	st.mu.Unlock()
	for _, d := range pending {
		st.sim.hooks.enqueue(d)
	}
	return err
}

// newID returns the next numeric id of a kind; Jira ids start at 10000.
func (st *Site) newID(kind string) int64 {
	if st.nextID[kind] == 0 {
		st.nextID[kind] = 10000
	}
	id := st.nextID[kind]
	st.nextID[kind]++
	return id
}

// AddUser adds or replaces a user; accountType defaults to "atlassian".
func (st *Site) AddUser(u User) {
	if u.AccountType == "" {
		u.AccountType = "atlassian"
	}
	if u.TimeZone == "" {
		u.TimeZone = "UTC"
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	st.users[u.AccountID] = &u
}

// user returns the user or a placeholder for unknown account ids, so a
// worklog by an unseeded author still renders.
func (st *Site) user(accountID string) User {
	if u, ok := st.users[accountID]; ok {
		return *u
	}
	return User{AccountID: accountID, DisplayName: accountID, AccountType: "atlassian", TimeZone: "UTC"}
}

// ProjectSpec describes a project to create. IssueTypes defaults to Task,
// Bug and Story; Workflow defaults to DefaultWorkflow.
type ProjectSpec struct {
	Key        string    `json:"key"`
	Name       string    `json:"name"`
	IssueTypes []string  `json:"issueTypes"`
	Workflow   *Workflow `json:"workflow"`
	// WorkflowName picks a built-in workflow ("default" or "invoice")
	// when Workflow is nil.
	WorkflowName string `json:"workflowName"`
}

// AddProject creates a project; status and issue type ids are shared
// across the site by name, as in Jira.
func (st *Site) AddProject(spec ProjectSpec) (Project, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.addProjectLocked(spec)
}

func (st *Site) addProjectLocked(spec ProjectSpec) (Project, error) {
	key := strings.ToUpper(strings.TrimSpace(spec.Key))
	if key == "" || strings.ContainsAny(key, " -") {
		return Project{}, fmt.Errorf("invalid project key %q", spec.Key)
	}
	if st.projectLocked(key) != nil {
		return Project{}, fmt.Errorf("project %s already exists", key)
	}
	if spec.Name == "" {
		spec.Name = key
	}
	if len(spec.IssueTypes) == 0 {
		spec.IssueTypes = []string{"Task", "Bug", "Story"}
	}
	wf := DefaultWorkflow()
	switch {
	case spec.Workflow != nil:
		wf = *spec.Workflow
	case strings.EqualFold(spec.WorkflowName, "invoice"):
		wf = InvoiceWorkflow()
	case spec.WorkflowName != "" && !strings.EqualFold(spec.WorkflowName, "default"):
		return Project{}, fmt.Errorf("unknown workflow %q", spec.WorkflowName)
	}
	wf.Statuses = append([]Status(nil), wf.Statuses...)
	wf.Transitions = append([]Transition(nil), wf.Transitions...)
	if err := wf.validate(); err != nil {
		return Project{}, err
	}
	p := &Project{ID: strconv.FormatInt(st.newID("project"), 10), Key: key, Name: spec.Name}
	for _, name := range spec.IssueTypes {
		it, ok := st.issueTypes[strings.ToLower(name)]
		if !ok {
			it = IssueType{ID: strconv.FormatInt(st.newID("issuetype"), 10), Name: name, Subtask: strings.EqualFold(name, "Sub-task")}
			st.issueTypes[strings.ToLower(name)] = it
		}
		p.IssueTypes = append(p.IssueTypes, it)
	}
	for i, s := range wf.Statuses {
		known, ok := st.statuses[strings.ToLower(s.Name)]
		if !ok {
			known = Status{ID: strconv.FormatInt(st.newID("status"), 10), Name: s.Name, Category: s.Category}
			st.statuses[strings.ToLower(s.Name)] = known
		}
		wf.Statuses[i] = known
	}
	p.Workflow = wf
	st.projects = append(st.projects, p)
	return *p, nil
}

func (st *Site) projectLocked(keyOrID string) *Project {
	for _, p := range st.projects {
		if strings.EqualFold(p.Key, keyOrID) || p.ID == keyOrID {
			return p
		}
	}
	return nil
}

// issueLocked finds an issue by key (case-insensitive) or id.
func (st *Site) issueLocked(idOrKey string) *issue {
	if is, ok := st.issuesByKey[strings.ToUpper(idOrKey)]; ok {
		return is
	}
	if id, err := strconv.ParseInt(idOrKey, 10, 64); err == nil {
		return st.issues[id]
	}
	return nil
}

func (st *Site) worklogLocked(id int64) (*issue, *worklog) {
	for _, is := range st.issues {
		for _, wl := range is.worklogs {
			if wl.id == id {
				return is, wl
			}
		}
	}
	return nil, nil
}

func newUUID() string {
	h := randomHex(16)
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:32]
}

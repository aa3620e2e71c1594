package jirasim

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

func (st *Site) projectJSON(p *Project) map[string]any {
	out := st.projectRef(p)
	var types []any
	for _, it := range p.IssueTypes {
		types = append(types, st.issueTypeJSON(it))
	}
	out["issueTypes"] = orEmpty(types)
	out["style"] = "classic"
	out["isPrivate"] = false
	out["description"] = ""
	return out
}

func (s *Sim) getProject(w http.ResponseWriter, r *http.Request, c *call) {
	st := c.site
	st.mu.Lock()
	defer st.mu.Unlock()
	p := st.projectLocked(r.PathValue("key"))
	if p == nil {
		writeError(w, http.StatusNotFound, "No project could be found with key '"+r.PathValue("key")+"'.")
		return
	}
	writeJSON(w, http.StatusOK, st.projectJSON(p))
}

// searchProjects is PageBeanProject with startAt/maxResults paging and
// the keys and query filters.
func (s *Sim) searchProjects(w http.ResponseWriter, r *http.Request, c *call) {
	q := r.URL.Query()
	startAt, _ := strconv.Atoi(q.Get("startAt"))
	maxResults, err := strconv.Atoi(q.Get("maxResults"))
	if err != nil || maxResults <= 0 {
		maxResults = 50
	}
	maxResults = min(maxResults, 100)
	var keys []string
	for _, k := range q["keys"] {
		keys = append(keys, splitList(k)...)
	}
	query := strings.ToLower(q.Get("query"))
	st := c.site
	st.mu.Lock()
	defer st.mu.Unlock()
	var matched []*Project
	for _, p := range st.projects {
		if len(keys) > 0 && !containsFoldAny(keys, p.Key) {
			continue
		}
		if query != "" && !strings.Contains(strings.ToLower(p.Key+" "+p.Name), query) {
			continue
		}
		matched = append(matched, p)
	}
	start := min(max(startAt, 0), len(matched))
	end := min(start+maxResults, len(matched))
	var values []any
	for _, p := range matched[start:end] {
		values = append(values, st.projectJSON(p))
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"self": st.apiBase(c.v2) + "/project/search", "maxResults": maxResults, "startAt": start,
		"total": len(matched), "isLast": end >= len(matched), "values": orEmpty(values),
	})
}

func containsFoldAny(ss []string, s string) bool {
	for _, x := range ss {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

func (s *Sim) projectIssueTypes(w http.ResponseWriter, r *http.Request, c *call) {
	id := r.URL.Query().Get("projectId")
	st := c.site
	st.mu.Lock()
	defer st.mu.Unlock()
	var p *Project
	for _, x := range st.projects {
		if x.ID == id {
			p = x
		}
	}
	if p == nil {
		writeError(w, http.StatusNotFound, "No project could be found with id '"+id+"'.")
		return
	}
	var out []any
	for _, it := range p.IssueTypes {
		out = append(out, st.issueTypeJSON(it))
	}
	writeJSON(w, http.StatusOK, orEmpty(out))
}

// projectStatuses serves GET project/{key}/statuses: every issue type of
// the project with the statuses of the project's workflow.
func (s *Sim) projectStatuses(w http.ResponseWriter, r *http.Request, c *call) {
	st := c.site
	st.mu.Lock()
	defer st.mu.Unlock()
	p := st.projectLocked(r.PathValue("key"))
	if p == nil {
		writeError(w, http.StatusNotFound, "No project could be found with key '"+r.PathValue("key")+"'.")
		return
	}
	statuses := make([]any, 0, len(p.Workflow.Statuses))
	for _, x := range p.Workflow.Statuses {
		statuses = append(statuses, st.statusJSON(x))
	}
	out := make([]any, 0, len(p.IssueTypes))
	for _, it := range p.IssueTypes {
		out = append(out, map[string]any{
			"self": st.apiBase(true) + "/issuetype/" + it.ID, "id": it.ID, "name": it.Name,
			"subtask": it.Subtask, "statuses": statuses,
		})
	}
	writeJSON(w, http.StatusOK, out)
}

// createMetaIssueTypes serves GET issue/createmeta/{project}/issuetypes.
func (s *Sim) createMetaIssueTypes(w http.ResponseWriter, r *http.Request, c *call) {
	st := c.site
	st.mu.Lock()
	defer st.mu.Unlock()
	p := st.projectLocked(r.PathValue("project"))
	if p == nil {
		writeError(w, http.StatusNotFound, "No project could be found with key '"+r.PathValue("project")+"'.")
		return
	}
	var out []any
	for _, it := range p.IssueTypes {
		out = append(out, st.issueTypeJSON(it))
	}
	writeJSON(w, http.StatusOK, map[string]any{"maxResults": 50, "startAt": 0, "total": len(out), "issueTypes": orEmpty(out)})
}

// myself answers as the app user Jira created for the installed app.
func (s *Sim) myself(w http.ResponseWriter, r *http.Request, c *call) {
	c.site.mu.Lock()
	defer c.site.mu.Unlock()
	u := c.site.userJSON(c.inst.appUser.AccountID).(map[string]any)
	u["locale"] = "en_US"
	writeJSON(w, http.StatusOK, u)
}

func (s *Sim) serverInfo(w http.ResponseWriter, r *http.Request, c *call) {
	now := s.now()
	writeJSON(w, http.StatusOK, map[string]any{
		"baseUrl": c.site.BaseURL(), "displayUrl": c.site.BaseURL(), "version": "1001.0.0-SNAPSHOT",
		"versionNumbers": []int{1001, 0, 0}, "deploymentType": "Cloud", "buildNumber": 100300,
		"buildDate": formatTime(now.Add(-24 * time.Hour)), "serverTime": formatTime(now),
		"scmInfo": "0000000000000000000000000000000000000000", "serverTitle": "Jira",
	})
}

// tenantInfo is the unauthenticated /_edge/tenant_info giving the cloudId.
func (s *Sim) tenantInfo(w http.ResponseWriter, r *http.Request) {
	st, ok := s.Site(r.PathValue("site"))
	if !ok {
		http.NotFound(w, r)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"cloudId": st.cloudID})
}

func linkTypeByName(nameOrID string) (struct{ ID, Name, Inward, Outward string }, bool) {
	for _, lt := range linkTypes {
		if strings.EqualFold(lt.Name, nameOrID) || lt.ID == nameOrID {
			return lt, true
		}
	}
	return struct{ ID, Name, Inward, Outward string }{}, false
}

// createLink answers 201 with an empty body; a duplicate link succeeds
// without creating a second one, as in Jira.
func (s *Sim) createLink(w http.ResponseWriter, r *http.Request, c *call) {
	var req struct {
		Type         ref `json:"type"`
		InwardIssue  ref `json:"inwardIssue"`
		OutwardIssue ref `json:"outwardIssue"`
	}
	if err := decodeJSON(r, &req); err != nil {
		writeBadJSON(w)
		return
	}
	st := c.site
	st.mu.Lock()
	defer st.mu.Unlock()
	lt, ok := linkTypeByName(firstNonEmpty(req.Type.ID, req.Type.Name))
	if !ok {
		writeError(w, http.StatusNotFound, "No issue link type with name '"+req.Type.Name+"' found.")
		return
	}
	in := st.issueLocked(firstNonEmpty(req.InwardIssue.Key, req.InwardIssue.ID))
	out := st.issueLocked(firstNonEmpty(req.OutwardIssue.Key, req.OutwardIssue.ID))
	if in == nil || out == nil {
		writeError(w, http.StatusNotFound, msgIssueNotFound)
		return
	}
	for _, l := range st.links {
		if l.Type == lt.Name && l.Inward == in.key && l.Outward == out.key {
			w.WriteHeader(http.StatusCreated)
			return
		}
	}
	st.links = append(st.links, Link{ID: strconv.FormatInt(st.newID("link"), 10), Type: lt.Name, Inward: in.key, Outward: out.key})
	w.WriteHeader(http.StatusCreated)
}

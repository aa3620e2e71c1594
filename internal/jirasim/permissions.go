package jirasim

import (
	"net/http"
	"sort"
	"strconv"
)

// grant is what a user may do on a site: global permissions and
// per-project permissions (by project id).
type grant struct {
	global   map[string]bool
	projects map[string]map[string]bool
}

// SetPermissions replaces a user's grants: global permission keys (e.g.
// ADMINISTER) and project permission keys per project key (e.g.
// BROWSE_PROJECTS, ADMINISTER_PROJECTS). Users without grants have none;
// the app itself (no accountId in the check) has every permission.
func (st *Site) SetPermissions(accountID string, global []string, projects map[string][]string) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	g := &grant{global: map[string]bool{}, projects: map[string]map[string]bool{}}
	for _, p := range global {
		g.global[p] = true
	}
	for key, perms := range projects {
		p := st.projectLocked(key)
		if p == nil {
			return errUnknownProject(key)
		}
		g.projects[p.ID] = map[string]bool{}
		for _, perm := range perms {
			g.projects[p.ID][perm] = true
		}
	}
	st.grants[accountID] = g
	return nil
}

// MakeSiteAdmin makes accountID a site administrator as a new Jira Cloud
// site has one: global ADMINISTER, and Browse Projects and Administer
// Projects on every project the site has now (through the administrators
// role of the default permission scheme).
func (st *Site) MakeSiteAdmin(accountID string) error {
	st.mu.Lock()
	projects := map[string][]string{}
	for _, p := range st.projects {
		projects[p.Key] = []string{"BROWSE_PROJECTS", "ADMINISTER_PROJECTS"}
	}
	st.mu.Unlock()
	return st.SetPermissions(accountID, []string{"ADMINISTER"}, projects)
}

type errUnknownProject string

func (e errUnknownProject) Error() string { return "unknown project " + string(e) }

// checkPermissions is POST /permissions/check (BulkPermissionGrants).
func (s *Sim) checkPermissions(w http.ResponseWriter, r *http.Request, c *call) {
	var req struct {
		AccountID          string   `json:"accountId"`
		GlobalPermissions  []string `json:"globalPermissions"`
		ProjectPermissions []struct {
			Permissions []string `json:"permissions"`
			Projects    []int64  `json:"projects"`
			Issues      []int64  `json:"issues"`
		} `json:"projectPermissions"`
	}
	if err := decodeJSON(r, &req); err != nil {
		writeBadJSON(w)
		return
	}
	st := c.site
	st.mu.Lock()
	defer st.mu.Unlock()
	everything := req.AccountID == ""
	g := st.grants[req.AccountID]
	if g == nil {
		g = &grant{}
	}
	global := []string{}
	for _, p := range req.GlobalPermissions {
		if everything || g.global[p] {
			global = append(global, p)
		}
	}
	type projectGrant struct {
		Permission string  `json:"permission"`
		Projects   []int64 `json:"projects"`
		Issues     []int64 `json:"issues"`
	}
	byPerm := map[string]*projectGrant{}
	for _, pp := range req.ProjectPermissions {
		for _, perm := range pp.Permissions {
			pg := byPerm[perm]
			if pg == nil {
				pg = &projectGrant{Permission: perm, Projects: []int64{}, Issues: []int64{}}
				byPerm[perm] = pg
			}
			for _, pid := range pp.Projects {
				id := strconv.FormatInt(pid, 10)
				if st.projectLocked(id) != nil && (everything || g.projects[id][perm]) {
					pg.Projects = append(pg.Projects, pid)
				}
			}
			for _, iid := range pp.Issues {
				if is := st.issues[iid]; is != nil && (everything || g.projects[is.project.ID][perm]) {
					pg.Issues = append(pg.Issues, iid)
				}
			}
		}
	}
	perms := make([]string, 0, len(byPerm))
	for p := range byPerm {
		perms = append(perms, p)
	}
	sort.Strings(perms)
	projectPerms := []projectGrant{}
	for _, p := range perms {
		if pg := byPerm[p]; len(pg.Projects) > 0 || len(pg.Issues) > 0 {
			projectPerms = append(projectPerms, *pg)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"globalPermissions": global, "projectPermissions": projectPerms})
}

package jira

import (
	"context"
	"net/http"
	"sort"
	"strconv"

	"github.com/remitapp/remit/internal/remit"
)

// PermissionResult is Jira's answer to a permission check, keyed the way
// the question was asked (project key or id as given).
type PermissionResult struct {
	Global  map[string]bool            // permission -> granted
	Project map[string]map[string]bool // project key or id -> permission -> granted
}

// HasGlobal reports whether the global permission was granted.
func (r PermissionResult) HasGlobal(perm string) bool { return r.Global[perm] }

// HasProject reports whether perm was granted on project.
func (r PermissionResult) HasProject(project, perm string) bool { return r.Project[project][perm] }

type bulkPermissionsRequest struct {
	AccountID          string                   `json:"accountId,omitempty"`
	GlobalPermissions  []string                 `json:"globalPermissions,omitempty"`
	ProjectPermissions []bulkProjectPermissions `json:"projectPermissions,omitempty"`
}

type bulkProjectPermissions struct {
	Permissions []string `json:"permissions"`
	Projects    []int64  `json:"projects"`
}

type bulkPermissionGrants struct {
	GlobalPermissions  []string `json:"globalPermissions"`
	ProjectPermissions []struct {
		Permission string  `json:"permission"`
		Projects   []int64 `json:"projects"`
	} `json:"projectPermissions"`
}

// CheckPermissions asks Jira which of the given permissions accountID
// holds, in one POST /rest/api/3/permissions/check. projectPerms maps a
// project key or numeric id to the project permissions wanted there; keys
// are resolved to ids (the API takes ids only), and a project that does
// not exist is answered "not granted" rather than an error.
func (c *Client) CheckPermissions(ctx context.Context, accountID string, projectPerms map[string][]string, global []string) (PermissionResult, error) {
	const op = "jira.CheckPermissions"
	res := PermissionResult{Global: map[string]bool{}, Project: map[string]map[string]bool{}}
	for _, g := range global {
		res.Global[g] = false
	}
	if accountID == "" {
		return res, remit.Errorf(remit.Invalid, op, "account id is required")
	}
	projects := make([]string, 0, len(projectPerms))
	for p, perms := range projectPerms {
		res.Project[p] = map[string]bool{}
		for _, perm := range perms {
			res.Project[p][perm] = false
		}
		projects = append(projects, p)
	}
	sort.Strings(projects)

	req := bulkPermissionsRequest{AccountID: accountID, GlobalPermissions: global}
	idOf := map[string]int64{}
	for _, p := range projects {
		if len(projectPerms[p]) == 0 {
			continue
		}
		id, ok, err := c.projectID(ctx, p)
		if err != nil {
			return res, err
		}
		if !ok {
			continue
		}
		idOf[p] = id
		req.ProjectPermissions = append(req.ProjectPermissions, bulkProjectPermissions{Permissions: projectPerms[p], Projects: []int64{id}})
	}
	if len(req.GlobalPermissions) == 0 && len(req.ProjectPermissions) == 0 {
		return res, nil
	}
	var grants bulkPermissionGrants
	if _, err := c.Do(ctx, http.MethodPost, "/rest/api/3/permissions/check", nil, req, &grants); err != nil {
		return res, err
	}
	for _, g := range grants.GlobalPermissions {
		if _, asked := res.Global[g]; asked {
			res.Global[g] = true
		}
	}
	for _, grant := range grants.ProjectPermissions {
		for _, pid := range grant.Projects {
			for p, id := range idOf {
				if id != pid {
					continue
				}
				if _, asked := res.Project[p][grant.Permission]; asked {
					res.Project[p][grant.Permission] = true
				}
			}
		}
	}
	return res, nil
}

// projectID resolves a project key (or passes a numeric id through).
// ok is false when no such project is visible to the app.
func (c *Client) projectID(ctx context.Context, keyOrID string) (int64, bool, error) {
	if isDigits(keyOrID) && keyOrID != "" {
		id, err := strconv.ParseInt(keyOrID, 10, 64)
		return id, err == nil, nil
	}
	idStr, ok := c.ids.get(c.clientKey, keyOrID, c.now())
	if !ok {
		p, err := c.Project(ctx, keyOrID)
		if remit.IsKind(err, remit.NotFound) {
			return 0, false, nil
		}
		if err != nil {
			return 0, false, err
		}
		idStr = p.ID
		c.ids.put(c.clientKey, keyOrID, idStr, c.now())
	}
	id, err := strconv.ParseInt(idStr, 10, 64)
	if err != nil {
		return 0, false, remit.Errorf(remit.Internal, "jira.CheckPermissions", "project %s has a non-numeric id %q", keyOrID, idStr)
	}
	return id, true, nil
}

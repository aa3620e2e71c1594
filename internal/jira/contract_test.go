package jira_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/jira"
	"github.com/remitapp/remit/internal/jirasim"
	"github.com/remitapp/remit/internal/jirasim/contract"
	"github.com/remitapp/remit/internal/jirasim/simtest"
)

// checkExchanges holds every request a site served, and its answer, to
// Jira's published OpenAPI document, and returns the endpoints seen.
func checkExchanges(t *testing.T, site *jirasim.Site) map[string]int {
	t.Helper()
	spec := contract.MustLoad(t)
	seen := map[string]int{}
	for _, r := range site.Requests() {
		seen[r.Endpoint]++
		x := contract.Exchange{Method: r.Method, Path: r.Path, Query: r.Query, RequestType: r.RequestType, RequestBody: r.RequestBody,
			Status: r.Status, ResponseType: r.ResponseType, ResponseBody: r.ResponseBody}
		if err := spec.Check(x); err != nil {
			t.Errorf("%v", err)
		}
	}
	return seen
}

// TestClientMatchesJiraOpenAPI drives each of the client's calls against
// the simulator and holds every request and answer to Atlassian's
// OpenAPI document: a documented operation, only declared query
// parameters, the request body schema, and a documented status whose
// body fits its schema.
func TestClientMatchesJiraOpenAPI(t *testing.T) {
	t.Parallel()
	now := func() time.Time { return time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC) }
	from := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	seed := jirasim.SeedData{
		Users:    []jirasim.User{{AccountID: "alice", DisplayName: "Alice"}},
		Projects: []jirasim.ProjectSpec{{Key: "ACME", Name: "Acme"}},
		Issues:   []jirasim.IssueSpec{{Project: "ACME", Summary: "Few worklogs"}, {Project: "ACME", Summary: "Many worklogs"}},
	}
	for i := range 3 {
		seed.Worklogs = append(seed.Worklogs, jirasim.WorklogSpec{Issue: "ACME-1", Author: "alice", Started: from.Add(time.Duration(i+1) * time.Hour), TimeSpentSeconds: 600})
	}
	for i := range 25 { // more than a search embeds: fetched again per issue
		seed.Worklogs = append(seed.Worklogs, jirasim.WorklogSpec{Issue: "ACME-2", Author: "alice", Started: from.Add(time.Duration(i+1) * time.Hour), TimeSpentSeconds: 600})
	}
	env := simtest.Start(t, simtest.Options{Now: now, Seed: seed})
	env.Sim.RecordBodies(true)
	c, err := (&jira.Factory{AppKey: simtest.AppKey, HTTP: &http.Client{}, Now: now}).Client(env.Tenant)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	me, err := c.Myself(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.Project(ctx, "ACME")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Project(ctx, "NOPE"); err == nil {
		t.Fatal("a missing project was found")
	}
	if _, err := c.IssueTypesForProject(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CheckPermissions(ctx, me.AccountID, map[string][]string{"ACME": {"BROWSE_PROJECTS", "EDIT_ISSUES"}}, []string{"ADMINISTER"}); err != nil {
		t.Fatal(err)
	}
	got, _, err := c.Worklogs(ctx, jira.WorklogQuery{JQL: "project = ACME", From: from, To: from.AddDate(0, 1, 0)})
	if err != nil || len(got) != 28 {
		t.Fatalf("Worklogs = %d, %v", len(got), err)
	}
	if _, _, err := c.Raw().Issue.GetWithContext(ctx, "ACME-1", nil); err != nil {
		t.Fatal(err)
	}

	if names, err := c.ProjectStatuses(ctx, "ACME"); err != nil || len(names) == 0 {
		t.Fatalf("ProjectStatuses = %v, %v", names, err)
	}

	seen := checkExchanges(t, env.Site)
	for _, e := range []string{"GET /rest/api/{ver}/myself", "GET /rest/api/{ver}/project/{key}", "GET /rest/api/{ver}/issuetype/project",
		"GET /rest/api/{ver}/project/{key}/statuses",
		"POST /rest/api/{ver}/permissions/check", "POST /rest/api/{ver}/search/jql", "GET /rest/api/{ver}/issue/{key}/worklog", "GET /rest/api/{ver}/issue/{key}"} {
		if seen[e] == 0 {
			t.Errorf("no %s among the requests checked %v", e, fmt.Sprint(seen))
		}
	}
}

package jira_test

import (
	"context"
	"encoding/json"
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

// TestSiteCallsMatchJiraOpenAPI drives the jira.Site calls the use cases
// make to write and read invoice issues (create, properties, links,
// statuses, comments, labels) against the simulator, and holds every
// request and answer to Atlassian's OpenAPI document, so the typed
// methods are checked against Jira's contract and not only against the
// simulator or the fake. ReportAccounts is left out: the personal data
// reporting API is not part of the platform document.
func TestSiteCallsMatchJiraOpenAPI(t *testing.T) {
	t.Parallel()
	now := func() time.Time { return time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC) }
	seed := jirasim.SeedData{
		Users:    []jirasim.User{{AccountID: "alice", DisplayName: "Alice"}},
		Projects: []jirasim.ProjectSpec{{Key: "BILL", Name: "Billing"}, {Key: "ACME", Name: "Acme"}},
		Issues:   []jirasim.IssueSpec{{Project: "ACME", Summary: "Work"}},
		Worklogs: []jirasim.WorklogSpec{{Issue: "ACME-1", Author: "alice", Started: time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC), TimeSpentSeconds: 600}},
	}
	env := simtest.Start(t, simtest.Options{Now: now, Seed: seed})
	env.Sim.RecordBodies(true)
	var site jira.Site
	site, err := (&jira.Factory{AppKey: simtest.AppKey, HTTP: &http.Client{}, Now: now}).Client(env.Tenant)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	need := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}

	need("CheckJQL", site.CheckJQL(ctx, "project = ACME"))
	_, err = site.IssueWorklogs(ctx, "ACME-1")
	need("IssueWorklogs", err)
	ref, err := site.CreateIssue(ctx, jira.NewIssue{Project: "BILL", IssueType: "Task", Summary: "Invoice INV-2026-0001",
		Description: jira.ParagraphDoc("One line"), Properties: map[string]any{"remit-invoice": map[string]any{"number": "INV-2026-0001"}}})
	need("CreateIssue", err)
	_, found, err := site.FindIssueByProperty(ctx, "BILL", "remit-invoice", "number", "INV-2026-0001")
	need("FindIssueByProperty", err)
	if !found {
		t.Fatal("FindIssueByProperty did not find the issue just created")
	}
	need("SetIssueProperty", site.SetIssueProperty(ctx, ref.Key, "remit-invoice", map[string]any{"number": "INV-2026-0001", "status": "open"}))
	need("LinkIssues", site.LinkIssues(ctx, "Relates", ref.Key, "ACME-1"))
	_, err = site.IssueStatus(ctx, ref.Key)
	need("IssueStatus", err)
	ts, err := site.Transitions(ctx, ref.Key)
	need("Transitions", err)
	if len(ts) == 0 {
		t.Fatal("no transitions from a new issue")
	}
	need("Transition", site.Transition(ctx, ref.Key, ts[0].ID))
	_, err = site.AddComment(ctx, ref.Key, jira.CommentDoc([][]string{{"Payment is due."}}))
	need("AddComment", err)
	_, _, err = site.FindComment(ctx, ref.Key, func(json.RawMessage) bool { return true })
	need("FindComment", err)
	marked, err := site.AddComment(ctx, ref.Key, jira.CommentDoc([][]string{{"Payment is overdue."}}),
		jira.EntityProperty{Key: "remit-followup", Value: map[string]any{"event": 42}})
	need("AddComment with a property", err)
	got, found, err := site.FindCommentByProperty(ctx, ref.Key, "remit-followup", func(v json.RawMessage) bool { return string(v) == `{"event":42}` })
	need("FindCommentByProperty", err)
	if !found || got != marked {
		t.Fatalf("FindCommentByProperty = %q, %v, want %q", got, found, marked)
	}
	need("AddLabel", site.AddLabel(ctx, "ACME-1", "payment-hold"))
	_, err = site.IssueLabels(ctx, `project = ACME AND labels = "payment-hold"`, "")
	need("IssueLabels", err)
	need("RemoveLabel", site.RemoveLabel(ctx, "ACME-1", "payment-hold"))

	seen := checkExchanges(t, env.Site)
	for _, e := range []string{"POST /rest/api/{ver}/issue", "PUT /rest/api/{ver}/issue/{key}/properties/{prop}",
		"POST /rest/api/{ver}/issueLink", "GET /rest/api/{ver}/issue/{key}/transitions", "POST /rest/api/{ver}/issue/{key}/transitions",
		"POST /rest/api/{ver}/issue/{key}/comment", "GET /rest/api/{ver}/issue/{key}/comment", "POST /rest/api/{ver}/comment/list",
		"PUT /rest/api/{ver}/issue/{key}"} {
		if seen[e] == 0 {
			t.Errorf("no %s among the requests checked %v", e, fmt.Sprint(seen))
		}
	}
}

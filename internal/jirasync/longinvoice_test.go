package jirasync_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/apptest"
	"github.com/remitapp/remit/internal/clock"
	"github.com/remitapp/remit/internal/jirasim"
	"github.com/remitapp/remit/internal/jirasim/contract"
)

// api calls Remit's API as the site's user and fails the test unless
// the answer is a 2xx, decoded into out.
func api(t *testing.T, site *apptest.Site, method, path string, body, out any) {
	t.Helper()
	resp := site.API(t, method, path, body, out)
	if resp.StatusCode/100 != 2 {
		t.Fatalf("%s %s: %d %v", method, path, resp.StatusCode, apptest.Problem(t, resp))
	}
}

// TestLongInvoiceGetsItsIssue bills 300 issues on one invoice and checks
// that its issue is created in Jira at the first attempt (the simulator
// refuses, as Jira does, a description over 32,767 characters), that
// the description lists the first lines and sums up the rest, and that
// the invoice itself keeps every line. Every request Remit made to Jira
// on the way, and each answer, is then held to Atlassian's OpenAPI
// document.
func TestLongInvoiceGetsItsIssue(t *testing.T) {
	t.Parallel()
	const lines = 300
	s := apptest.Start(t, apptest.Options{WithSim: true, Clock: clock.At(time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC))})
	s.Sim.RecordBodies(true)
	seed := jirasim.SeedData{
		Users:    []jirasim.User{{AccountID: "alice", DisplayName: "Alice"}},
		Projects: []jirasim.ProjectSpec{{Key: "ACME", Name: "Acme"}, {Key: "BILL", Name: "Billing", WorkflowName: "invoice"}},
	}
	for i := range lines {
		seed.Issues = append(seed.Issues, jirasim.IssueSpec{Project: "ACME", Summary: fmt.Sprintf("Support request %d: %s", i+1, strings.Repeat("details ", 12))})
		seed.Worklogs = append(seed.Worklogs, jirasim.WorklogSpec{Issue: fmt.Sprintf("ACME-%d", i+1), Author: "alice",
			Started: time.Date(2026, 11, 2+i%10, 10, 0, 0, 0, time.UTC), TimeSpentSeconds: 1800})
	}
	site := s.InstallSite(t, "long", seed, "557058:admin")
	api(t, site, "PUT", "/settings", map[string]any{"billingProjectKey": "BILL", "currency": "USD",
		"seller": map[string]string{"name": "Remit Consulting LLC", "email": "billing@remit.example"}}, nil)
	var c, inv struct {
		ID     int64
		Number string
		Lines  []json.RawMessage
	}
	api(t, site, "POST", "/customers", map[string]any{"name": "Acme", "jql": "project = ACME", "currency": "USD", "hourlyRate": "100"}, &c)
	api(t, site, "POST", "/invoices", map[string]any{"customerId": c.ID, "periodStart": "2026-11-01", "periodEnd": "2026-11-14", "issueDate": "2026-11-15"}, &inv)

	var issue jirasim.IssueView
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		for _, r := range site.Site.Requests() {
			if r.Endpoint == "POST /rest/api/{ver}/issue" && r.Status != http.StatusCreated {
				t.Fatalf("Jira refused the invoice issue: %d %s", r.Status, r.ResponseBody)
			}
		}
		if created := site.Site.CreatedIssues(); len(created) > 0 {
			issue = created[0]
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the invoice issue was never created")
		}
	}
	if !strings.Contains(issue.Summary, inv.Number) {
		t.Errorf("issue summary %q does not name %s", issue.Summary, inv.Number)
	}
	if !strings.Contains(issue.Description, "ACME-1") || !strings.Contains(issue.Description, "more lines") || !strings.Contains(issue.Description, "PDF") {
		t.Errorf("description does not list the first lines and sum up the rest:\n%s", issue.Description)
	}
	api(t, site, "GET", fmt.Sprintf("/invoices/%d", inv.ID), nil, &inv)
	if len(inv.Lines) != lines {
		t.Errorf("the invoice has %d lines, want %d", len(inv.Lines), lines)
	}

	// Once the sync is done (links, property, status), every request Remit
	// made and every answer it got must be as Atlassian documents them.
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		st, err := s.App.DB.JiraSyncState(context.Background(), site.Inst.ClientKey, inv.ID)
		if err != nil {
			t.Fatal(err)
		}
		if st.LinksDone && st.SyncedVersion >= st.Version {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the invoice's sync never finished")
		}
	}
	if n := len(site.Site.Links()); n != lines {
		t.Errorf("%d billed issues linked, want %d", n, lines)
	}
	spec := contract.MustLoad(t)
	seen := map[string]bool{}
	for _, r := range site.Site.Requests() {
		seen[r.Endpoint] = true
		x := contract.Exchange{Method: r.Method, Path: r.Path, Query: r.Query, RequestType: r.RequestType, RequestBody: r.RequestBody,
			Status: r.Status, ResponseType: r.ResponseType, ResponseBody: r.ResponseBody}
		if err := spec.Check(x); err != nil {
			t.Errorf("%v", err)
		}
	}
	for _, e := range []string{"POST /rest/api/{ver}/search/jql", "POST /rest/api/{ver}/issue", "POST /rest/api/{ver}/issueLink",
		"PUT /rest/api/{ver}/issue/{key}/properties/{prop}", "GET /rest/api/{ver}/issue/{key}/transitions"} {
		if !seen[e] {
			t.Errorf("Remit made no %s request", e)
		}
	}
}

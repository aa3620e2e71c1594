package app_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/apptest"
	"github.com/remitapp/remit/internal/jirasim"
)

// TestAnswersFollowWhatThePersonMayBrowse: Remit reads Jira as the app,
// which sees every project; what it shows a person is limited to the
// projects that person may browse (SPEC §3). A project administrator of
// BILL who may browse ACME but not SECRET cannot preview a customer whose
// JQL reaches into SECRET (and learns nothing of it), cannot read a
// SECRET issue's billing (404, the same as for a missing issue), and
// cannot set any customer's JQL, which only site administrators may.
func TestAnswersFollowWhatThePersonMayBrowse(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t, apptest.Options{WithSim: true, Clock: novemberFixture()})
	at := time.Date(2026, 10, 20, 15, 0, 0, 0, time.UTC)
	admin := s.InstallSite(t, "browse", jirasim.SeedData{
		Users:    []jirasim.User{{AccountID: "alice", DisplayName: "Alice"}},
		Projects: []jirasim.ProjectSpec{{Key: "BILL", Name: "Billing", WorkflowName: "invoice"}, {Key: "ACME", Name: "Acme"}, {Key: "SECRET", Name: "Merger"}},
		Issues:   []jirasim.IssueSpec{{Project: "ACME", Summary: "Public work"}, {Project: "SECRET", Summary: "Project Falcon due diligence"}},
		Worklogs: []jirasim.WorklogSpec{{Issue: "ACME-1", Author: "alice", Started: at, TimeSpentSeconds: 3600}, {Issue: "SECRET-1", Author: "alice", Started: at, TimeSpentSeconds: 7200}},
	}, "557058:site-admin")
	const pmID = "557058:project-manager"
	must(t, admin.Site.SetPermissions(pmID, nil, map[string][]string{
		"BILL": {"BROWSE_PROJECTS", "ADMINISTER_PROJECTS"}, "ACME": {"BROWSE_PROJECTS"}}))
	pm := admin.As(pmID)

	if r := admin.API(t, "PUT", "/settings", map[string]any{"billingProjectKey": "BILL", "timezone": "UTC", "currency": "USD"}, nil); r.StatusCode != 200 {
		t.Fatalf("settings: %d %v", r.StatusCode, apptest.Problem(t, r))
	}
	customer := func(name, jql string) map[string]any {
		return map[string]any{"name": name, "jql": jql, "currency": "USD", "hourlyRate": "100.00"}
	}
	var both, acme struct{ ID int64 }
	if r := admin.API(t, "POST", "/customers", customer("Both", "project in (ACME, SECRET)"), &both); r.StatusCode != 201 {
		t.Fatalf("site admin creates a customer: %d %v", r.StatusCode, apptest.Problem(t, r))
	}
	if r := admin.API(t, "POST", "/customers", customer("Acme", "project = ACME"), &acme); r.StatusCode != 201 {
		t.Fatalf("site admin creates a customer: %d", r.StatusCode)
	}
	period := func(id int64) map[string]any {
		return map[string]any{"customerId": id, "periodStart": "2026-10-01", "periodEnd": "2026-10-31"}
	}

	// Preview: refused outright when the work reaches a hidden project,
	// naming nothing of it; allowed for the site admin, and for the
	// project manager where every project is one they may browse.
	r := pm.API(t, "POST", "/invoices/preview", period(both.ID), nil)
	body := readAll(t, r)
	if r.StatusCode != http.StatusForbidden || strings.Contains(body, "SECRET") || strings.Contains(body, "Falcon") {
		t.Fatalf("project manager previews work in SECRET: %d %s", r.StatusCode, body)
	}
	if r := pm.API(t, "POST", "/invoices", period(both.ID), nil); r.StatusCode != http.StatusForbidden {
		t.Fatalf("project manager creates an invoice of work in SECRET: %d", r.StatusCode)
	}
	if n := count(t, s, `SELECT count(*) FROM invoices`); n != 0 {
		t.Fatalf("%d invoices after refused creates", n)
	}
	if r := admin.API(t, "POST", "/invoices/preview", period(both.ID), nil); r.StatusCode != 200 {
		t.Fatalf("site admin previews: %d", r.StatusCode)
	}
	var preview struct{ Lines []struct{ IssueKey string } }
	if r := pm.API(t, "POST", "/invoices/preview", period(acme.ID), &preview); r.StatusCode != 200 || len(preview.Lines) != 1 || preview.Lines[0].IssueKey != "ACME-1" {
		t.Fatalf("project manager previews ACME only: %d %+v", r.StatusCode, preview)
	}

	// A work issue's billing: a hidden issue and a missing one look alike.
	hidden, missing := pm.API(t, "GET", "/issues/SECRET-1/billing", nil, nil), pm.API(t, "GET", "/issues/NOPE-9/billing", nil, nil)
	hb, mb := readAll(t, hidden), readAll(t, missing)
	if hidden.StatusCode != 404 || missing.StatusCode != 404 || strings.ReplaceAll(hb, "SECRET-1", "X") != strings.ReplaceAll(mb, "NOPE-9", "X") {
		t.Fatalf("hidden issue %d %s\nmissing issue %d %s", hidden.StatusCode, hb, missing.StatusCode, mb)
	}
	if r := pm.API(t, "GET", "/issues/ACME-1/billing", nil, nil); r.StatusCode != 200 {
		t.Fatalf("project manager reads ACME-1's billing: %d", r.StatusCode)
	}
	if r := admin.API(t, "GET", "/issues/SECRET-1/billing", nil, nil); r.StatusCode != 200 {
		t.Fatalf("site admin reads SECRET-1's billing: %d", r.StatusCode)
	}

	// A customer's JQL: site administrators only. The project manager may
	// still change the rest of a customer.
	if r := pm.API(t, "POST", "/customers", customer("Sneaky", "project = SECRET"), nil); r.StatusCode != http.StatusForbidden {
		t.Fatalf("project manager creates a customer with JQL: %d", r.StatusCode)
	}
	if r := pm.API(t, "PUT", "/customers/"+itoa(acme.ID), customer("Acme", "project in (ACME, SECRET)"), nil); r.StatusCode != http.StatusForbidden {
		t.Fatalf("project manager changes a customer's JQL: %d", r.StatusCode)
	}
	renamed := customer("Acme Corporation", "project = ACME")
	renamed["hourlyRate"] = "110.00"
	var got struct{ Name, JQL, HourlyRate string }
	if r := pm.API(t, "PUT", "/customers/"+itoa(acme.ID), renamed, &got); r.StatusCode != 200 || got.JQL != "project = ACME" || got.HourlyRate != "110.00" {
		t.Fatalf("project manager renames a customer, same JQL: %d %+v", r.StatusCode, got)
	}
	if n := count(t, s, `SELECT count(*) FROM customers WHERE jql LIKE '%SECRET%'`); n != 1 {
		t.Fatalf("%d customers reach SECRET, want only the site admin's", n)
	}
}

func readAll(t *testing.T, r *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

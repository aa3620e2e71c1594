package app_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/apptest"
	"github.com/remitapp/remit/internal/jira"
	"github.com/remitapp/remit/internal/jirasim"
)

// BenchmarkInvoiceFrom10kWorklogs builds an invoice from 10,000 worklogs
// on 1,000 issues (50 of which have more worklogs than Jira embeds in
// search results) through the simulator over HTTP, and compares it with
// merely fetching those worklogs with the same client. Reported: the time
// of each, their ratio, and Jira requests per 1,000 worklogs.
func BenchmarkInvoiceFrom10kWorklogs(b *testing.B) {
	// The budget paces each invoice's Jira sync (1,000 issue links), which
	// runs untimed between iterations; at the default 25 a second the
	// wait, not the measurement, would take most of the run.
	s := apptest.Start(b, apptest.Options{WithSim: true, Env: map[string]string{"REMIT_JIRA_TENANT_RATE": "1000", "REMIT_JIRA_TENANT_BURST": "1000"}})
	seed := jirasim.SeedData{
		Users:    []jirasim.User{{AccountID: "u1", DisplayName: "One"}, {AccountID: "u2", DisplayName: "Two"}},
		Projects: []jirasim.ProjectSpec{{Key: "WORK", Name: "Work"}, {Key: "BILL", Name: "Billing", WorkflowName: "invoice"}},
	}
	start := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	total := 0
	for i := 1; i <= 1000; i++ {
		seed.Issues = append(seed.Issues, jirasim.IssueSpec{Project: "WORK", Summary: fmt.Sprintf("Work item %d", i)})
		n := 8
		if i%20 == 0 {
			n = 48
		}
		for j := range n {
			seed.Worklogs = append(seed.Worklogs, jirasim.WorklogSpec{Issue: fmt.Sprintf("WORK-%d", i), Author: []string{"u1", "u2"}[j%2],
				Started: start.Add(time.Duration(i*37+j*611) * time.Minute % (29 * 24 * time.Hour)), TimeSpentSeconds: int64(900 + 60*(j%7))})
			total++
		}
	}
	site := s.InstallSite(b, "bench", seed, admin)
	if r := site.API(b, "PUT", "/settings", map[string]any{"billingProjectKey": "BILL", "timezone": "UTC"}, nil); r.StatusCode != 200 {
		b.Fatalf("settings %d", r.StatusCode)
	}
	var c struct{ ID int64 }
	if r := site.API(b, "POST", "/customers", map[string]any{"name": "Big", "jql": "project = WORK", "currency": "EUR", "hourlyRate": "100", "taxRatePercent": "19"}, &c); r.StatusCode != 201 {
		b.Fatalf("customer %d", r.StatusCode)
	}
	tenant, err := s.App.DB.TenantByClientKey(context.Background(), site.Inst.ClientKey)
	if err != nil {
		b.Fatal(err)
	}
	client, err := s.App.Jira.Client(tenant)
	if err != nil {
		b.Fatal(err)
	}
	from := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	q := jira.WorklogQuery{JQL: "(project = WORK) AND (labels is EMPTY OR labels not in (non-billable))", From: from, To: from.AddDate(0, 1, 0)}
	body := map[string]any{"customerId": c.ID, "periodStart": "2026-10-01", "periodEnd": "2026-10-31", "issueDate": "2026-11-02"}

	var fetch, build time.Duration
	var requests int
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		wls, _, err := client.Worklogs(context.Background(), q)
		fetch += time.Since(t0)
		if err != nil || len(wls) != total {
			b.Fatalf("fetched %d of %d worklogs: %v", len(wls), total, err)
		}
		site.Site.ResetRequests()
		t0 = time.Now()
		var inv invoiceResp
		r := site.API(b, "POST", "/invoices", body, &inv)
		build += time.Since(t0)
		if r.StatusCode != 201 || inv.WorklogCount != 0 && inv.WorklogCount != total {
			b.Fatalf("create: %d", r.StatusCode)
		}
		for k, n := range site.Site.RequestCounts() {
			if k == "POST /rest/api/{ver}/search/jql" || k == "GET /rest/api/{ver}/issue/{key}/worklog" {
				requests += n
			}
		}
		b.StopTimer()
		if r := site.API(b, "POST", fmt.Sprintf("/invoices/%d/void", inv.ID), nil, nil); r.StatusCode != 200 {
			b.Fatalf("void %d", r.StatusCode)
		}
		waitJobsIdle(b, s) // the Jira sync of this invoice must not share the next measurement's CPU
		b.StartTimer()
	}
	n := float64(b.N)
	b.ReportMetric(float64(fetch.Milliseconds())/n, "fetch-ms")
	b.ReportMetric(float64(build.Milliseconds())/n, "create-ms")
	b.ReportMetric(build.Seconds()/fetch.Seconds(), "create/fetch")
	b.ReportMetric(float64(requests)/n/float64(total)*1000, "jira-req/1k-worklogs")
}

// waitJobsIdle waits until no job is queued or running.
func waitJobsIdle(tb testing.TB, s *apptest.Stack) {
	tb.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		var n int
		err := s.Pool.QueryRow(context.Background(), `SELECT count(*) FROM river_job WHERE state IN ('available', 'running', 'scheduled', 'retryable', 'pending')
			AND kind <> 'webhook_deliveries_prune'`).Scan(&n)
		if err != nil {
			tb.Fatal(err)
		}
		if n == 0 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	tb.Fatal("jobs never went idle")
}

package app_test

import (
	"testing"
	"time"

	"github.com/remitapp/remit/internal/apptest"
	"github.com/remitapp/remit/internal/jirasim"
)

// TestInvoiceIssueExactlyOnceUnderFaults makes Jira answer the invoice
// issue create with 429 (Retry-After), then 503 twice, then commit the
// create and drop the answer. The invoice must still end up with exactly
// one Jira issue, in the open status, with its property.
func TestInvoiceIssueExactlyOnceUnderFaults(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t, apptest.Options{WithSim: true})
	b := newBillingSite(t, s, "faulty")
	acmeID, _ := b.configure(t)
	site := b.Site.Site.Name()
	rules := []jirasim.FaultRule{
		{Site: site, Method: "POST", Path: "/rest/api/3/issue", Kind: jirasim.FaultRateLimit, RetryAfter: 1, Count: 1},
		{Site: site, Method: "POST", Path: "/rest/api/3/issue", Kind: jirasim.FaultServerError, Status: 503, Count: 2},
		{Site: site, Method: "POST", Path: "/rest/api/3/issue", Kind: jirasim.FaultDropAfterCommit, Count: 1},
		{Site: site, Method: "POST", Path: "/rest/api/3/issueLink", Kind: jirasim.FaultServerError, Status: 503, Count: 3},
		{Site: site, Method: "PUT", Path: "/rest/api/3/issue/*/properties/*", Kind: jirasim.FaultRateLimit, RetryAfter: 1, Count: 1},
	}
	for _, r := range rules {
		s.Sim.AddFault(r)
	}
	var inv invoiceResp
	if r := b.API(t, "POST", "/invoices", map[string]any{"customerId": acmeID, "periodStart": periodStart, "periodEnd": periodEnd}, &inv); r.StatusCode != 201 {
		t.Fatalf("create: %d %v", r.StatusCode, apptest.Problem(t, r))
	}
	waitIssue(t, b, inv.Number, "Sent")
	for _, f := range s.Sim.Faults() {
		if f.Fired != f.Count {
			t.Errorf("fault %s %s %s fired %d of %d times", f.Method, f.Path, f.Kind, f.Fired, f.Count)
		}
	}
	if n := countIssues(b, "BILL"); n != 1 {
		t.Fatalf("%d invoice issues in Jira, want exactly 1", n)
	}
	var got invoiceResp
	b.API(t, "GET", "/invoices/"+itoa(inv.ID), nil, &got)
	if got.IssueKey == nil {
		t.Fatal("invoice does not know its issue")
	}
}

// TestInvoiceIssueOnceAfterGatewayError: Jira's gateway answers 502, 503
// or 504 after its backend created the invoice issue. Retried in place,
// that made two issues for one invoice; Remit now looks for its own issue
// (the remit-invoice property) before creating again.
func TestInvoiceIssueOnceAfterGatewayError(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t, apptest.Options{WithSim: true})
	b := newBillingSite(t, s, "gateway")
	acmeID, _ := b.configure(t)
	s.Sim.AddFault(jirasim.FaultRule{Site: b.Site.Site.Name(), Method: "POST", Path: "/rest/api/3/issue", Kind: jirasim.FaultServerErrorAfterCommit, Status: 504, Count: 1})
	var inv invoiceResp
	if r := b.API(t, "POST", "/invoices", map[string]any{"customerId": acmeID, "periodStart": periodStart, "periodEnd": periodEnd}, &inv); r.StatusCode != 201 {
		t.Fatalf("create: %d %v", r.StatusCode, apptest.Problem(t, r))
	}
	waitIssueWithin(t, b, inv.Number, "Sent", 30*time.Second)
	time.Sleep(500 * time.Millisecond) // a second create would have landed by now
	if n := countIssues(b, "BILL"); n != 1 {
		t.Fatalf("%d invoice issues after a 504 to a create Jira stored, want 1", n)
	}
}

// TestInvoiceSavedWhileJiraDown: with Jira refusing every issue create,
// the invoice is saved and answered 201; when Jira recovers, its issue
// appears, once.
func TestInvoiceSavedWhileJiraDown(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t, apptest.Options{WithSim: true})
	b := newBillingSite(t, s, "outage")
	acmeID, _ := b.configure(t)
	s.Sim.AddFault(jirasim.FaultRule{Site: b.Site.Site.Name(), Method: "POST", Path: "/rest/api/3/issue", Kind: jirasim.FaultServerError, Status: 503})
	var inv invoiceResp
	if r := b.API(t, "POST", "/invoices", map[string]any{"customerId": acmeID, "periodStart": periodStart, "periodEnd": periodEnd}, &inv); r.StatusCode != 201 {
		t.Fatalf("create during outage: %d %v", r.StatusCode, apptest.Problem(t, r))
	}
	time.Sleep(2 * time.Second)
	if n := countIssues(b, "BILL"); n != 0 {
		t.Fatalf("%d invoice issues during the outage", n)
	}
	var got invoiceResp
	if r := b.API(t, "GET", "/invoices/"+itoa(inv.ID), nil, &got); r.StatusCode != 200 || got.Total != inv.Total || got.IssueKey != nil {
		t.Fatalf("invoice during outage: %d %+v", r.StatusCode, got)
	}
	s.Sim.ClearFaults()
	waitIssueWithin(t, b, inv.Number, "Sent", 30*time.Second)
	if n := countIssues(b, "BILL"); n != 1 {
		t.Fatalf("%d invoice issues after recovery, want 1", n)
	}
}

// TestOverdueInvoiceIssueReachesOverdue: an invoice created already past
// its due date must end in the overdue status, although the workflow has
// no transition from the initial status straight there (Open → Sent →
// Overdue).
func TestOverdueInvoiceIssueReachesOverdue(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t, apptest.Options{WithSim: true})
	b := newBillingSite(t, s, "late")
	acmeID, _ := b.configure(t)
	var inv invoiceResp
	body := map[string]any{"customerId": acmeID, "periodStart": periodStart, "periodEnd": periodEnd, "issueDate": "2026-11-15", "dueDate": "2026-11-16"}
	if r := b.API(t, "POST", "/invoices", body, &inv); r.StatusCode != 201 {
		t.Fatalf("create: %d %v", r.StatusCode, apptest.Problem(t, r))
	}
	is := waitIssue(t, b, inv.Number, "Overdue")
	var path []string
	for _, tr := range b.Site.Site.TransitionHistory() {
		if tr.IssueKey == is.Key {
			path = append(path, tr.To)
		}
	}
	if len(path) != 2 || path[0] != "Sent" || path[1] != "Overdue" {
		t.Fatalf("transitions %v, want [Sent Overdue]", path)
	}
}

package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/apptest"
	"github.com/remitapp/remit/internal/jirasim"
)

// billingSite is a seeded Jira site for invoice tests: customer Acme's
// work in ACME and ACMESUP, Globex's in GLOBEX, invoices in BILL. Tenant
// zone America/New_York; the period 2026-10-15..2026-11-14 spans the end
// of daylight saving time (2026-11-01).
type billingSite struct {
	*apptest.Site
	seed jirasim.SeedData
	ny   *time.Location
}

const (
	periodStart = "2026-10-15"
	periodEnd   = "2026-11-14"
	admin       = "557058:admin"
)

func newBillingSite(t *testing.T, s *apptest.Stack, name string) *billingSite {
	t.Helper()
	ny, _ := time.LoadLocation("America/New_York")
	seed := jirasim.SeedData{
		Users: []jirasim.User{{AccountID: "alice", DisplayName: "Alice"}, {AccountID: "bob", DisplayName: "Bob"}, {AccountID: "carol", DisplayName: "Carol"}},
		Projects: []jirasim.ProjectSpec{{Key: "ACME", Name: "Acme Web"}, {Key: "ACMESUP", Name: "Acme Support"},
			{Key: "GLOBEX", Name: "Globex"}, {Key: "BILL", Name: "Billing", WorkflowName: "invoice"}},
	}
	r := rand.New(rand.NewPCG(2026, 11))
	// The instants that matter: the edges of the period in New York, and
	// the repeated hour when the clocks go back.
	edges := []time.Time{
		time.Date(2026, 10, 14, 23, 59, 59, 0, ny), time.Date(2026, 10, 15, 0, 0, 0, 0, ny),
		time.Date(2026, 11, 14, 23, 59, 59, 0, ny), time.Date(2026, 11, 15, 0, 0, 0, 0, ny),
		time.Date(2026, 11, 1, 1, 30, 0, 0, ny), time.Date(2026, 11, 1, 5, 30, 0, 0, time.UTC),
	}
	projects := []struct {
		key string
		n   int
	}{{"ACME", 100}, {"ACMESUP", 40}, {"GLOBEX", 20}}
	for _, p := range projects {
		for i := 1; i <= p.n; i++ {
			spec := jirasim.IssueSpec{Project: p.key, Summary: fmt.Sprintf("%s task %d <b>&amp;</b>", p.key, i)}
			if p.key == "ACME" && i%10 == 0 {
				spec.Labels = []string{"non-billable"}
			} else if i%7 == 0 {
				spec.Labels = []string{"frontend"}
			}
			seed.Issues = append(seed.Issues, spec)
			n := r.IntN(6)
			if i%25 == 0 {
				n = 30 // more than Jira embeds in search results
			}
			for j := range n {
				var at time.Time
				if j < len(edges) && r.IntN(2) == 0 {
					at = edges[j]
				} else {
					at = time.Date(2026, 10, 12, 0, 0, 0, 0, ny).Add(time.Duration(r.Int64N(int64(38 * 24 * time.Hour))))
				}
				seed.Worklogs = append(seed.Worklogs, jirasim.WorklogSpec{
					Issue: fmt.Sprintf("%s-%d", p.key, i), Author: []string{"alice", "bob", "carol"}[r.IntN(3)],
					Started: at, TimeSpentSeconds: int64(60 * (1 + r.IntN(300))),
				})
			}
		}
	}
	site := s.InstallSite(t, name, seed, admin)
	return &billingSite{Site: site, seed: seed, ny: ny}
}

// expected computes Acme's invoice from the seed alone, in rationals,
// without any of Remit's code: which worklogs count, the rate of each,
// lines per (issue, rate), amounts rounded half-up to cents, tax once.
func (b *billingSite) expected(billed map[string]bool) (subtotal, tax, total string, worklogs int) {
	labels := map[string][]string{}
	for i, is := range b.seed.Issues {
		_ = i
		labels[is.Summary] = is.Labels
	}
	issueLabels := map[string][]string{}
	counters := map[string]int{}
	for _, is := range b.seed.Issues {
		counters[is.Project]++
		issueLabels[fmt.Sprintf("%s-%d", is.Project, counters[is.Project])] = is.Labels
	}
	type key struct {
		issue string
		rate  int64
	}
	secs := map[key]int64{}
	for _, w := range b.seed.Worklogs {
		project := w.Issue[:strings.LastIndexByte(w.Issue, '-')]
		if project != "ACME" && project != "ACMESUP" {
			continue
		}
		if len(issueLabels[w.Issue]) == 1 && issueLabels[w.Issue][0] == "non-billable" {
			continue
		}
		day := w.Started.In(b.ny).Format(time.DateOnly)
		if day < periodStart || day > periodEnd {
			continue
		}
		if billed[w.Issue+"@"+w.Started.String()] {
			continue
		}
		rate := int64(95)
		switch {
		case w.Author == "alice":
			rate = 140
		case project == "ACMESUP":
			rate = 120
		}
		secs[key{w.Issue, rate}] += w.TimeSpentSeconds
		worklogs++
	}
	sub := new(big.Rat)
	for k, s := range secs {
		sub.Add(sub, roundCents(new(big.Rat).SetFrac(big.NewInt(s*k.rate), big.NewInt(3600))))
	}
	tx := roundCents(new(big.Rat).Mul(sub, big.NewRat(8875, 100000)))
	return sub.FloatString(2), tx.FloatString(2), new(big.Rat).Add(sub, tx).FloatString(2), worklogs
}

// roundCents rounds a non-negative rational half-up to two decimals.
func roundCents(r *big.Rat) *big.Rat {
	cents := new(big.Rat).Mul(r, big.NewRat(100, 1))
	q, m := new(big.Int).DivMod(cents.Num(), cents.Denom(), new(big.Int))
	if new(big.Int).Mul(m, big.NewInt(2)).Cmp(cents.Denom()) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	return new(big.Rat).SetFrac(q, big.NewInt(100))
}

func (b *billingSite) configure(t *testing.T) (acmeID, globexID int64) {
	t.Helper()
	settings := map[string]any{"billingProjectKey": "BILL", "timezone": "America/New_York", "currency": "USD",
		"seller": map[string]string{"name": "Remit Consulting LLC", "email": "billing@remit.example"}}
	if r := b.API(t, "PUT", "/settings", settings, nil); r.StatusCode != 200 {
		t.Fatalf("settings: %d %v", r.StatusCode, apptest.Problem(t, r))
	}
	var c struct{ ID int64 }
	acme := map[string]any{"name": "Acme", "jql": "project in (ACME, ACMESUP)", "currency": "USD", "hourlyRate": "95.00",
		"rateOverrides":  map[string]any{"accounts": map[string]string{"alice": "140.00"}, "projects": map[string]string{"ACMESUP": "120.00"}},
		"taxRatePercent": "8.875", "billingEmail": "ap@acme.example"}
	if r := b.API(t, "POST", "/customers", acme, &c); r.StatusCode != 201 {
		t.Fatalf("customer: %d %v", r.StatusCode, apptest.Problem(t, r))
	}
	acmeID = c.ID
	if r := b.API(t, "POST", "/customers", map[string]any{"name": "Globex", "jql": "project = GLOBEX", "currency": "EUR", "hourlyRate": "80"}, &c); r.StatusCode != 201 {
		t.Fatalf("customer: %d %v", r.StatusCode, apptest.Problem(t, r))
	}
	return acmeID, c.ID
}

type invoiceResp struct {
	ID                                         int64
	Number, Status, Currency                   string
	Subtotal, Tax, Total, Balance, Paid        string
	IssueDate, DueDate, PeriodStart, PeriodEnd *string
	IssueKey                                   *string
	WorklogCount, JiraRequests                 int
	Lines                                      []struct{ IssueKey, Description, Hours, Rate, Amount string }
}

// TestInvoiceEndToEnd generates an invoice over HTTP from 160 issues in a
// simulated Jira and checks it against an independent computation, then
// follows it into Jira and through a void and a re-bill.
func TestInvoiceEndToEnd(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t, apptest.Options{WithSim: true, Clock: novemberFixture()})
	b := newBillingSite(t, s, "acme")
	acmeID, _ := b.configure(t)
	body := map[string]any{"customerId": acmeID, "periodStart": periodStart, "periodEnd": periodEnd, "issueDate": "2026-11-16"}

	wantSub, wantTax, wantTotal, wantWorklogs := b.expected(nil)
	var preview invoiceResp
	if r := b.API(t, "POST", "/invoices/preview", body, &preview); r.StatusCode != 200 {
		t.Fatalf("preview: %d %v", r.StatusCode, apptest.Problem(t, r))
	}
	if preview.Subtotal != wantSub || preview.Tax != wantTax || preview.Total != wantTotal || preview.WorklogCount != wantWorklogs {
		t.Fatalf("preview %s + %s = %s over %d worklogs; independent computation %s + %s = %s over %d",
			preview.Subtotal, preview.Tax, preview.Total, preview.WorklogCount, wantSub, wantTax, wantTotal, wantWorklogs)
	}
	var n int
	_ = s.Pool.QueryRow(context.Background(), `SELECT count(*) FROM invoices`).Scan(&n)
	if n != 0 {
		t.Fatal("preview saved an invoice")
	}
	t.Logf("preview: %d worklogs, %d lines, %d Jira requests", preview.WorklogCount, len(preview.Lines), preview.JiraRequests)

	var inv invoiceResp
	if r := b.API(t, "POST", "/invoices", body, &inv); r.StatusCode != 201 {
		t.Fatalf("create: %d %v", r.StatusCode, apptest.Problem(t, r))
	}
	if inv.Number != "INV-2026-0001" || inv.Total != wantTotal || inv.Status != "open" || *inv.DueDate != "2026-12-16" || len(inv.Lines) != len(preview.Lines) {
		t.Fatalf("created %+v", inv)
	}
	for i := 1; i < len(inv.Lines); i++ {
		if lessKey(inv.Lines[i].IssueKey, inv.Lines[i-1].IssueKey) {
			t.Fatalf("lines out of issue-key order: %s after %s", inv.Lines[i].IssueKey, inv.Lines[i-1].IssueKey)
		}
	}
	// The same period again has nothing left to bill.
	if r := b.API(t, "POST", "/invoices", body, nil); r.StatusCode != 422 {
		t.Fatalf("second create: %d, want 422", r.StatusCode)
	}

	// The invoice issue appears in Jira: one, with the property, the links
	// to every billed issue and the "open" status (named Sent here).
	issue := waitIssue(t, b, inv.Number, "Sent")
	if !strings.Contains(issue.Summary, inv.Number) || !strings.Contains(issue.Summary, "Acme") || !strings.Contains(issue.Summary, wantTotal) {
		t.Fatalf("summary %q", issue.Summary)
	}
	var prop struct {
		Number, Status, Currency, DueDate, Customer string
		Total, Balance                              json.Number
	}
	if err := json.Unmarshal(issue.Properties["remit-invoice"], &prop); err != nil {
		t.Fatal(err)
	}
	if prop.Number != inv.Number || prop.Total.String() != wantTotal || prop.Balance.String() != wantTotal || prop.Status != "open" || prop.DueDate != "2026-12-16" {
		t.Fatalf("property %+v", prop)
	}
	billedIssues := map[string]bool{}
	for _, l := range inv.Lines {
		billedIssues[l.IssueKey] = true
	}
	linked := 0
	for _, l := range b.Site.Site.Links() {
		if l.Inward == issue.Key && billedIssues[l.Outward] {
			linked++
		}
	}
	if linked != len(billedIssues) {
		t.Fatalf("%d links, want %d", linked, len(billedIssues))
	}
	var byIssue invoiceResp
	if r := b.API(t, "GET", "/invoices/by-issue/"+issue.Key, nil, &byIssue); r.StatusCode != 200 || byIssue.ID != inv.ID {
		t.Fatalf("by-issue: %d %+v", r.StatusCode, byIssue)
	}

	// Void frees the worklogs: the next create bills them again, with the
	// next number, and the voided issue moves to Cancelled.
	if r := b.API(t, "POST", fmt.Sprintf("/invoices/%d/void", inv.ID), nil, nil); r.StatusCode != 200 {
		t.Fatalf("void: %d %v", r.StatusCode, apptest.Problem(t, r))
	}
	waitIssue(t, b, inv.Number, "Cancelled")
	var again invoiceResp
	if r := b.API(t, "POST", "/invoices", body, &again); r.StatusCode != 201 {
		t.Fatalf("re-create: %d %v", r.StatusCode, apptest.Problem(t, r))
	}
	if again.Number != "INV-2026-0002" || again.Total != wantTotal {
		t.Fatalf("re-created %s total %s", again.Number, again.Total)
	}
	waitIssue(t, b, again.Number, "Sent")
	if got := countIssues(b, "BILL"); got != 2 {
		t.Fatalf("%d invoice issues in BILL, want 2", got)
	}
}

func lessKey(a, b string) bool {
	pa, na := splitKey(a)
	pb, nb := splitKey(b)
	if pa != pb {
		return pa < pb
	}
	return na < nb
}

func splitKey(k string) (string, int) {
	i := strings.LastIndexByte(k, '-')
	var n int
	fmt.Sscanf(k[i+1:], "%d", &n)
	return k[:i], n
}

// waitIssue waits for the invoice issue carrying number to reach status.
func waitIssue(t *testing.T, b *billingSite, number, status string) jirasim.IssueView {
	t.Helper()
	return waitIssueWithin(t, b, number, status, 15*time.Second)
}

func waitIssueWithin(t *testing.T, b *billingSite, number, status string, within time.Duration) jirasim.IssueView {
	t.Helper()
	deadline := time.Now().Add(within)
	var last string
	for time.Now().Before(deadline) {
		for _, is := range b.Site.Site.Issues() {
			if is.Project != "BILL" {
				continue
			}
			var p struct{ Number string }
			if json.Unmarshal(is.Properties["remit-invoice"], &p) == nil && p.Number == number {
				if is.Status == status {
					return is
				}
				last = is.Status
			}
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatalf("invoice issue %s never reached %q (last status %q)", number, status, last)
	return jirasim.IssueView{}
}

func countIssues(b *billingSite, project string) int {
	n := 0
	for _, is := range b.Site.Site.Issues() {
		if is.Project == project {
			n++
		}
	}
	return n
}

func itoa(n int64) string { return fmt.Sprint(n) }

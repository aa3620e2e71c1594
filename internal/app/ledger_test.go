package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/apptest"
	"github.com/remitapp/remit/internal/clock"
	"github.com/remitapp/remit/internal/jirasim"
)

// ledger is a small seeded site for payment and lifecycle tests: Acme
// (USD, 100.00 an hour, project ACME) and Globex (EUR, 80.00 an hour,
// project GLOB) have one worklog each in every month i = 1..months
// (month 1 is January 2024) of hours(i) hours, so the invoice of month i
// totals 100·hours(i) USD or 80·hours(i) EUR (no tax). Tenant zone UTC,
// invoices in BILL with the invoice workflow (Sent, Paid, Cancelled).
type ledger struct {
	*apptest.Site
	acme, globex int64
	worklogs     map[string]string // "ACME-1 3" (issue, month) -> worklog id
}

const ledgerAdmin = "557058:ledger-admin"

func newLedger(t *testing.T, s *apptest.Stack, name string, months int, hours func(i int) int) *ledger {
	t.Helper()
	seed := jirasim.SeedData{
		Users:    []jirasim.User{{AccountID: "alice", DisplayName: "Alice"}},
		Projects: []jirasim.ProjectSpec{{Key: "ACME", Name: "Acme"}, {Key: "GLOB", Name: "Globex"}, {Key: "BILL", Name: "Billing", WorkflowName: "invoice"}},
		Issues:   []jirasim.IssueSpec{{Project: "ACME", Summary: "Acme work"}, {Project: "GLOB", Summary: "Globex work"}},
	}
	var names []string
	for i := 1; i <= months; i++ {
		for _, key := range []string{"ACME-1", "GLOB-1"} {
			seed.Worklogs = append(seed.Worklogs, jirasim.WorklogSpec{Issue: key, Author: "alice",
				Started: monthStart(i).Add(9*24*time.Hour + 12*time.Hour), TimeSpentSeconds: int64(3600 * hours(i))})
			names = append(names, fmt.Sprintf("%s %d", key, i))
		}
	}
	site := s.InstallSite(t, name, jirasim.SeedData{}, ledgerAdmin)
	res, err := site.Site.Seed(seed)
	if err != nil {
		t.Fatal(err)
	}
	if err := site.Site.MakeSiteAdmin(ledgerAdmin); err != nil { // the projects seeded now too
		t.Fatal(err)
	}
	l := &ledger{Site: site, worklogs: map[string]string{}}
	for i, id := range res.WorklogIDs {
		l.worklogs[names[i]] = id
	}
	settings := map[string]any{"billingProjectKey": "BILL", "timezone": "UTC", "currency": "USD"}
	if r := l.API(t, "PUT", "/settings", settings, nil); r.StatusCode != 200 {
		t.Fatalf("settings: %d %v", r.StatusCode, apptest.Problem(t, r))
	}
	var c struct{ ID int64 }
	for _, cu := range []struct {
		id                        *int64
		name, jql, currency, rate string
	}{{&l.acme, "Acme", "project = ACME", "USD", "100.00"}, {&l.globex, "Globex", "project = GLOB", "EUR", "80.00"}} {
		body := map[string]any{"name": cu.name, "jql": cu.jql, "currency": cu.currency, "hourlyRate": cu.rate, "taxRatePercent": "0"}
		if r := l.API(t, "POST", "/customers", body, &c); r.StatusCode != 201 {
			t.Fatalf("customer %s: %d %v", cu.name, r.StatusCode, apptest.Problem(t, r))
		}
		*cu.id = c.ID
	}
	return l
}

// ledgerInvoice is the invoice JSON the tests read.
type ledgerInvoice struct {
	ID                             int64
	Number, Status, Currency       string
	Total, Paid, Balance           string
	Disputed, NeedsReview, Overdue bool
	IssueKey                       *string
	Payments                       []struct {
		ID                                            int64
		Amount, PaidOn, Method, Reference, RecordedBy string
	}
	Plan *struct {
		Installments []struct {
			ID                             int64
			DueDate, Amount, Paid, Balance string
			Settled                        bool
		}
	}
	NeedsReviewDetail []struct {
		WorklogID, BilledSeconds, NewSeconds, DifferenceSeconds int64
		DifferenceAmount                                        string
		Deleted                                                 bool
	}
}

// monthStart is the first instant of ledger month i.
func monthStart(i int) time.Time { return time.Date(2024, time.Month(i), 1, 0, 0, 0, 0, time.UTC) }

// invoice bills customer's work of month i with the given issue and due
// dates.
func (l *ledger) invoice(t *testing.T, customer int64, i int, issueDate, dueDate string) ledgerInvoice {
	t.Helper()
	start := monthStart(i)
	body := map[string]any{"customerId": customer, "periodStart": start.Format(time.DateOnly),
		"periodEnd": start.AddDate(0, 1, -1).Format(time.DateOnly), "issueDate": issueDate, "dueDate": dueDate}
	var inv ledgerInvoice
	if r := l.API(t, "POST", "/invoices", body, &inv); r.StatusCode != 201 {
		t.Fatalf("invoice for month %d: %d %v", i, r.StatusCode, apptest.Problem(t, r))
	}
	return inv
}

// get reads an invoice through the API.
func (l *ledger) get(t *testing.T, id int64) ledgerInvoice {
	t.Helper()
	var inv ledgerInvoice
	if r := l.API(t, "GET", fmt.Sprintf("/invoices/%d", id), nil, &inv); r.StatusCode != 200 {
		t.Fatalf("get %d: %d %v", id, r.StatusCode, apptest.Problem(t, r))
	}
	return inv
}

// pay records a payment and returns the HTTP status.
func (l *ledger) pay(t *testing.T, id int64, amount, paidOn string) int {
	t.Helper()
	body := map[string]any{"amount": amount, "paidOn": paidOn, "method": "bank-transfer", "reference": "test"}
	return l.API(t, "POST", fmt.Sprintf("/invoices/%d/payments", id), body, nil).StatusCode
}

// issueProperty is the remit-invoice property as the tests read it.
type issueProperty struct {
	Number, Status string
	Balance        json.Number
}

// waitJira waits until the invoice's issue shows status in Jira and its
// property says propStatus with balance, and returns the issue.
func (l *ledger) waitJira(t *testing.T, number, status, propStatus, balance string) jirasim.IssueView {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var last string
	for time.Now().Before(deadline) {
		for _, is := range l.Site.Site.Issues() {
			var p issueProperty
			if is.Project != "BILL" || json.Unmarshal(is.Properties["remit-invoice"], &p) != nil || p.Number != number {
				continue
			}
			if is.Status == status && p.Status == propStatus && p.Balance.String() == balance {
				return is
			}
			last = fmt.Sprintf("issue %s in %q, property %+v", is.Key, is.Status, p)
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatalf("invoice %s never reached %q / %s / balance %s in Jira (last: %s)", number, status, propStatus, balance, last)
	return jirasim.IssueView{}
}

// count runs a count query on the stack's database.
func count(t *testing.T, s *apptest.Stack, q string, args ...any) int {
	t.Helper()
	var n int
	if err := s.Pool.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// novemberFixture pins a stack's clock for the tests whose fixtures are
// dated: work logged in October and November 2026, invoices issued from
// 2026-11-01 to 2026-11-16 and due a month later. On 2026-11-25 an invoice
// due on 2026-11-10 is overdue and one due in December is not, on
// whatever day the suite runs.
func novemberFixture() *clock.Clock {
	return clock.At(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))
}

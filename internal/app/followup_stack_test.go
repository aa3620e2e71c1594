package app_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/apptest"
	"github.com/remitapp/remit/internal/clock"
	"github.com/remitapp/remit/internal/jirasim"
	"github.com/remitapp/remit/internal/smtptest"
)

// followStack is Remit, the simulator and (optionally) an SMTP server on
// one clock pinned to a Monday, so a test can set the day an invoice is
// chased on and every token, due date and overdue check agrees.
type followStack struct {
	*apptest.Stack
	clock *clock.Clock
	smtp  *smtptest.Server // nil: e-mail off
}

func startFollowStack(t *testing.T, withSMTP bool) *followStack {
	t.Helper()
	c := clock.At(time.Date(2027, 1, 4, 9, 0, 0, 0, time.UTC))
	s := apptest.Start(t, apptest.Options{WithSim: true, SMTP: withSMTP, Clock: c, Env: map[string]string{"REMIT_WORKERS": "8"}})
	return &followStack{Stack: s, clock: c, smtp: s.SMTP}
}

// api calls Remit's API as the site's user (its token signed on the
// stack's clock); a 2xx answer is decoded into out.
func (f *followStack) api(t *testing.T, site *apptest.Site, method, path string, body, out any) *http.Response {
	t.Helper()
	return site.API(t, method, path, body, out)
}

// ok fails the test unless resp has status want.
func ok(t *testing.T, resp *http.Response, want int, what string) {
	t.Helper()
	if resp.StatusCode != want {
		t.Fatalf("%s: %d, want %d: %v", what, resp.StatusCode, want, apptest.Problem(t, resp))
	}
}

// runAction is one action of a POST /followups/run answer.
type runAction struct {
	InvoiceID     int64  `json:"invoiceId"`
	InvoiceNumber string `json:"invoiceNumber"`
	Installment   int64  `json:"installment"`
	Step          string `json:"step"`
	Action        string `json:"action"`
	Status        string `json:"status"`
	Reconcile     bool   `json:"reconcile"`
	Detail        string `json:"detail"`
}

// run sets the clock to asOf and runs the tenant's follow-ups at asOf.
func (f *followStack) run(t *testing.T, site *apptest.Site, asOf time.Time) []runAction {
	t.Helper()
	f.clock.Set(asOf)
	var out struct {
		AsOf    string      `json:"asOf"`
		Paused  string      `json:"paused"`
		Actions []runAction `json:"actions"`
	}
	ok(t, f.api(t, site, "POST", "/followups/run", map[string]string{"asOf": asOf.Format(time.RFC3339)}, &out), 200, "run "+asOf.Format(time.DateOnly))
	for _, a := range out.Actions {
		if a.Status == "queued" {
			t.Fatalf("run %s: %s/%s still queued", asOf.Format(time.DateOnly), a.Step, a.Action)
		}
	}
	return out.Actions
}

// followSite is one tenant for a follow-up scenario: a billing project
// BILL, a work project WORK with open and done issues, and the customer
// whose work it is.
type followSite struct {
	*apptest.Site
	f        *followStack
	customer int64
	email    string // the customer's billing e-mail, unique per site
}

const followAdmin = "557058:followup-admin"

// newFollowSite installs a site named name whose customer bills hours of
// work logged on the first day of the period at rate, in currency.
func (f *followStack) newFollowSite(t *testing.T, name string, hours int64, rate, currency string) *followSite {
	t.Helper()
	seed := jirasim.SeedData{
		Users:    []jirasim.User{{AccountID: "alice", DisplayName: "Alice"}},
		Projects: []jirasim.ProjectSpec{{Key: "BILL", Name: "Billing", WorkflowName: "invoice"}, {Key: "WORK", Name: "Work"}},
		Issues: []jirasim.IssueSpec{
			{Project: "WORK", Summary: "Build the thing"},
			{Project: "WORK", Summary: "Support"},
			{Project: "WORK", Summary: "Shipped", Status: "Done"},
		},
		Worklogs: []jirasim.WorklogSpec{{Issue: "WORK-1", Author: "alice", Started: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC), TimeSpentSeconds: hours * 3600}},
	}
	site := f.InstallSite(t, name, seed, followAdmin)
	fs := &followSite{Site: site, f: f, email: "ap@" + name + ".example"}
	settings := map[string]any{"billingProjectKey": "BILL", "timezone": "UTC", "currency": currency,
		"seller": map[string]string{"name": "Remit Consulting LLC", "email": "seller@" + name + ".example"}}
	ok(t, f.api(t, site, "PUT", "/settings", settings, nil), 200, "settings")
	var c struct{ ID int64 }
	ok(t, f.api(t, site, "POST", "/customers", map[string]any{"name": "Customer " + name, "jql": "project = WORK", "currency": currency,
		"hourlyRate": rate, "billingEmail": fs.email, "escalationEmails": []string{"cfo@" + name + ".example", "ceo@" + name + ".example"}}, &c), 201, "customer")
	fs.customer = c.ID
	return fs
}

// invoice creates the customer's invoice for December 2026, issued on
// issued and due on due, and waits for its Jira issue.
func (s *followSite) invoice(t *testing.T, issued, due time.Time) (id int64, issueKey string) {
	t.Helper()
	s.f.clock.Set(issued)
	var inv struct {
		ID     int64
		Number string
	}
	ok(t, s.f.api(t, s.Site, "POST", "/invoices", map[string]any{"customerId": s.customer, "periodStart": "2026-12-01", "periodEnd": "2026-12-31",
		"issueDate": issued.Format(time.DateOnly), "dueDate": due.Format(time.DateOnly)}, &inv), 201, "create invoice")
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		for _, is := range s.Site.Site.Issues() {
			var p struct{ Number string }
			if is.Project == "BILL" && json.Unmarshal(is.Properties["remit-invoice"], &p) == nil && p.Number == inv.Number && is.Status == "Sent" {
				return inv.ID, is.Key
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("invoice issue of %s never appeared", inv.Number)
	return 0, ""
}

// mails are the messages the SMTP server accepted for addr (To or Cc).
func (f *followStack) mails(addr string) []smtptest.Received {
	var out []smtptest.Received
	for _, m := range f.smtp.Messages() {
		for _, to := range m.To {
			if strings.EqualFold(to, addr) {
				out = append(out, m)
				break
			}
		}
	}
	return out
}

// day is the instant 09:00 UTC n days after d.
func day(d time.Time, n int) time.Time { return d.AddDate(0, 0, n).Add(9 * time.Hour) }

// counts tallies a run's actions as "step/action=status".
func counts(actions []runAction) map[string]int {
	out := map[string]int{}
	for _, a := range actions {
		out[fmt.Sprintf("%s/%s=%s", a.Step, a.Action, a.Status)]++
	}
	return out
}

// need fails the test on err.
func need(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// jsonOf decodes a response body.
func jsonOf(resp *http.Response, v any) error { return json.NewDecoder(resp.Body).Decode(v) }

package browsertest

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/apptest"
	"github.com/remitapp/remit/internal/demohost"
	"github.com/remitapp/remit/internal/jirasim"
)

const admin = "557058:browser-admin"

// invoiceJSON is the part of the API's invoice the tests check.
type invoiceJSON struct {
	ID                              int64
	Number, Status, Currency        string
	Total, Paid, Balance, Subtotal  string
	DaysOverdue                     int
	Overdue                         bool
	DueDate, IssueKey, CustomerName *string
}

// demo is a running stack with a configured site, an overdue invoice
// with its Jira issue, and a browser.
type demo struct {
	stack   *apptest.Stack
	site    *apptest.Site
	overdue invoiceJSON
	// customerID is Acme's, created with the fields of acme.
	customerID int64
	acme       map[string]any
	// period2 has Acme work not yet billed, for the generate flow.
	period2Start, period2End string
	b                        *Browser
}

func day(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// newDemo starts everything, with the demo host mounted on the
// simulator for the browser to open. Remit's REMIT_CONNECT_JS_URL and
// REMIT_FORGE_JWKS_URL must be known before the stack starts, while the
// simulator's port is known only after: a loopback forwarder serves the
// simulator's all.js and Forge JWKS meanwhile.
func newDemo(t *testing.T, with ...func(*apptest.Options)) *demo {
	t.Helper()
	var simURL atomic.Value
	simURL.Store("")
	fwd := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		target := r.URL.Path // the Forge JWKS
		if target == "/all.js" {
			target = demohost.ConnectJSPath
		}
		resp, err := http.Get(simURL.Load().(string) + target)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		w.Header().Set("Content-Type", resp.Header.Get("Content-Type"))
		w.WriteHeader(resp.StatusCode)
		_, _ = io.Copy(w, resp.Body)
	}))
	t.Cleanup(fwd.Close)
	opts := apptest.Options{WithSim: true, Env: map[string]string{"REMIT_CONNECT_JS_URL": fwd.URL + "/all.js",
		"REMIT_FORGE_APP_ID": forgeAppID, "REMIT_FORGE_JWKS_URL": fwd.URL + jirasim.ForgeJWKSPath},
		WrapHandler: baseline.wrap}
	for _, w := range with {
		w(&opts)
	}
	s := apptest.Start(t, opts)
	demohost.Mount(s.Sim, nil)
	simURL.Store(s.SimURL)

	now := s.Now().UTC()
	p1 := now.AddDate(0, 0, -75)
	p2 := now.AddDate(0, 0, -40)
	seed := jirasim.SeedData{
		Users:    []jirasim.User{{AccountID: admin, DisplayName: "Ada Admin"}, {AccountID: "alice", DisplayName: "Alice"}},
		Projects: []jirasim.ProjectSpec{{Key: "ACME", Name: "Acme Website"}, {Key: "BILL", Name: "Billing", WorkflowName: "invoice"}},
	}
	for i := 1; i <= 4; i++ {
		seed.Issues = append(seed.Issues, jirasim.IssueSpec{Project: "ACME", Summary: fmt.Sprintf("Acme task %d", i)})
		for d := 0; d < 3; d++ {
			seed.Worklogs = append(seed.Worklogs,
				jirasim.WorklogSpec{Issue: fmt.Sprintf("ACME-%d", i), Author: "alice", Started: p1.AddDate(0, 0, 2+d*5).Add(12 * time.Hour), TimeSpentSeconds: int64(1800 * (i + d))},
				jirasim.WorklogSpec{Issue: fmt.Sprintf("ACME-%d", i), Author: admin, Started: p2.AddDate(0, 0, 2+d*5).Add(12 * time.Hour), TimeSpentSeconds: int64(2700 * (i + d))},
			)
		}
	}
	site := s.InstallSite(t, "demo", seed, admin)
	settings := map[string]any{"billingProjectKey": "BILL", "currency": "USD", "timezone": "UTC",
		"seller": map[string]string{"name": "Remit Consulting LLC", "email": "billing@remit.example"}}
	if r := site.API(t, "PUT", "/settings", settings, nil); r.StatusCode != 200 {
		t.Fatalf("settings: %d %v", r.StatusCode, apptest.Problem(t, r))
	}
	var c struct{ ID int64 }
	acme := map[string]any{"name": "Acme", "jql": "project = ACME", "currency": "USD", "hourlyRate": "95.00", "taxRatePercent": "8.875", "billingEmail": "ap@acme.example"}
	if r := site.API(t, "POST", "/customers", acme, &c); r.StatusCode != 201 {
		t.Fatalf("customer: %d %v", r.StatusCode, apptest.Problem(t, r))
	}
	body := map[string]any{"customerId": c.ID, "periodStart": day(p1), "periodEnd": day(p1.AddDate(0, 0, 29)),
		"issueDate": day(now.AddDate(0, 0, -45)), "dueDate": day(now.AddDate(0, 0, -15))}
	var inv invoiceJSON
	if r := site.API(t, "POST", "/invoices", body, &inv); r.StatusCode != 201 {
		t.Fatalf("invoice: %d %v", r.StatusCode, apptest.Problem(t, r))
	}
	d := &demo{stack: s, site: site, customerID: c.ID, acme: acme, period2Start: day(p2), period2End: day(p2.AddDate(0, 0, 29))}
	d.overdue = d.waitIssue(t, inv.ID)
	d.b = NewBrowser(t)
	return d
}

// waitIssue waits until the invoice's Jira issue exists and returns the
// invoice as the API then shows it.
func (d *demo) waitIssue(t *testing.T, id int64) invoiceJSON {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		var inv invoiceJSON
		if r := d.site.API(t, "GET", fmt.Sprintf("/invoices/%d", id), nil, &inv); r.StatusCode == 200 && inv.IssueKey != nil {
			return inv
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("invoice %d never got its Jira issue", id)
	return invoiceJSON{}
}

// host is a demo host URL on the simulator.
func (d *demo) host(path string) string { return d.stack.SimURL + "/jira/demo" + path }

// usd formats a decimal string as the pages do for USD: $1,234.50.
func usd(amount string) string {
	neg := strings.HasPrefix(amount, "-")
	amount = strings.TrimPrefix(amount, "-")
	whole, frac, _ := strings.Cut(amount, ".")
	frac = (frac + "00")[:2]
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	s := "$" + b.String() + "." + frac
	if neg {
		s = "-" + s
	}
	return s
}

// dateLabel is a YYYY-MM-DD date as the pages show it: 5 Nov 2026.
func dateLabel(d string) string {
	t, _ := time.Parse(time.DateOnly, d)
	return fmt.Sprintf("%d %s %d", t.Day(), t.Format("Jan"), t.Year())
}

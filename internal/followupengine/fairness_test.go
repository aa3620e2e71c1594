package followupengine_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/billing"
	"github.com/remitapp/remit/internal/followup"
	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/jira"
	"github.com/remitapp/remit/internal/jira/jirafake"
	"github.com/remitapp/remit/internal/jobs"
	"github.com/remitapp/remit/internal/remit"
)

// oneStep is the policy of the fairness runs: overdue-1's comment and
// e-mail (off, so recorded skipped at once), two action jobs an invoice.
func oneStep(t *testing.T) followup.Policy {
	t.Helper()
	p := followup.DefaultPolicy()
	for _, s := range p.Steps {
		if s.Key == followup.StepOverdue1 {
			s.Actions = []followup.Action{{Kind: followup.ActionComment}, {Kind: followup.ActionEmail}}
			p.Steps = []followup.Step{s}
			return p
		}
	}
	t.Fatal("no overdue-1 in the default policy")
	return p
}

// tenantWith makes a tenant (clientKey) of b's database and fake Jira
// with the one-step policy and n open invoices due 2026-12-15, each with
// its issue in Jira: the first through billing, the rest copied from it
// in SQL (thousands in a second). It returns the tenant.
func (b *testBundle) tenantWith(t *testing.T, clientKey string, n int) remit.Tenant {
	t.Helper()
	ctx := b.ctx
	tenant := b.tenant
	if clientKey != b.tenant.ClientKey {
		var err error
		tenant, err = b.db.UpsertInstall(ctx, remit.Tenant{ClientKey: clientKey, AppKey: "io.remit.jira",
			BaseURL: "https://" + clientKey + ".atlassian.net", ProductType: "jira", SharedSecret: "secret-of-" + clientKey + "-0123456789abcdef"})
		if err != nil {
			t.Fatal(err)
		}
		site := b.engine.Jira.(*jirafake.Sites).Site(clientKey)
		site.AddProject("BILL", "Task")
		site.AddProject("WORK")
		site.Grant(managerID, "WORK", "BROWSE_PROJECTS")
		site.GrantGlobal(managerID, "ADMINISTER")
		mgr := billing.Actor{Tenant: tenant, AccountID: managerID}
		set := invoice.DefaultSettings()
		set.BillingProjectKey = "BILL"
		set.Seller = invoice.Seller{Name: "Remit Consulting LLC", Email: "billing@remit.example"}
		if _, err := b.setup.PutSettings(ctx, mgr, set); err != nil {
			t.Fatal(err)
		}
		cust, err := b.setup.SaveCustomer(ctx, mgr, invoice.Customer{Name: "Small Co", JQL: "project = WORK", Currency: "USD",
			HourlyRate: decimal.RequireFromString("100")})
		if err != nil {
			t.Fatal(err)
		}
		// The first invoice: a copy of b's, under this tenant and customer.
		b.copyInvoices(t, b.inv.ID, clientKey, cust.ID, 1)
	}
	if _, err := b.engine.PutPolicy(ctx, billing.Actor{Tenant: tenant, AccountID: managerID}, oneStep(t)); err != nil {
		t.Fatal(err)
	}
	var first int64
	var cust int64
	if err := b.pool.QueryRow(ctx, `SELECT min(id), min(customer_id) FROM invoices WHERE client_key = $1`, clientKey).Scan(&first, &cust); err != nil {
		t.Fatal(err)
	}
	if n > 1 {
		b.copyInvoices(t, first, clientKey, cust, n-1)
	}
	return tenant
}

// copyInvoices copies invoice from (its amounts, dates, due state) n
// times into clientKey's customer, each with a Jira issue of its own in
// clientKey's BILL project.
func (b *testBundle) copyInvoices(t *testing.T, from int64, clientKey string, customer int64, n int) {
	t.Helper()
	site := b.engine.Jira.(*jirafake.Sites).Site(clientKey)
	keys := make([]string, n)
	for i := range keys {
		keys[i] = site.AddIssue("BILL", fmt.Sprintf("Invoice %d", i))
	}
	var cols []string
	rows, err := b.pool.Query(b.ctx, `SELECT column_name FROM information_schema.columns
		WHERE table_name = 'invoices' AND column_name NOT IN ('id', 'client_key', 'number', 'customer_id', 'jira_issue_key', 'jira_issue_id')
		  AND is_generated = 'NEVER' ORDER BY ordinal_position`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		cols = append(cols, c)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	list := strings.Join(cols, ", ")
	if _, err := b.pool.Exec(b.ctx, `INSERT INTO invoices (client_key, number, customer_id, jira_issue_key, jira_issue_id, `+list+`)
		SELECT $2, $2 || '-' || $1::bigint || '-' || k.ord, $3, k.key, k.key, `+list+`
		FROM invoices, unnest($4::text[]) WITH ORDINALITY AS k(key, ord) WHERE id = $1::bigint`, from, clientKey, customer, keys); err != nil {
		t.Fatal(err)
	}
}

// finalOf counts the tenant's follow-up events that are final and all.
func (b *testBundle) finalOf(t *testing.T, clientKey string) (final, all int) {
	t.Helper()
	if err := b.pool.QueryRow(b.ctx, `SELECT count(*) FILTER (WHERE status <> 'queued'), count(*) FROM followup_events
		WHERE client_key = $1`, clientKey).Scan(&final, &all); err != nil {
		t.Fatal(err)
	}
	return final, all
}

// fairnessRun starts River's workers (4, on the default queue) on the
// jobs already queued and returns how long after the start every event of
// small was final, and how many of big's events were still queued then,
// of how many.
func fairnessRun(t *testing.T, b *testBundle, small, big string) (time.Duration, int, int) {
	t.Helper()
	ws := river.NewWorkers()
	river.AddWorker(ws, b.actions)
	client, err := jobs.NewClient(b.pool, ws, jobs.Config{Concurrency: 4})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	start := time.Now()
	if err := client.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer func() {
		stop, cancelStop := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancelStop()
		if err := client.StopAndCancel(stop); err != nil {
			t.Error(err)
		}
	}()
	deadline := start.Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		final, all := b.finalOf(t, small)
		if final == all {
			took := time.Since(start)
			bigFinal, bigAll := 0, 0
			if big != "" {
				bigFinal, bigAll = b.finalOf(t, big)
			}
			return took, bigAll - bigFinal, bigAll
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s's actions did not finish in 2 minutes", small)
	return 0, 0, 0
}

// fairnessSize is the big tenant's invoice count: REMIT_FAIRNESS_BIG, or
// 1,000 (2,000 action jobs) in the ordinary run.
func fairnessSize(t *testing.T) int {
	t.Helper()
	if s := os.Getenv("REMIT_FAIRNESS_BIG"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("REMIT_FAIRNESS_BIG=%q", s)
		}
		return n
	}
	return 1000
}

// TestSmallTenantIsNotQueuedBehindABigOne: a big tenant's sweep queues
// 2,000 action jobs (REMIT_FAIRNESS_BIG invoices, two actions each),
// then a small tenant's queues 20, before any worker runs. The small
// tenant's actions all finish while at least half of the big tenant's
// are still queued, and within twice the time they take alone plus 2 s
// (the allowance for a shared machine): its jobs pass ahead of the
// backlog (fairPriority) instead of waiting behind it, as one FIFO queue
// would make them.
func TestSmallTenantIsNotQueuedBehindABigOne(t *testing.T) {
	b := setup(t)
	n := fairnessSize(t)
	alone := b.tenantWith(t, "alone-site", 10)
	b.clock.Set(overdueDay)
	if _, err := b.engine.Sweep(b.ctx, alone, overdueDay); err != nil {
		t.Fatal(err)
	}
	aloneTook, _, _ := fairnessRun(t, b, alone.ClientKey, "")

	big := b.tenantWith(t, b.tenant.ClientKey, n)
	small := b.tenantWith(t, "small-site", 10)
	sweepStart := time.Now()
	res, err := b.engine.Sweep(b.ctx, big, overdueDay)
	if err != nil || res.Invoices != n {
		t.Fatalf("big sweep: %d invoices, %v", res.Invoices, err)
	}
	sweepTook := time.Since(sweepStart)
	if _, err := b.engine.Sweep(b.ctx, small, overdueDay); err != nil {
		t.Fatal(err)
	}
	took, bigQueued, bigAll := fairnessRun(t, b, small.ClientKey, big.ClientKey)
	t.Logf("big tenant: %d invoices, %d action events, swept in %v; small tenant alone: %v; beside the big one: %v (%.2f×), with %d of the big tenant's %d events still queued",
		n, bigAll, sweepTook.Round(time.Millisecond), aloneTook.Round(time.Millisecond), took.Round(time.Millisecond),
		float64(took)/float64(aloneTook), bigQueued, bigAll)
	if bigQueued*2 < bigAll {
		t.Errorf("the small tenant finished only after %d of the big tenant's %d actions", bigAll-bigQueued, bigAll)
	}
	if took > 2*aloneTook+2*time.Second {
		t.Errorf("the small tenant took %v beside the big one, %v alone", took, aloneTook)
	}
	final, all := b.finalOf(t, small.ClientKey)
	if comments := b.engine.Jira.(*jirafake.Sites).Site(small.ClientKey).Calls(jirafake.MethodAddComment); final != all || comments != 10 {
		t.Errorf("small tenant: %d of %d events final, %d comments", final, all, comments)
	}
}

// rewriteTo sends every request to srv, whatever site it names.
type rewriteTo struct{ srv *httptest.Server }

func (r rewriteTo) RoundTrip(req *http.Request) (*http.Response, error) {
	u, _ := url.Parse(r.srv.URL)
	req = req.Clone(req.Context())
	req.URL.Scheme, req.URL.Host = u.Scheme, u.Host
	return http.DefaultTransport.RoundTrip(req)
}

// TestRateLimitedActionSnoozesWithoutHoldingItsWorker: Jira answers the
// tenant's requests 429 with a Retry-After of 30 s (within what the
// client would otherwise wait out in place). The action job gets the 429
// back at once and snoozes for 30 s: its worker never sleeps, and Jira
// saw one request, not a retry loop.
func TestRateLimitedActionSnoozesWithoutHoldingItsWorker(t *testing.T) {
	t.Parallel()
	b := setup(t)
	res := b.sweepAt(t, reminderDay)
	o := queued(t, res, followup.StepReminderBeforeDue, string(followup.ActionComment))
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		requests.Add(1)
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	t.Cleanup(srv.Close)
	var slept []time.Duration
	b.engine.Jira = &jira.Factory{AppKey: "io.remit.jira", HTTP: &http.Client{Transport: rewriteTo{srv}}, Now: b.clock.Now,
		TenantRate: jira.DefaultTenantRate,
		Sleep: func(_ context.Context, d time.Duration) error {
			slept = append(slept, d)
			return nil
		}}
	err := b.act(res, o, 1)
	var snooze *river.JobSnoozeError
	if !errors.As(err, &snooze) || snooze.Duration != 30*time.Second {
		t.Fatalf("the action answered %v, want a snooze of 30 s", err)
	}
	if len(slept) != 0 || requests.Load() != 1 {
		t.Fatalf("the worker slept %v and sent %d requests; want no sleep and one request", slept, requests.Load())
	}
	if ev := b.event(t, o.EventID); !strings.HasPrefix(ev, "queued") {
		t.Fatalf("event = %q, want still queued", ev)
	}
}

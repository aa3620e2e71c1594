package followupengine_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/billing"
	"github.com/remitapp/remit/internal/clock"
	"github.com/remitapp/remit/internal/followupengine"
	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/jira"
	"github.com/remitapp/remit/internal/jira/jirafake"
	"github.com/remitapp/remit/internal/jirasync"
	"github.com/remitapp/remit/internal/pgtest"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/secretbox"
	"github.com/remitapp/remit/internal/sitesetup"
	"github.com/remitapp/remit/internal/store"
)

const managerID = "557058:manager"

// testBundle is one test's follow-up engine, with the billing service
// and the Jira sync it works with, on a fake Jira site and its own
// PostgreSQL database.
type testBundle struct {
	ctx     context.Context
	clock   *clock.Clock
	pool    *pgxpool.Pool
	db      *store.DB
	site    *jirafake.Site
	tenant  remit.Tenant
	engine  *followupengine.Engine
	actions *followupengine.ActionWorker
	billing *billing.Service
	setup   *sitesetup.Service
	sync    *jirasync.Worker
	manager billing.Actor
	work    string // WORK-1, the customer's open work issue
	inv     invoice.Invoice
	key     string // the invoice's Jira issue
}

// setup gives a tenant with one open invoice of 350 USD for Acme (issued
// 2026-11-15, due 2026-12-15) whose Jira issue exists, and the default
// follow-up policy. The clock stands at 2026-11-16 09:00 UTC.
func setup(t *testing.T) *testBundle {
	t.Helper()
	ctx := context.Background()
	clk := clock.At(time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC))
	pool := pgtest.NewPool(t)
	box, err := secretbox.New(bytes.Repeat([]byte{0x42}, secretbox.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	db := store.New(pool, box, store.Options{Now: clk.Now})
	tenant, err := db.UpsertInstall(ctx, remit.Tenant{ClientKey: "acme-site", AppKey: "io.remit.jira",
		BaseURL: "https://acme.atlassian.net", ProductType: "jira", SharedSecret: "secret-of-acme-0123456789abcdef"})
	if err != nil {
		t.Fatal(err)
	}
	sites := &jirafake.Sites{Now: clk.Now}
	site := sites.Site(tenant.ClientKey)
	site.AddProject("BILL", "Task")
	site.AddProject("WORK")
	work := site.AddIssue("WORK", "Build the thing")
	site.LogWork(work, "557058:dev", time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC), 2*3600)
	site.LogWork(work, "557058:dev", time.Date(2026, 11, 9, 10, 0, 0, 0, time.UTC), 90*60)
	site.GrantGlobal(managerID, jira.PermAdminister)
	site.Grant(managerID, "WORK", jira.PermBrowseProjects)

	logger := slog.New(slog.DiscardHandler)
	perms := &jira.Permissions{Clients: sites, Now: clk.Now}
	svc := &billing.Service{DB: db, Jira: sites, Perms: perms, Now: clk.Now, Logger: logger}
	engine := &followupengine.Engine{DB: db, Jira: sites, Billing: svc, Perms: perms, Now: clk.Now, Logger: logger, MaxAttempts: 5}
	b := &testBundle{
		ctx: ctx, clock: clk, pool: pool, db: db, site: site, tenant: tenant, engine: engine,
		actions: &followupengine.ActionWorker{Engine: engine}, billing: svc,
		setup:   &sitesetup.Service{DB: db, Jira: sites, Perms: perms, Now: clk.Now, Logger: logger},
		sync:    &jirasync.Worker{DB: db, Jira: sites, Now: clk.Now, Logger: logger},
		manager: billing.Actor{Tenant: tenant, AccountID: managerID}, work: work,
	}
	set := invoice.DefaultSettings()
	set.BillingProjectKey = "BILL"
	set.Seller = invoice.Seller{Name: "Remit Consulting LLC", Email: "billing@remit.example"}
	if _, err := b.setup.PutSettings(ctx, b.manager, set); err != nil {
		t.Fatal(err)
	}
	cust, err := b.setup.SaveCustomer(ctx, b.manager, invoice.Customer{Name: "Acme", JQL: "project = WORK", Currency: "USD",
		HourlyRate: decimal.RequireFromString("100")})
	if err != nil {
		t.Fatal(err)
	}
	issued, _ := invoice.ParseDate("2026-11-15")
	start, _ := invoice.ParseDate("2026-11-01")
	end, _ := invoice.ParseDate("2026-11-14")
	if b.inv, err = svc.Create(ctx, b.manager, billing.GenerateRequest{CustomerID: cust.ID, IssueDate: issued,
		Period: invoice.Period{Start: start, End: end}}); err != nil {
		t.Fatal(err)
	}
	b.runSyncs(t)
	b.key = site.Created()[0].Key
	return b
}

// runSyncs works the queued Jira sync jobs, each until it finishes.
func (b *testBundle) runSyncs(t *testing.T) {
	t.Helper()
	var ids []int64
	rows, err := b.pool.Query(b.ctx, `DELETE FROM river_job WHERE kind = $1 AND state = 'available' RETURNING (args->>'invoiceId')::bigint`,
		jirasync.SyncArgs{}.Kind())
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		for attempt := 1; ; attempt++ {
			job := &river.Job[jirasync.SyncArgs]{JobRow: &rivertype.JobRow{Attempt: attempt, MaxAttempts: 25},
				Args: jirasync.SyncArgs{ClientKey: b.tenant.ClientKey, InvoiceID: id}}
			if err := b.sync.Work(b.ctx, job); err == nil {
				break
			} else if attempt == 10 {
				t.Fatalf("sync of invoice %d: %v", id, err)
			}
		}
	}
}

// sweepAt moves the clock to at and sweeps the tenant.
func (b *testBundle) sweepAt(t *testing.T, at time.Time) followupengine.SweepResult {
	t.Helper()
	b.clock.Set(at)
	res, err := b.engine.Sweep(b.ctx, b.tenant, at)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// queued is the sweep's queued outcome for action of step.
func queued(t *testing.T, res followupengine.SweepResult, step, action string) followupengine.Outcome {
	t.Helper()
	for _, o := range res.Outcomes {
		if o.Step == step && o.Action == action && o.Status == store.EventQueued {
			return o
		}
	}
	t.Fatalf("no queued %s %s in %+v", step, action, res.Outcomes)
	return followupengine.Outcome{}
}

// act works the action job of a queued outcome, as River's attempt
// number attempt.
func (b *testBundle) act(res followupengine.SweepResult, o followupengine.Outcome, attempt int) error {
	job := &river.Job[followupengine.ActionArgs]{JobRow: &rivertype.JobRow{Attempt: attempt, MaxAttempts: 5},
		Args: followupengine.ActionArgs{ClientKey: b.tenant.ClientKey, InvoiceID: o.InvoiceID, Installment: o.Installment,
			Step: o.Step, Action: o.Action, EventID: o.EventID, AsOf: res.AsOf}}
	return b.actions.Work(b.ctx, job)
}

// event is the recorded status and detail of a follow-up event.
func (b *testBundle) event(t *testing.T, id int64) string {
	t.Helper()
	ev, err := b.db.FollowupEvent(b.ctx, b.tenant.ClientKey, id)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%s: %s", ev.Status, ev.Detail)
}

// actionJobs is how many follow-up action jobs are queued.
func (b *testBundle) actionJobs(t *testing.T) int {
	t.Helper()
	var n int
	if err := b.pool.QueryRow(b.ctx, `SELECT count(*) FROM river_job WHERE kind = $1`, followupengine.ActionArgs{}.Kind()).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

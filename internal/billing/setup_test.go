package billing_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/billing"
	"github.com/remitapp/remit/internal/clock"
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

// Accounts of the test site: an administrator, a manager of the billing
// project, a viewer who may browse it and the work, and a stranger.
const (
	adminID    = "557058:admin"
	managerID  = "557058:manager"
	viewerID   = "557058:viewer"
	strangerID = "557058:stranger"
)

// testBundle is one test's billing service on a fake Jira site and its
// own PostgreSQL database.
type testBundle struct {
	ctx     context.Context
	clock   *clock.Clock
	pool    *pgxpool.Pool
	db      *store.DB
	site    *jirafake.Site
	tenant  remit.Tenant
	svc     *billing.Service
	setup   *sitesetup.Service
	sync    *jirasync.Worker
	work    string // WORK-1, the customer's issue with time logged
	cust    invoice.Customer
	admin   billing.Actor
	manager billing.Actor
	viewer  billing.Actor
}

// setup gives a configured tenant: billing project BILL, the customer
// Acme whose work is project WORK (WORK-1 has 2h and 1.5h logged in
// November 2026), and accounts with their permissions.
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
	site.AddProject("HIDDEN")
	work := site.AddIssue("WORK", "Build the thing")
	site.LogWork(work, "557058:dev", time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC), 2*3600)
	site.LogWork(work, "557058:dev", time.Date(2026, 11, 9, 10, 0, 0, 0, time.UTC), 90*60)
	site.LogWork(work, "557058:dev", time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC), 3600) // outside the period
	site.GrantGlobal(adminID, jira.PermAdminister)
	site.Grant(managerID, "BILL", jira.PermAdministerProjects, jira.PermBrowseProjects)
	site.Grant(managerID, "WORK", jira.PermBrowseProjects)
	site.Grant(viewerID, "BILL", jira.PermBrowseProjects)
	site.Grant(viewerID, "WORK", jira.PermBrowseProjects)

	logger := slog.New(slog.DiscardHandler)
	perms := &jira.Permissions{Clients: sites, Now: clk.Now}
	b := &testBundle{
		ctx: ctx, clock: clk, pool: pool, db: db, site: site, tenant: tenant, work: work,
		svc:     &billing.Service{DB: db, Jira: sites, Perms: perms, Now: clk.Now, Logger: logger},
		setup:   &sitesetup.Service{DB: db, Jira: sites, Perms: perms, Now: clk.Now, Logger: logger},
		sync:    &jirasync.Worker{DB: db, Jira: sites, Now: clk.Now, Logger: logger},
		admin:   billing.Actor{Tenant: tenant, AccountID: adminID},
		manager: billing.Actor{Tenant: tenant, AccountID: managerID},
		viewer:  billing.Actor{Tenant: tenant, AccountID: viewerID},
	}
	set := invoice.DefaultSettings()
	set.BillingProjectKey = "BILL"
	set.Seller = invoice.Seller{Name: "Remit Consulting LLC", Email: "billing@remit.example"}
	if _, err := b.setup.PutSettings(ctx, b.admin, set); err != nil {
		t.Fatal(err)
	}
	b.cust, err = b.setup.SaveCustomer(ctx, b.admin, invoice.Customer{Name: "Acme", JQL: "project = WORK", Currency: "USD",
		HourlyRate: decimal.RequireFromString("100")})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// november is an invoice request for the customer's work of early November.
func (b *testBundle) november() billing.GenerateRequest {
	return billing.GenerateRequest{CustomerID: b.cust.ID, IssueDate: date("2026-11-15"),
		Period: invoice.Period{Start: date("2026-11-01"), End: date("2026-11-14")}}
}

func date(s string) invoice.Date {
	d, err := invoice.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// syncJobs takes the Jira sync jobs billing enqueued off the queue and
// returns their invoice ids, in order.
func (b *testBundle) syncJobs(t *testing.T) []int64 {
	t.Helper()
	rows, err := b.pool.Query(b.ctx, `DELETE FROM river_job WHERE kind = $1 AND state = 'available' RETURNING id, args`, jirasync.SyncArgs{}.Kind())
	if err != nil {
		t.Fatal(err)
	}
	type job struct {
		id   int64
		args jirasync.SyncArgs
	}
	jobs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (job, error) {
		var j job
		var raw []byte
		if err := r.Scan(&j.id, &raw); err != nil {
			return j, err
		}
		return j, json.Unmarshal(raw, &j.args)
	})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, j := range jobs {
		if j.args.ClientKey != b.tenant.ClientKey {
			t.Fatalf("sync job for tenant %q", j.args.ClientKey)
		}
		ids = append(ids, j.args.InvoiceID)
	}
	return ids
}

// runSync works the sync job of invoice id as River would, attempt after
// attempt, until it neither fails nor snoozes, and returns the errors of
// the attempts that did.
func (b *testBundle) runSync(t *testing.T, id int64) []error {
	t.Helper()
	var errs []error
	for attempt := 1; attempt <= 10; attempt++ {
		job := &river.Job[jirasync.SyncArgs]{JobRow: &rivertype.JobRow{Attempt: attempt, MaxAttempts: 25},
			Args: jirasync.SyncArgs{ClientKey: b.tenant.ClientKey, InvoiceID: id}}
		err := b.sync.Work(b.ctx, job)
		if err == nil {
			return errs
		}
		errs = append(errs, err)
	}
	t.Fatalf("the sync of invoice %d never finished: %v", id, errs)
	return nil
}

// syncAll runs every enqueued sync job and requires at least one.
func (b *testBundle) syncAll(t *testing.T) {
	t.Helper()
	ids := b.syncJobs(t)
	if len(ids) == 0 {
		t.Fatal("no Jira sync was enqueued")
	}
	for _, id := range ids {
		b.runSync(t, id)
	}
}

// invoiceCount is how many invoices the tenant has.
func (b *testBundle) invoiceCount(t *testing.T) int {
	t.Helper()
	var n int
	if err := b.pool.QueryRow(b.ctx, `SELECT count(*) FROM invoices WHERE client_key = $1`, b.tenant.ClientKey).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// property is the remit-invoice property of the issue.
func (b *testBundle) property(t *testing.T, key string) jira.InvoiceProperty {
	t.Helper()
	raw, ok := b.site.Property(key, jira.InvoicePropertyKey)
	if !ok {
		t.Fatalf("%s has no %s property", key, jira.InvoicePropertyKey)
	}
	var p jira.InvoiceProperty
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func requireKind(t *testing.T, err error, kind remit.Kind) {
	t.Helper()
	if !remit.IsKind(err, kind) {
		t.Fatalf("error = %v, want kind %v", err, kind)
	}
}

package customerportal_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/billing"
	"github.com/remitapp/remit/internal/clock"
	"github.com/remitapp/remit/internal/customerportal"
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

const (
	adminID   = "557058:admin"
	managerID = "557058:manager"
	viewerID  = "557058:viewer"
)

// testBundle is one test's customer page use cases on a fake Jira site
// and its own PostgreSQL database, with one invoice issued and synced.
type testBundle struct {
	ctx     context.Context
	clock   *clock.Clock
	pool    *pgxpool.Pool
	db      *store.DB
	sites   *jirafake.Sites
	site    *jirafake.Site
	tenant  remit.Tenant
	bill    *billing.Service
	setup   *sitesetup.Service
	svc     *customerportal.Service
	sync    *jirasync.Worker
	cust    invoice.Customer
	manager remit.Actor
	viewer  remit.Actor
	inv     invoice.Invoice // 350.00 USD, issued 2026-11-15, due 2026-12-15
	issue   string
}

func setup(t testing.TB) *testBundle {
	t.Helper()
	clk := clock.At(time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC))
	pool := pgtest.NewPool(t)
	box, err := secretbox.New(bytes.Repeat([]byte{0x42}, secretbox.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	db := store.New(pool, box, store.Options{Now: clk.Now})
	return setupTenant(t, clk, pool, db, &jirafake.Sites{Now: clk.Now}, "acme-site")
}

// setupTenant installs a configured tenant in db with one invoice issued
// and synced on its fake site.
func setupTenant(t testing.TB, clk *clock.Clock, pool *pgxpool.Pool, db *store.DB, sites *jirafake.Sites, clientKey string) *testBundle {
	t.Helper()
	ctx := context.Background()
	tenant, err := db.UpsertInstall(ctx, remit.Tenant{ClientKey: clientKey, AppKey: "io.remit.jira",
		BaseURL: "https://" + clientKey + ".atlassian.net", ProductType: "jira", SharedSecret: "secret-of-" + clientKey + "-0123456789abcdef"})
	if err != nil {
		t.Fatal(err)
	}
	site := sites.Site(tenant.ClientKey)
	site.AddProject("BILL", "Task")
	site.AddProject("WORK")
	work := site.AddIssue("WORK", "Build the thing")
	site.LogWork(work, "557058:dev", time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC), 2*3600)
	site.LogWork(work, "557058:dev", time.Date(2026, 11, 9, 10, 0, 0, 0, time.UTC), 90*60)
	site.GrantGlobal(adminID, jira.PermAdminister)
	site.Grant(managerID, "BILL", jira.PermAdministerProjects, jira.PermBrowseProjects)
	site.Grant(managerID, "WORK", jira.PermBrowseProjects)
	site.Grant(viewerID, "BILL", jira.PermBrowseProjects)
	site.Grant(viewerID, "WORK", jira.PermBrowseProjects)

	logger := slog.New(slog.DiscardHandler)
	bill := &billing.Service{DB: db, Jira: sites, Perms: &jira.Permissions{Clients: sites, Now: clk.Now}, Now: clk.Now, Logger: logger}
	base, _ := url.Parse("https://remit.example/app")
	b := &testBundle{
		ctx: ctx, clock: clk, pool: pool, db: db, sites: sites, site: site, tenant: tenant, bill: bill,
		svc:     &customerportal.Service{DB: db, Billing: bill, BaseURL: base, Now: clk.Now, Logger: logger},
		sync:    &jirasync.Worker{DB: db, Jira: sites, Now: clk.Now, Logger: logger},
		manager: remit.Actor{Tenant: tenant, AccountID: managerID},
		viewer:  remit.Actor{Tenant: tenant, AccountID: viewerID},
	}
	admin := remit.Actor{Tenant: tenant, AccountID: adminID}
	set := invoice.DefaultSettings()
	set.BillingProjectKey = "BILL"
	set.Seller = invoice.Seller{Name: "Remit Consulting LLC", Email: "billing@remit.example"}
	if clientKey != "acme-site" {
		set.Seller.Name = "Seller of " + clientKey
	}
	set.Payment = invoice.PaymentDetails{AccountName: "Remit Consulting LLC", IBAN: "DE89370400440532013000", BIC: "COBADEFFXXX"}
	setupSvc := &sitesetup.Service{DB: db, Jira: sites, Perms: bill.Perms, Now: clk.Now, Logger: logger}
	b.setup = setupSvc
	if _, err := setupSvc.PutSettings(ctx, admin, set); err != nil {
		t.Fatal(err)
	}
	b.cust, err = setupSvc.SaveCustomer(ctx, admin, invoice.Customer{Name: "Acme", JQL: "project = WORK", Currency: "USD",
		HourlyRate: decimal.RequireFromString("100"), BillingEmail: "ap@acme.example"})
	if err != nil {
		t.Fatal(err)
	}
	b.inv, err = bill.Create(ctx, b.manager, billing.GenerateRequest{CustomerID: b.cust.ID, IssueDate: date("2026-11-15"),
		Period: invoice.Period{Start: date("2026-11-01"), End: date("2026-11-14")}})
	if err != nil {
		t.Fatal(err)
	}
	b.syncAll(t)
	b.issue = site.Created()[0].Key
	return b
}

func date(s string) invoice.Date {
	d, err := invoice.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// syncAll works every queued Jira sync job until it finishes.
func (b *testBundle) syncAll(t testing.TB) {
	t.Helper()
	rows, err := b.pool.Query(b.ctx, `DELETE FROM river_job WHERE kind = $1 AND args->>'clientKey' = $2 RETURNING args`,
		jirasync.SyncArgs{}.Kind(), b.tenant.ClientKey)
	if err != nil {
		t.Fatal(err)
	}
	var jobs []jirasync.SyncArgs
	for rows.Next() {
		var raw []byte
		var a jirasync.SyncArgs
		if err := rows.Scan(&raw); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw, &a); err != nil {
			t.Fatal(err)
		}
		jobs = append(jobs, a)
	}
	rows.Close()
	for _, a := range jobs {
		b.work(t, a)
	}
}

// work runs one sync job attempt after attempt until it finishes.
func (b *testBundle) work(t testing.TB, a jirasync.SyncArgs) {
	t.Helper()
	for attempt := 1; attempt <= 10; attempt++ {
		err := b.sync.Work(b.ctx, &river.Job[jirasync.SyncArgs]{JobRow: &rivertype.JobRow{Attempt: attempt, MaxAttempts: 25}, Args: a})
		if err == nil {
			return
		}
	}
	t.Fatalf("the sync of invoice %d never finished", a.InvoiceID)
}

// comments are the plain texts of the comments on the invoice issue.
func (b *testBundle) comments(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, c := range b.site.Comments(b.issue) {
		if s, ok := jira.ParagraphText(c.Body); ok {
			out = append(out, s)
		}
	}
	return out
}

// access opens the invoice's page as its customer would.
func (b *testBundle) access(t testing.TB) (customerportal.Access, string) {
	t.Helper()
	u, err := b.svc.PageURL(b.ctx, b.tenant.ClientKey, b.inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	token := u[strings.LastIndex(u, "/")+1:]
	acc, err := b.svc.Resolve(b.ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	return acc, token
}

// audit is the invoice's audit entries by actor.
func (b *testBundle) audit(t *testing.T, actor string) []store.AuditEntry {
	t.Helper()
	all, err := b.db.AuditEntries(b.ctx, b.tenant.ClientKey, store.AuditFilter{Entity: "invoice"})
	if err != nil {
		t.Fatal(err)
	}
	var out []store.AuditEntry
	for _, e := range all {
		if e.Actor == actor {
			out = append(out, e)
		}
	}
	return out
}

func requireKind(t *testing.T, err error, kind remit.Kind) {
	t.Helper()
	if !remit.IsKind(err, kind) {
		t.Fatalf("error = %v, want kind %v", err, kind)
	}
}

package stripepay_test

import (
	"bytes"
	"context"
	"log/slog"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/billing"
	"github.com/remitapp/remit/internal/clock"
	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/jira"
	"github.com/remitapp/remit/internal/jira/jirafake"
	"github.com/remitapp/remit/internal/money"
	"github.com/remitapp/remit/internal/pgtest"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/secretbox"
	"github.com/remitapp/remit/internal/sitesetup"
	"github.com/remitapp/remit/internal/store"
	"github.com/remitapp/remit/internal/stripepay"
	"github.com/remitapp/remit/internal/stripetest"
)

const (
	webhookSecret = "whsec_test_remit"
	managerID     = "557058:manager"
	successURL    = "https://remit.example/c/tok?paid=1"
	cancelURL     = "https://remit.example/c/tok"
)

// testBundle is one test's card payments: the billing use cases on a
// fake Jira site and a database of its own, the Service on the package's
// stripe-mock, and one open invoice.
type testBundle struct {
	ctx     context.Context
	clock   *clock.Clock
	pool    *pgxpool.Pool
	db      *store.DB
	tenant  remit.Tenant
	billing *billing.Service
	pay     *stripepay.Service
	mock    *stripetest.Mock
	manager billing.Actor
	inv     invoice.Invoice
	sites   *jirafake.Sites
	perms   *jira.Permissions
}

// setup gives a configured tenant whose customer is billed in currency
// at rate an hour, and its invoice for 3.5 hours of November's work,
// issued on 15 November 2026 and open.
func setup(t *testing.T, currency, rate string) *testBundle {
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
	site.Grant(managerID, "BILL", jira.PermAdministerProjects, jira.PermBrowseProjects)
	site.Grant(managerID, "WORK", jira.PermBrowseProjects)
	logger := slog.New(slog.DiscardHandler)
	perms := &jira.Permissions{Clients: sites, Now: clk.Now}
	bill := &billing.Service{DB: db, Jira: sites, Perms: perms, Now: clk.Now, Logger: logger}
	setupSvc := &sitesetup.Service{DB: db, Jira: sites, Perms: perms, Now: clk.Now, Logger: logger}
	mock := mockServer.Mock(t)
	pay, err := stripepay.New(stripepay.Config{SecretKey: "sk_test_remit", WebhookSecret: webhookSecret, APIURL: mock.URL},
		db, bill, clk.Now, logger)
	if err != nil {
		t.Fatal(err)
	}
	b := &testBundle{ctx: ctx, clock: clk, pool: pool, db: db, tenant: tenant, billing: bill, pay: pay, mock: mock,
		manager: billing.Actor{Tenant: tenant, AccountID: managerID}, sites: sites, perms: perms}
	set := invoice.DefaultSettings()
	set.BillingProjectKey = "BILL"
	set.Seller = invoice.Seller{Name: "Remit Consulting LLC", Email: "billing@remit.example"}
	if _, err := setupSvc.PutSettings(ctx, b.manager, set); err != nil {
		t.Fatal(err)
	}
	cust, err := setupSvc.SaveCustomer(ctx, b.manager, invoice.Customer{Name: "Acme", JQL: "project = WORK",
		Currency: money.Currency(currency), HourlyRate: decimal.RequireFromString(rate)})
	if err != nil {
		t.Fatal(err)
	}
	b.inv, err = bill.Create(ctx, b.manager, billing.GenerateRequest{CustomerID: cust.ID, IssueDate: date("2026-11-15"),
		Period: invoice.Period{Start: date("2026-11-01"), End: date("2026-11-14")}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func date(s string) invoice.Date {
	d, err := invoice.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// meta is the metadata Remit puts on the invoice's sessions and intents.
func (b *testBundle) meta() map[string]string {
	return map[string]string{stripepay.MetaClientKey: b.tenant.ClientKey, stripepay.MetaInvoiceID: strconv.FormatInt(b.inv.ID, 10)}
}

// deliver posts a signed event to the Service as Stripe would, signed
// now by Remit's clock.
func (b *testBundle) deliver(t *testing.T, body []byte) (stripepay.Outcome, error) {
	t.Helper()
	return b.pay.HandleWebhook(b.ctx, body, stripetest.Sign(body, webhookSecret, b.clock.Now()))
}

// mustDeliver delivers and requires the outcome.
func (b *testBundle) mustDeliver(t *testing.T, body []byte, want stripepay.Outcome) {
	t.Helper()
	got, err := b.deliver(t, body)
	if err != nil || got != want {
		t.Fatalf("delivery: %v, %v; want %v", got, err, want)
	}
}

// detail is the invoice as it stands.
func (b *testBundle) detail(t *testing.T) invoice.Invoice {
	t.Helper()
	inv, err := b.billing.Detail(b.ctx, b.tenant.ClientKey, b.inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

// count runs a count query with the tenant as $1.
func (b *testBundle) count(t *testing.T, query string) int {
	t.Helper()
	var n int
	if err := b.pool.QueryRow(b.ctx, query, b.tenant.ClientKey).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// effects counts what a delivery can leave behind: payments, audit
// entries, enqueued jobs, Jira notices and Stripe rows.
type effects struct{ payments, audit, jobs, notices, events, intents int }

func (b *testBundle) effects(t *testing.T) effects {
	t.Helper()
	return effects{
		payments: b.count(t, `SELECT count(*) FROM payments WHERE client_key = $1`),
		audit:    b.count(t, `SELECT count(*) FROM audit_log WHERE client_key = $1`),
		jobs:     b.count(t, `SELECT count(*) FROM river_job WHERE strpos(args::text, $1::text) > 0`),
		notices:  b.count(t, `SELECT count(*) FROM jira_notices WHERE client_key = $1`),
		events:   b.count(t, `SELECT count(*) FROM stripe_events WHERE client_key = $1`),
		intents:  b.count(t, `SELECT count(*) FROM stripe_payments WHERE client_key = $1`),
	}
}

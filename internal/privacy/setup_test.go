package privacy_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/billing"
	"github.com/remitapp/remit/internal/clock"
	"github.com/remitapp/remit/internal/followup"
	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/jira"
	"github.com/remitapp/remit/internal/jira/jirafake"
	"github.com/remitapp/remit/internal/pgtest"
	"github.com/remitapp/remit/internal/privacy"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/secretbox"
	"github.com/remitapp/remit/internal/sitesetup"
	"github.com/remitapp/remit/internal/store"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

const (
	adminID = "557058:admin"
	devID   = "557058:dev"
)

// testBundle is one test's privacy service, with the services that fill
// a tenant's data, on a fake Jira and its own PostgreSQL database.
type testBundle struct {
	ctx   context.Context
	clock *clock.Clock
	pool  *pgxpool.Pool
	db    *store.DB
	sites *jirafake.Sites
	svc   *privacy.Service
	setup *sitesetup.Service
	bill  *billing.Service
}

func newBundle(t *testing.T) *testBundle {
	t.Helper()
	clk := clock.At(time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC))
	box, err := secretbox.New(bytes.Repeat([]byte{0x42}, secretbox.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	pool := pgtest.NewPool(t)
	db := store.New(pool, box, store.Options{Now: clk.Now})
	sites := &jirafake.Sites{Now: clk.Now}
	perms := &jira.Permissions{Clients: sites, Now: clk.Now}
	logger := slog.New(slog.DiscardHandler)
	return &testBundle{
		ctx: context.Background(), clock: clk, pool: pool, db: db, sites: sites,
		svc:   &privacy.Service{DB: db, Jira: sites, Perms: perms, Now: clk.Now, Logger: logger, Retention: 30 * 24 * time.Hour},
		setup: &sitesetup.Service{DB: db, Jira: sites, Perms: perms, Now: clk.Now, Logger: logger},
		bill:  &billing.Service{DB: db, Jira: sites, Perms: perms, Now: clk.Now, Logger: logger},
	}
}

// tenant installs a site whose administrator (by) saved settings, the
// customer Acme with rate overrides for extra accounts, an invoice of
// the dev's November work, a payment and the follow-up policy: by's
// accountId is then stored in several tables.
func (b *testBundle) tenant(t *testing.T, clientKey, by string, extra ...string) (remit.Tenant, invoice.Invoice) {
	t.Helper()
	ten, err := b.db.UpsertInstall(b.ctx, remit.Tenant{ClientKey: clientKey, AppKey: "io.remit.jira",
		BaseURL: "https://" + clientKey + ".atlassian.net", ProductType: "jira", SharedSecret: "secret-of-" + clientKey + "-0123456789abcdef"})
	if err != nil {
		t.Fatal(err)
	}
	site := b.sites.Site(clientKey)
	site.AddProject("BILL", "Task")
	site.AddProject("WORK")
	work := site.AddIssue("WORK", "Build the thing")
	site.LogWork(work, devID, time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC), 3*3600)
	site.GrantGlobal(by, jira.PermAdminister)
	site.Grant(by, "BILL", jira.PermAdministerProjects, jira.PermBrowseProjects)
	site.Grant(by, "WORK", jira.PermBrowseProjects)
	a := remit.Actor{Tenant: ten, AccountID: by}

	set := invoice.DefaultSettings()
	set.BillingProjectKey = "BILL"
	set.Seller = invoice.Seller{Name: "Remit Consulting LLC", Email: "billing@remit.example"}
	if _, err := b.setup.PutSettings(b.ctx, a, set); err != nil {
		t.Fatal(err)
	}
	overrides := map[string]decimal.Decimal{devID: decimal.RequireFromString("120")}
	for _, acct := range extra {
		overrides[acct] = decimal.RequireFromString("99")
	}
	cust, err := b.setup.SaveCustomer(b.ctx, a, invoice.Customer{Name: "Acme", JQL: "project = WORK", Currency: "USD",
		HourlyRate: decimal.RequireFromString("100"), RateOverrides: invoice.RateOverrides{Accounts: overrides}})
	if err != nil {
		t.Fatal(err)
	}
	inv, err := b.bill.Create(b.ctx, a, billing.GenerateRequest{CustomerID: cust.ID, IssueDate: date(t, "2026-11-15"),
		Period: invoice.Period{Start: date(t, "2026-11-01"), End: date(t, "2026-11-14")}})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := b.bill.RecordPayment(b.ctx, a, inv.ID, invoice.PaymentInput{Amount: "100.00",
		PaidOn: date(t, "2026-11-16"), Method: "bank-transfer"}); err != nil {
		t.Fatal(err)
	}
	if err := b.db.InTx(b.ctx, func(tx *store.Tx) error {
		return b.db.PutPolicy(b.ctx, tx, clientKey, followup.DefaultPolicy(), by)
	}); err != nil {
		t.Fatal(err)
	}
	return ten, inv
}

func date(t *testing.T, s string) invoice.Date {
	t.Helper()
	d, err := invoice.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// rowsMentioning counts, over every table of the schema, the rows whose
// text contains needle: the proof that erasure left nothing behind.
func (b *testBundle) rowsMentioning(t *testing.T, needle string) map[string]int {
	t.Helper()
	rows, err := b.pool.Query(b.ctx, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`)
	if err != nil {
		t.Fatal(err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, tb := range tables {
		var n int
		q := fmt.Sprintf(`SELECT count(*) FROM %s x WHERE x::text LIKE '%%' || $1 || '%%'`, pgx.Identifier{tb}.Sanitize())
		if err := b.pool.QueryRow(b.ctx, q, needle).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			out[tb] = n
		}
	}
	return out
}

func (b *testBundle) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := b.pool.QueryRow(b.ctx, q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

package sitesetup_test

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/clock"
	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/jira"
	"github.com/remitapp/remit/internal/jira/jirafake"
	"github.com/remitapp/remit/internal/pgtest"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/secretbox"
	"github.com/remitapp/remit/internal/sitesetup"
	"github.com/remitapp/remit/internal/store"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// Accounts of the test site: a site administrator, a manager of the
// billing project and a viewer who may only browse it.
const (
	adminID   = "557058:admin"
	managerID = "557058:manager"
	viewerID  = "557058:viewer"
)

// testBundle is one test's setup service on a fake Jira site and its own
// PostgreSQL database.
type testBundle struct {
	ctx     context.Context
	db      *store.DB
	site    *jirafake.Site
	tenant  remit.Tenant
	svc     *sitesetup.Service
	admin   sitesetup.Actor
	manager sitesetup.Actor
	viewer  sitesetup.Actor
}

// setup gives a tenant whose administrator saved settings with billing
// project BILL; projects WORK and HIDDEN exist.
func setup(t *testing.T) *testBundle {
	t.Helper()
	ctx := context.Background()
	clk := clock.At(time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC))
	box, err := secretbox.New(bytes.Repeat([]byte{0x42}, secretbox.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	db := store.New(pgtest.NewPool(t), box, store.Options{Now: clk.Now})
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
	site.GrantGlobal(adminID, jira.PermAdminister)
	site.Grant(managerID, "BILL", jira.PermAdministerProjects, jira.PermBrowseProjects)
	site.Grant(viewerID, "BILL", jira.PermBrowseProjects)
	b := &testBundle{
		ctx: ctx, db: db, site: site, tenant: tenant,
		svc: &sitesetup.Service{DB: db, Jira: sites, Perms: &jira.Permissions{Clients: sites, Now: clk.Now},
			Now: clk.Now, Logger: slog.New(slog.DiscardHandler)},
		admin:   sitesetup.Actor{Tenant: tenant, AccountID: adminID},
		manager: sitesetup.Actor{Tenant: tenant, AccountID: managerID},
		viewer:  sitesetup.Actor{Tenant: tenant, AccountID: viewerID},
	}
	set := invoice.DefaultSettings()
	set.BillingProjectKey = "BILL"
	set.Seller = invoice.Seller{Name: "Remit Consulting LLC", Email: "billing@remit.example"}
	if _, err := b.svc.PutSettings(ctx, b.admin, set); err != nil {
		t.Fatal(err)
	}
	return b
}

func requireKind(t *testing.T, err error, kind remit.Kind) {
	t.Helper()
	if !remit.IsKind(err, kind) {
		t.Fatalf("err = %v, want %v", err, kind)
	}
}

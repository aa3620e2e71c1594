package store_test

import (
	"context"
	"maps"
	"reflect"
	"slices"
	"testing"

	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// globalMethods act across tenants or on the connection itself, on purpose.
var globalMethods = []string{
	"ActiveTenants", "Close", "Enqueue", "EnqueueMany", "InTx", "Ping", "Pool", "PruneWebhookDeliveries",
	"UninstalledBefore", // the retention sweep lists every tenant past retention
	"FollowupTenants",   // the follow-up scheduler evaluates every active tenant's schedule
	"HitRateWindows",    // the customer page's limits count before a token finds its tenant
	// a Stripe refund or dispute names only its payment intent, which finds its tenant
	"StripePaymentByIntent",
}

// TestTenantIsolation gives every tenant-scoped method of *store.DB a check
// that tenant B's calls neither see nor change tenant A's rows. A new
// exported method fails the test until it is classified here, so no
// method escapes the check.
func TestTenantIsolation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const a, b = "tenant-a", "tenant-b"

	// setup seeds A (and B's tenant row) in a fresh database per check.
	setup := func(t *testing.T) env {
		e := newEnv(t, store.Options{TenantCacheTTL: 0})
		install(t, e.db, a)
		install(t, e.db, b)
		_, err := e.db.RecordWebhookDelivery(ctx, nil, a, "wh-a-only", "jira:issue_updated", e.clock.Now())
		must(t, err)
		_, err = e.db.RecordWebhookDelivery(ctx, nil, a, "wh-shared-id", "jira:issue_updated", e.clock.Now())
		must(t, err)
		for _, id := range []string{"INV-1", "INV-2"} {
			must(t, e.db.AppendAudit(ctx, nil, a, store.AuditEntry{Actor: "acc-a", Entity: "invoice", EntityID: id, Action: "create"}))
		}
		seedBilling(t, e, a)
		return e
	}
	// tenantA reads A's row straight from the database.
	tenantA := func(t *testing.T, e env) remit.Tenant {
		got, err := e.db.TenantByClientKey(ctx, a)
		must(t, err)
		return got
	}
	auditRowsOfA := func(t *testing.T, e env) int {
		return count(t, e.pool, `SELECT count(*) FROM audit_log WHERE client_key = $1`, a)
	}
	wantAuditRowsOfA := 2 + seededAuditRows

	checks := map[string]func(t *testing.T, e env){
		"UpsertInstall": func(t *testing.T, e env) {
			before := tenantA(t, e)
			re := tenantFixture(b)
			re.SharedSecret = "b-rotated"
			_, err := e.db.UpsertInstall(ctx, re)
			must(t, err)
			if after := tenantA(t, e); !reflect.DeepEqual(before, after) {
				t.Fatalf("B's re-install changed A: %+v -> %+v", before, after)
			}
		},
		"TenantByClientKey": func(t *testing.T, e env) {
			got, err := e.db.TenantByClientKey(ctx, b)
			must(t, err)
			if got.ClientKey != b || got.SharedSecret != tenantFixture(b).SharedSecret {
				t.Fatalf("B's lookup returned %q with secret %q", got.ClientKey, got.SharedSecret)
			}
		},
		"SetTenantEnabled": func(t *testing.T, e env) {
			must(t, e.db.SetTenantEnabled(ctx, b, false))
			if !tenantA(t, e).Enabled {
				t.Fatal("disabling B disabled A")
			}
		},
		"MarkTenantUninstalled": func(t *testing.T, e env) {
			must(t, e.db.MarkTenantUninstalled(ctx, b, e.clock.Now()))
			if got := tenantA(t, e); got.State != remit.TenantInstalled || got.UninstalledAt != nil {
				t.Fatal("uninstalling B uninstalled A")
			}
		},
		"RecordWebhookDelivery": func(t *testing.T, e env) {
			first, err := e.db.RecordWebhookDelivery(ctx, nil, b, "wh-shared-id", "jira:issue_updated", e.clock.Now())
			must(t, err)
			if !first {
				t.Fatal("A's delivery made B's delivery with the same identifier a duplicate")
			}
		},
		"RecordWebhookDeliveries": func(t *testing.T, e env) {
			first, err := e.db.RecordWebhookDeliveries(ctx, nil, e.clock.Now(), []store.WebhookDelivery{
				{ClientKey: b, Identifier: "wh-shared-id", Event: "jira:issue_updated"},
				{ClientKey: b, Identifier: "wh-a-only", Event: "jira:issue_updated"},
			})
			must(t, err)
			if !first[0] || !first[1] {
				t.Fatalf("A's deliveries made B's duplicates: %v", first)
			}
		},
		"WebhookPayload": func(t *testing.T, e env) {
			_, err := e.db.RecordWebhookDeliveries(ctx, nil, e.clock.Now(), []store.WebhookDelivery{{ClientKey: a, Identifier: "wh-with-body", Payload: []byte(`{"secret":"a"}`)}})
			must(t, err)
			_, err = e.db.WebhookPayload(ctx, b, "wh-with-body")
			wantKind(t, err, remit.NotFound)
		},
		"WebhookDeliverySeen": func(t *testing.T, e env) {
			seen, err := e.db.WebhookDeliverySeen(ctx, b, "wh-a-only")
			must(t, err)
			if seen {
				t.Fatal("B sees A's delivery")
			}
		},
		"AppendAudit": func(t *testing.T, e env) {
			must(t, e.db.AppendAudit(ctx, nil, b, store.AuditEntry{Actor: "acc-b", Entity: "invoice", EntityID: "INV-1", Action: "void"}))
			if n := auditRowsOfA(t, e); n != wantAuditRowsOfA {
				t.Fatalf("A has %d audit rows after B appended, want %d", n, wantAuditRowsOfA)
			}
		},
		"AuditEntries": func(t *testing.T, e env) {
			must(t, e.db.AppendAudit(ctx, nil, b, store.AuditEntry{Actor: "acc-b", Entity: "invoice", EntityID: "INV-9", Action: "create"}))
			for _, f := range []store.AuditFilter{{}, {Entity: "invoice"}, {Entity: "invoice", EntityID: "INV-1"}} {
				got, err := e.db.AuditEntries(ctx, b, f)
				must(t, err)
				for _, en := range got {
					if en.Actor != "acc-b" {
						t.Fatalf("B's audit log (filter %+v) shows A's entry %+v", f, en)
					}
				}
			}
		},
		"PurgeAudit": func(t *testing.T, e env) {
			if _, err := e.db.PurgeAudit(ctx, nil, b); err != nil {
				t.Fatal(err)
			}
			if n := auditRowsOfA(t, e); n != wantAuditRowsOfA {
				t.Fatalf("purging B left A with %d audit rows, want %d", n, wantAuditRowsOfA)
			}
		},
	}

	maps.Copy(checks, billingIsolationChecks(a, b))
	maps.Copy(checks, jiraSyncIsolationChecks(a, b))
	maps.Copy(checks, paymentIsolationChecks(a, b))
	maps.Copy(checks, forgeIsolationChecks(a, b))
	maps.Copy(checks, followupIsolationChecks(a, b))
	maps.Copy(checks, mailQuotaIsolationChecks(a, b))
	maps.Copy(checks, jiraNoticeIsolationChecks(a, b))
	maps.Copy(checks, draftIsolationChecks(a, b))
	maps.Copy(checks, correctionIsolationChecks(a, b))
	maps.Copy(checks, customerIsolationChecks(a, b))
	maps.Copy(checks, mailGroupIsolationChecks(a, b))
	maps.Copy(checks, stripeIsolationChecks(a, b))
	maps.Copy(checks, jiraBudgetIsolationChecks(a, b))

	typ := reflect.TypeFor[*store.DB]()
	for i := range typ.NumMethod() {
		name := typ.Method(i).Name
		if _, ok := checks[name]; !ok && !slices.Contains(globalMethods, name) {
			t.Errorf("method %s is neither isolation-checked nor listed as global", name)
		}
	}
	for name, check := range checks {
		if _, ok := typ.MethodByName(name); !ok {
			t.Errorf("check for %s, which *store.DB does not have", name)
			continue
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			check(t, setup(t))
		})
	}
}

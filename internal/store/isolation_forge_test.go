package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/remit"
)

// everythingOf renders every row tenant has in any table this file's
// methods touch, tenant row included.
func everythingOf(t *testing.T, e env, tenant string) string {
	t.Helper()
	var s string
	must(t, e.pool.QueryRow(context.Background(), `SELECT concat_ws(' | ',
		(SELECT t::text FROM tenants t WHERE client_key = $1),
		(SELECT string_agg(a::text, ';' ORDER BY id) FROM audit_log a WHERE client_key = $1),
		(SELECT string_agg(r::text, ';' ORDER BY account_id) FROM account_reports r WHERE client_key = $1),
		(SELECT string_agg(f::text, ';') FROM forge_tokens f WHERE client_key = $1),
		(SELECT string_agg(r::text, ';') FROM forge_retired_installations r WHERE client_key = $1))`, tenant).Scan(&s))
	return s + " | " + paymentState(t, e, tenant)
}

// forgeIsolationChecks are TestTenantIsolation's checks for Forge
// installs and tokens, personal data reporting, erasure, retention and
// export: B's calls leave every row of A as it was and show B nothing of A.
func forgeIsolationChecks(a, b string) map[string]func(t *testing.T, e env) {
	ctx := context.Background()
	guard := func(check func(t *testing.T, e env)) func(t *testing.T, e env) {
		return func(t *testing.T, e env) {
			seedPaymentsOfA(t, e, a, idOf(t, e, "invoices", a))
			must(t, e.db.SaveForgeToken(ctx, a, "https://api.test/ex/jira/cloud-a", "token-a", e.clock.Now().Add(time.Hour)))
			must(t, e.db.SetTenantCloudID(ctx, a, "cloud-a"))
			_, err := e.db.SyncAccountReports(ctx, a)
			must(t, err)
			before := everythingOf(t, e, a)
			check(t, e)
			if after := everythingOf(t, e, a); after != before {
				t.Fatalf("B's call changed A's rows:\nbefore %s\n after %s", before, after)
			}
		}
	}
	return map[string]func(t *testing.T, e env){
		"UpsertForgeInstall": guard(func(t *testing.T, e env) {
			must(t, e.db.SetTenantCloudID(ctx, b, "cloud-b"))
			got, created, err := e.db.UpsertForgeInstall(ctx, remit.Tenant{AppKey: "io.remit.jira", BaseURL: "https://b.test",
				CloudID: "cloud-b", InstallationID: "ari:cloud:ecosystem::installation/b"})
			must(t, err)
			if got.ClientKey != b || created {
				t.Fatalf("B's Forge install went to %s (created %v)", got.ClientKey, created)
			}
		}),
		"TenantByInstallationID": guard(func(t *testing.T, e env) {
			must(t, e.db.SetTenantCloudID(ctx, b, "cloud-b"))
			_, _, err := e.db.UpsertForgeInstall(ctx, remit.Tenant{AppKey: "k", BaseURL: "https://b.test", CloudID: "cloud-b", InstallationID: "inst-b"})
			must(t, err)
			got, err := e.db.TenantByInstallationID(ctx, "inst-b")
			must(t, err)
			if got.ClientKey != b {
				t.Fatalf("B's installation resolved to %s", got.ClientKey)
			}
		}),
		"FollowForgeInstallation": guard(func(t *testing.T, e env) {
			must(t, e.db.SetTenantCloudID(ctx, b, "cloud-b"))
			got, err := e.db.FollowForgeInstallation(ctx, "cloud-b", "ari:cloud:ecosystem::installation/b2")
			must(t, err)
			if got.ClientKey != b {
				t.Fatalf("B's installation moved %s", got.ClientKey)
			}
		}),
		"SaveForgeToken": guard(func(t *testing.T, e env) {
			must(t, e.db.SaveForgeToken(ctx, b, "https://api.test/ex/jira/cloud-b", "token-b", e.clock.Now().Add(2*time.Hour)))
		}),
		"ForgeToken": guard(func(t *testing.T, e env) {
			_, _, _, err := e.db.ForgeToken(ctx, b)
			wantKind(t, err, remit.NotFound)
		}),
		"SetTenantCloudID": guard(func(t *testing.T, e env) {
			must(t, e.db.SetTenantCloudID(ctx, b, "cloud-b"))
		}),
		"TenantsWithoutCloudID": guard(func(t *testing.T, e env) {
			keys, err := e.db.TenantsWithoutCloudID(ctx, tenantFixture(b).BaseURL)
			must(t, err)
			for _, k := range keys {
				if k == a {
					t.Fatalf("A (cloudId known) listed: %v", keys)
				}
			}
		}),
		"SyncAccountReports": guard(func(t *testing.T, e env) {
			_, err := e.db.SyncAccountReports(ctx, b)
			must(t, err)
			if n := count(t, e.pool, `SELECT count(*) FROM account_reports WHERE client_key = $1 AND account_id = 'acc-a'`, b); n != 0 {
				t.Fatal("B's sync registered A's account")
			}
		}),
		"AccountsDue": guard(func(t *testing.T, e env) {
			got, err := e.db.AccountsDue(ctx, b, e.clock.Now(), 90)
			must(t, err)
			if len(got) != 0 {
				t.Fatalf("B sees A's accounts %v", got)
			}
		}),
		"MarkAccountsReported": guard(func(t *testing.T, e env) {
			must(t, e.db.MarkAccountsReported(ctx, b, []string{"acc-a"}, e.clock.Now(), e.clock.Now().Add(time.Hour)))
		}),
		"EraseAccount": guard(func(t *testing.T, e env) {
			_, err := e.db.EraseAccount(ctx, b, "acc-a")
			must(t, err)
		}),
		"PurgeTenant": guard(func(t *testing.T, e env) {
			must(t, e.db.MarkTenantUninstalled(ctx, b, e.clock.Now().Add(-48*time.Hour)))
			purged, err := e.db.PurgeTenant(ctx, b, e.clock.Now())
			must(t, err)
			if !purged {
				t.Fatal("B was not purged")
			}
		}),
		"ExportTenant": guard(func(t *testing.T, e env) {
			doc, err := e.db.ExportTenant(ctx, b)
			must(t, err)
			for table, raw := range doc {
				if strings.Contains(string(raw), "acc-a") || strings.Contains(string(raw), `"`+a+`"`) {
					t.Fatalf("B's export shows A's data in %s: %s", table, raw)
				}
			}
		}),
	}
}

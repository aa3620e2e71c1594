package store_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// globalStatements are the statements in queries/*.sql that take no
// tenant, on purpose; each answers for a method in globalMethods or finds
// the tenant a Forge installation or site belongs to.
var globalStatements = map[string]string{
	"ActiveTenants":                     "every active tenant, for the sweeps",
	"FollowupTenants":                   "every active tenant's schedule, for the scheduler",
	"PruneWebhookDeliveries":            "prunes old deliveries of all tenants",
	"UninstalledBefore":                 "the retention sweep lists every tenant past retention",
	"TenantByInstallationID":            "finds the tenant of a Forge installation",
	"ForgeTenantForUpdate":              "finds the tenant of a Forge installation or site",
	"InstalledTenantByCloudIDForUpdate": "finds the tenant of a Forge site",
	"InstallationRetired":               "retired installation ids are refused whoever asks",
	"TenantsWithoutCloudID":             "finds the Connect tenants a Forge site may be",
	"CustomerLinkByHash":                "a customer page request brings only its token, which finds its tenant",
	"HitRateWindows":                    "the customer page's limits count a request before its token finds a tenant",
	"StripePaymentByIntent":             "a Stripe refund or dispute names only its payment intent, which finds its tenant",
}

// TestQueriesTakeTheTenant holds every generated statement to the tenant
// rule beside TestTenantIsolation: a statement in queries/*.sql takes the
// tenant as @client_key unless it is listed in globalStatements with its
// reason, so a new statement that forgets the tenant fails here before
// any method uses it.
func TestQueriesTakeTheTenant(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("queries", "*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no query files: %v", err)
	}
	name := regexp.MustCompile(`(?m)^-- name: (\w+) :\w+$`)
	var seen []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src := string(b)
		idx := name.FindAllStringSubmatchIndex(src, -1)
		for i, m := range idx {
			end := len(src)
			if i+1 < len(idx) {
				end = idx[i+1][0]
			}
			stmt, body := src[m[2]:m[3]], src[m[1]:end]
			seen = append(seen, stmt)
			_, global := globalStatements[stmt]
			switch takes := strings.Contains(body, "@client_key"); {
			case !takes && !global:
				t.Errorf("%s: %s does not take the tenant (@client_key) and is not listed as global", f, stmt)
			case takes && global:
				t.Errorf("%s: %s takes the tenant but is listed as global", f, stmt)
			}
		}
	}
	for stmt := range globalStatements {
		if !slices.Contains(seen, stmt) {
			t.Errorf("globalStatements lists %s, which no query file has", stmt)
		}
	}
}

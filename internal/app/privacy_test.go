package app_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/remitapp/remit/internal/apptest"
	"github.com/remitapp/remit/internal/privacy"
)

// rowsMentioning counts, over every table of the schema, the rows whose
// text contains needle: the proof that erasure left nothing behind.
func rowsMentioning(t *testing.T, s *apptest.Stack, needle string) map[string]int {
	t.Helper()
	ctx := context.Background()
	rows, err := s.Pool.Query(ctx, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`)
	must(t, err)
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	must(t, err)
	out := map[string]int{}
	for _, tb := range tables {
		var n int
		q := fmt.Sprintf(`SELECT count(*) FROM %s x WHERE x::text LIKE '%%' || $1 || '%%'`, pgx.Identifier{tb}.Sanitize())
		must(t, s.Pool.QueryRow(ctx, q, needle).Scan(&n))
		if n > 0 {
			out[tb] = n
		}
	}
	return out
}

// TestClosedAccountErasedEverywhere: a site with 122 stored accountIds is
// reported in requests of at most 90; a 429 stops the run and nothing is
// marked reported; the account Atlassian reports closed disappears from
// every table; nothing is reported again within the Cycle-Period, and
// everything still stored is reported once it has passed.
func TestClosedAccountErasedEverywhere(t *testing.T) {
	t.Parallel()
	s := startForgeStack(t, apptest.Options{})
	clock := s.Clock
	ctx := context.Background()
	const closer = "557058:closer"
	cs := s.InstallSite(t, "privacy", forgeSeed(s), closer)
	call := func(method, path string, body, out any) int { return cs.API(t, method, path, body, out).StatusCode }
	inv := configureAndInvoice(t, s, call)
	overrides := map[string]string{"alice": "120.00"}
	for i := range 120 {
		overrides[fmt.Sprintf("557058:acct-%03d", i)] = "99.00"
	}
	if code := call("POST", "/customers", map[string]any{"name": "Initech", "jql": "project = ACME", "currency": "USD", "hourlyRate": "90",
		"rateOverrides": map[string]any{"accounts": overrides}}, nil); code != 201 {
		t.Fatalf("customer: %d", code)
	}
	if code := call("POST", fmt.Sprintf("/invoices/%d/payments", inv.ID), map[string]any{"amount": "100.00", "paidOn": s.Now().UTC().Format(time.DateOnly), "method": "bank-transfer"}, nil); code != 201 && code != 200 {
		t.Fatalf("payment: %d", code)
	}
	var policy map[string]any
	if code := call("GET", "/policy", nil, &policy); code != 200 {
		t.Fatalf("policy: %d", code)
	}
	if code := call("PUT", "/policy", policy, nil); code != 200 {
		t.Fatalf("save policy: %d", code)
	}
	if rowsMentioning(t, s, closer)["followup_policies"] != 1 {
		t.Fatalf("the policy does not record who saved it: %v", rowsMentioning(t, s, closer))
	}
	if len(rowsMentioning(t, s, closer)) < 5 {
		t.Fatalf("setup stored %v, want the closer in several tables", rowsMentioning(t, s, closer))
	}
	s.Sim.SetAccountStatus(closer, "closed")
	s.Sim.SetAccountStatus("557058:acct-007", "updated")
	s.Sim.SetReportCycle("P1D")

	// A 429 with a Retry-After beyond the retry budget stops the run.
	s.Sim.ThrottleReports(1, 3600)
	_, err := s.App.Privacy.ReportTenant(ctx, cs.Inst.ClientKey)
	var later *privacy.RetryLater
	if !errors.As(err, &later) || later.After != time.Hour {
		t.Fatalf("throttled run: %v, want RetryLater of 1h", err)
	}
	if n := count(t, s, `SELECT count(*) FROM account_reports WHERE reported_at IS NOT NULL`); n != 0 {
		t.Fatalf("%d accounts marked reported after a 429", n)
	}

	rep, err := s.App.Privacy.ReportTenant(ctx, cs.Inst.ClientKey)
	must(t, err)
	if rep.Requests != 2 || rep.Accounts != 122 || len(rep.Closed) != 1 || rep.Closed[0] != closer || rep.Updated != 1 {
		t.Fatalf("report %+v, want 122 accounts in 2 requests, closer closed, one updated", rep)
	}
	reports, rejected := s.Sim.AccountReports()
	seen := map[string]bool{}
	for _, r := range reports {
		if len(r.Accounts) > 90 || r.Site != "privacy" {
			t.Fatalf("report of %d accounts to %q", len(r.Accounts), r.Site)
		}
		for _, a := range r.Accounts {
			seen[a] = true
		}
	}
	if len(seen) != 122 || rejected != 1 {
		t.Fatalf("simulator saw %d distinct accounts and %d rejections", len(seen), rejected)
	}
	if left := rowsMentioning(t, s, closer); len(left) != 0 {
		t.Fatalf("closed account still stored: %v", left)
	}
	// Money stays: the invoice and its payment are still there.
	var got invoiceResp
	if code := call("GET", fmt.Sprintf("/invoices/%d", inv.ID), nil, &got); code != 200 || got.Paid != "100.00" {
		t.Fatalf("invoice after erasure: %d %+v", code, got)
	}

	// Within the cycle nothing is reported again; after it, what is
	// still stored is, the closed account never.
	rep, err = s.App.Privacy.ReportTenant(ctx, cs.Inst.ClientKey)
	must(t, err)
	if rep.Requests != 0 {
		t.Fatalf("reported again within the cycle: %+v", rep)
	}
	clock.Advance(25 * time.Hour)
	rep, err = s.App.Privacy.ReportTenant(ctx, cs.Inst.ClientKey)
	must(t, err)
	if rep.Accounts != 121 || rep.Requests != 2 {
		t.Fatalf("next cycle: %+v, want 121 accounts in 2 requests", rep)
	}
	reports, _ = s.Sim.AccountReports()
	for _, a := range reports[len(reports)-1].Accounts {
		if a == closer {
			t.Fatal("the closed account was reported again")
		}
	}
}

// TestRetentionPurgeAndRestore: two sites uninstall; one re-installs within
// the retention period and finds its invoice again; after 31 days the other
// is purged from every table, the returning one is untouched.
func TestRetentionPurgeAndRestore(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t, apptest.Options{WithSim: true})
	clock := s.Clock
	ctx := context.Background()
	gone := s.InstallSite(t, "leaving", forgeSeed(s), admin)
	back := s.InstallSite(t, "returning", forgeSeed(s), admin)
	for _, st := range []*apptest.Site{gone, back} {
		inv := configureAndInvoice(t, s, func(method, path string, body, out any) int { return st.API(t, method, path, body, out).StatusCode })
		eventually(t, "the invoice issue", func() bool { _, ok := invoiceIssue(st.Site, inv.Number); return ok })
		must(t, st.Site.UninstallApp(ctx, appKey))
	}
	// The returning site re-installs within the period: its data is back.
	inst, err := back.Site.InstallApp(ctx, s.URL)
	must(t, err)
	back.Inst = inst
	var list struct{ Items []invoiceResp }
	if r := back.API(t, "GET", "/invoices", nil, &list); r.StatusCode != 200 || len(list.Items) != 1 {
		t.Fatalf("after re-install: %d %+v", r.StatusCode, list)
	}

	// Within the period the sweep purges nothing.
	purged, err := s.App.Privacy.PurgeExpired(ctx, clock.Now().Add(29*24*time.Hour))
	must(t, err)
	if len(purged) != 0 {
		t.Fatalf("purged %v within retention", purged)
	}
	clock.Advance(31 * 24 * time.Hour)
	purged, err = s.App.Privacy.PurgeExpired(ctx, clock.Now())
	must(t, err)
	if len(purged) != 1 || purged[0] != gone.Inst.ClientKey {
		t.Fatalf("purged %v, want only %s", purged, gone.Inst.ClientKey)
	}
	left := rowsMentioning(t, s, gone.Inst.ClientKey)
	delete(left, "river_job") // finished jobs name the tenant in their args until River prunes them
	if len(left) != 0 {
		t.Fatalf("purged tenant still has rows: %v", left)
	}
	if n := count(t, s, `SELECT count(*) FROM invoices WHERE client_key = $1`, back.Inst.ClientKey); n != 1 {
		t.Fatalf("returning tenant has %d invoices", n)
	}
}

// TestExport: an admin downloads every table of the tenant's data, without
// secrets and without another tenant's rows; a non-admin is refused.
func TestExport(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t, apptest.Options{WithSim: true})
	a := s.InstallSite(t, "exporting", forgeSeed(s), admin)
	other := s.InstallSite(t, "neighbour", forgeSeed(s), admin)
	configureAndInvoice(t, s, func(method, path string, body, out any) int { return a.API(t, method, path, body, out).StatusCode })
	configureAndInvoice(t, s, func(method, path string, body, out any) int { return other.API(t, method, path, body, out).StatusCode })

	var doc struct {
		ExportedAt string                     `json:"exportedAt"`
		Tables     map[string]json.RawMessage `json:"tables"`
	}
	r := a.API(t, "GET", "/export", nil, &doc)
	if r.StatusCode != 200 {
		t.Fatalf("export: %d %v", r.StatusCode, apptest.Problem(t, r))
	}
	var names []string
	for name, raw := range doc.Tables {
		names = append(names, name)
		var v any
		if json.Unmarshal(raw, &v) != nil {
			t.Fatalf("table %s is not JSON", name)
		}
	}
	sort.Strings(names)
	for _, want := range []string{"tenant", "settings", "customers", "invoices", "invoice_lines", "billed_worklogs", "audit_log"} {
		if _, ok := doc.Tables[want]; !ok {
			t.Fatalf("export lacks %s (has %v)", want, names)
		}
	}
	var invoices []map[string]any
	_ = json.Unmarshal(doc.Tables["invoices"], &invoices)
	if len(invoices) != 1 || invoices[0]["client_key"] != a.Inst.ClientKey {
		t.Fatalf("invoices %v", invoices)
	}
	raw, _ := json.Marshal(doc)
	for _, secret := range []string{a.Inst.SharedSecret, "shared_secret", other.Inst.ClientKey} {
		if strings.Contains(string(raw), secret) {
			t.Fatalf("export contains %q", secret)
		}
	}
	must(t, a.Site.SetPermissions("557058:viewer", nil, map[string][]string{"BILL": {"BROWSE_PROJECTS"}}))
	if r := a.As("557058:viewer").API(t, "GET", "/export", nil, nil); r.StatusCode != 403 {
		t.Fatalf("non-admin export: %d", r.StatusCode)
	}
}

// TestPrivacySweepJob runs the daily sweep as River runs it: it enqueues a
// report job per active tenant, which reports the tenant's accounts.
func TestPrivacySweepJob(t *testing.T) {
	t.Parallel()
	s := startForgeStack(t, apptest.Options{})
	cs := s.InstallSite(t, "swept", forgeSeed(s), admin)
	configureAndInvoice(t, s, func(method, path string, body, out any) int { return cs.API(t, method, path, body, out).StatusCode })
	if _, err := s.App.Jobs.Insert(context.Background(), privacy.SweepArgs{}, nil); err != nil {
		t.Fatal(err)
	}
	eventually(t, "a report from the sweep", func() bool {
		reports, _ := s.Sim.AccountReports()
		return len(reports) == 1 && reports[0].Site == "swept" && len(reports[0].Accounts) == 2 // admin and alice
	})
	eventually(t, "the report job to complete", func() bool {
		return count(t, s, `SELECT count(*) FROM river_job WHERE kind = 'privacy_report' AND state = 'completed'`) == 1
	})
}

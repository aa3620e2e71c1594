package app_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
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

// TestPrivacySweepJob runs the daily sweep as River runs it: it enqueues a
// report job per active tenant, which reports the tenant's accounts. The
// same site's administrator downloads its data over the API; a viewer may
// not. (Retention and the export's contents are the privacy package's
// tests.)
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

	var doc struct {
		Tables map[string]json.RawMessage `json:"tables"`
	}
	if r := cs.API(t, "GET", "/export", nil, &doc); r.StatusCode != 200 || len(doc.Tables["invoices"]) == 0 {
		t.Fatalf("export: %d with tables %d", r.StatusCode, len(doc.Tables))
	}
	must(t, cs.Site.SetPermissions("557058:viewer", nil, map[string][]string{"BILL": {"BROWSE_PROJECTS"}}))
	if r := cs.As("557058:viewer").API(t, "GET", "/export", nil, nil); r.StatusCode != 403 {
		t.Fatalf("non-admin export: %d", r.StatusCode)
	}
}

package privacy_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/jira"
	"github.com/remitapp/remit/internal/jira/jirafake"
	"github.com/remitapp/remit/internal/privacy"
	"github.com/remitapp/remit/internal/remit"
)

// TestClosedAccountErasedEverywhere: a site with 122 stored accountIds is
// reported in requests of at most 90; a 429 stops the run and nothing is
// marked reported; the account Atlassian reports closed disappears from
// every table while the money stays; nothing is reported again within the
// cycle period, and everything still stored is reported once it passed.
func TestClosedAccountErasedEverywhere(t *testing.T) {
	t.Parallel()
	b := newBundle(t)
	const closer = "557058:closer"
	var extra []string
	for i := range 120 {
		extra = append(extra, fmt.Sprintf("557058:acct-%03d", i))
	}
	ten, inv := b.tenant(t, "privacy", closer, extra...)
	site := b.sites.Site(ten.ClientKey)
	stored := b.rowsMentioning(t, closer)
	if stored["followup_policies"] != 1 || len(stored) < 5 {
		t.Fatalf("setup stored the closer in %v, want the policy and several other tables", stored)
	}
	site.CloseAccount(closer)
	site.UpdateAccount("557058:acct-007")

	// A 429 stops the run with its Retry-After; nothing is marked reported.
	site.FailNext(jirafake.MethodReportAccounts, jirafake.RateLimited(time.Hour))
	_, err := b.svc.ReportTenant(b.ctx, ten.ClientKey)
	var later *privacy.RetryLater
	if !errors.As(err, &later) || later.After != time.Hour {
		t.Fatalf("throttled run: %v, want RetryLater of 1h", err)
	}
	if n := b.count(t, `SELECT count(*) FROM account_reports WHERE reported_at IS NOT NULL`); n != 0 {
		t.Fatalf("%d accounts marked reported after a 429", n)
	}

	rep, err := b.svc.ReportTenant(b.ctx, ten.ClientKey)
	if err != nil {
		t.Fatal(err)
	}
	// closer, the dev and the 120 extra accounts.
	if rep.Requests != 2 || rep.Accounts != 122 || !slices.Equal(rep.Closed, []string{closer}) || rep.Updated != 1 {
		t.Fatalf("report %+v, want 122 accounts in 2 requests, closer closed, one updated", rep)
	}
	seen := map[string]bool{}
	for _, r := range site.Reported() {
		seen[r.AccountID] = true
	}
	if len(seen) != 122 || len(site.Reported()) != 122 {
		t.Fatalf("Jira saw %d accounts (%d distinct), want 122 once each", len(site.Reported()), len(seen))
	}
	if left := b.rowsMentioning(t, closer); len(left) != 0 {
		t.Fatalf("closed account still stored: %v", left)
	}
	got, err := b.db.Invoice(b.ctx, ten.ClientKey, inv.ID)
	if err != nil || got.Paid.String() != "100" {
		t.Fatalf("invoice after erasure: %v paid %s, want the payment kept", err, got.Paid)
	}

	// Within the cycle nothing is reported again; after it, what is still
	// stored is, the closed account never.
	if rep, err = b.svc.ReportTenant(b.ctx, ten.ClientKey); err != nil || rep.Requests != 0 {
		t.Fatalf("within the cycle: %+v %v", rep, err)
	}
	b.clock.Advance(jira.DefaultCyclePeriod + time.Hour)
	before := len(site.Reported())
	if rep, err = b.svc.ReportTenant(b.ctx, ten.ClientKey); err != nil || rep.Accounts != 121 || rep.Requests != 2 {
		t.Fatalf("next cycle: %+v %v, want 121 accounts in 2 requests", rep, err)
	}
	for _, r := range site.Reported()[before:] {
		if r.AccountID == closer {
			t.Fatal("the closed account was reported again")
		}
	}
}

// TestRetentionPurgeAndRestore: two sites uninstall; one re-installs
// within the retention period and finds its invoice again; after it the
// other is purged from every table, the returning one untouched.
func TestRetentionPurgeAndRestore(t *testing.T) {
	t.Parallel()
	b := newBundle(t)
	gone, _ := b.tenant(t, "leaving", adminID)
	back, _ := b.tenant(t, "returning", adminID)
	for _, ten := range []remit.Tenant{gone, back} {
		if err := b.db.MarkTenantUninstalled(b.ctx, ten.ClientKey, b.clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	b.clock.Advance(24 * time.Hour)
	if _, err := b.db.UpsertInstall(b.ctx, back); err != nil {
		t.Fatal(err)
	}

	purged, err := b.svc.PurgeExpired(b.ctx, b.clock.Now().Add(28*24*time.Hour))
	if err != nil || len(purged) != 0 {
		t.Fatalf("within retention purged %v (%v)", purged, err)
	}
	b.clock.Advance(30 * 24 * time.Hour)
	purged, err = b.svc.PurgeExpired(b.ctx, b.clock.Now())
	if err != nil || !slices.Equal(purged, []string{gone.ClientKey}) {
		t.Fatalf("purged %v (%v), want only %s", purged, err, gone.ClientKey)
	}
	left := b.rowsMentioning(t, gone.ClientKey)
	delete(left, "river_job") // finished jobs name the tenant in their args until River prunes them
	if len(left) != 0 {
		t.Fatalf("purged tenant still has rows: %v", left)
	}
	if n := b.count(t, `SELECT count(*) FROM invoices WHERE client_key = $1`, back.ClientKey); n != 1 {
		t.Fatalf("returning tenant has %d invoices", n)
	}
}

// TestExport: an administrator gets every table of the tenant's data,
// without secrets and without another tenant's rows; anyone else,
// including a request without a person, is refused.
func TestExport(t *testing.T) {
	t.Parallel()
	b := newBundle(t)
	ten, _ := b.tenant(t, "exporting", adminID)
	other, _ := b.tenant(t, "neighbour", adminID)

	tables, err := b.svc.Export(b.ctx, ten, adminID)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"tenant", "settings", "customers", "invoices", "invoice_lines", "billed_worklogs", "audit_log"} {
		var v any
		if raw, ok := tables[want]; !ok || json.Unmarshal(raw, &v) != nil {
			t.Fatalf("export lacks %s as JSON", want)
		}
	}
	var invoices []map[string]any
	if err := json.Unmarshal(tables["invoices"], &invoices); err != nil || len(invoices) != 1 || invoices[0]["client_key"] != ten.ClientKey {
		t.Fatalf("invoices %v (%v)", invoices, err)
	}
	raw, _ := json.Marshal(tables)
	for _, secret := range []string{ten.SharedSecret, "shared_secret", other.ClientKey} {
		if strings.Contains(string(raw), secret) {
			t.Fatalf("export contains %q", secret)
		}
	}
	for _, who := range []string{"557058:viewer", ""} {
		if _, err := b.svc.Export(b.ctx, ten, who); !remit.IsKind(err, remit.Forbidden) {
			t.Fatalf("export by %q: %v, want Forbidden", who, err)
		}
	}
}

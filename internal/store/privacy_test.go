package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// TestEraseAccountLeavesNoTrace seeds the account "acc-a" in every table
// that stores accountIds and checks that erasure leaves it nowhere while
// the rows themselves (and the money) stay.
func TestEraseAccountLeavesNoTrace(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e, id := billedTenant(t, "t1")
	seedPaymentsOfA(t, e, "t1", id)
	must(t, e.db.AppendAudit(ctx, nil, "t1", store.AuditEntry{Actor: "acc-b", Entity: "invoice", EntityID: "1", Action: "note",
		After: []byte(`{"recordedBy": "acc-a", "accounts": {"acc-a": "1.00"}}`)}))
	_, err := e.pool.Exec(ctx, `UPDATE customers SET rate_overrides = '{"accounts": {"acc-a": "140.00", "acc-b": "90.00"}, "projects": {}}' WHERE client_key = 't1'`)
	must(t, err)
	_, err = e.db.SyncAccountReports(ctx, "t1")
	must(t, err)
	due, err := e.db.AccountsDue(ctx, "t1", e.clock.Now(), 90)
	must(t, err)
	if len(due) != 3 || due[0].AccountID != "acc-a" || due[1].AccountID != "acc-admin" || due[2].AccountID != "acc-b" {
		t.Fatalf("due = %+v, want acc-a, acc-admin (seeded) and acc-b", due)
	}
	rowsBefore := count(t, e.pool, `SELECT (SELECT count(*) FROM audit_log) + (SELECT count(*) FROM invoices) + (SELECT count(*) FROM payments)`)

	n, err := e.db.EraseAccount(ctx, "t1", "acc-a")
	must(t, err)
	if n == 0 {
		t.Fatal("nothing erased")
	}
	if left := count(t, e.pool, `SELECT count(*) FROM (
		SELECT 1 FROM audit_log WHERE actor = 'acc-a' OR before::text LIKE '%acc-a%' OR after::text LIKE '%acc-a%'
		UNION ALL SELECT 1 FROM invoices WHERE created_by = 'acc-a'
		UNION ALL SELECT 1 FROM payments WHERE recorded_by = 'acc-a'
		UNION ALL SELECT 1 FROM settings WHERE updated_by = 'acc-a'
		UNION ALL SELECT 1 FROM customers WHERE rate_overrides::text LIKE '%acc-a%') x`); left != 0 {
		t.Fatalf("%d rows still mention acc-a", left)
	}
	if got := count(t, e.pool, `SELECT (SELECT count(*) FROM audit_log) + (SELECT count(*) FROM invoices) + (SELECT count(*) FROM payments)`); got != rowsBefore {
		t.Fatalf("erasure deleted rows: %d -> %d", rowsBefore, got)
	}
	if n := count(t, e.pool, `SELECT count(*) FROM customers WHERE rate_overrides->'accounts' ? 'acc-b'`); n != 1 {
		t.Fatal("erasing acc-a dropped acc-b's override")
	}
	_, err = e.db.SyncAccountReports(ctx, "t1")
	must(t, err)
	due, err = e.db.AccountsDue(ctx, "t1", e.clock.Now().Add(30*24*time.Hour), 90)
	must(t, err)
	if len(due) != 2 || due[0].AccountID != "acc-admin" || due[1].AccountID != "acc-b" {
		t.Fatalf("after erasure due = %+v, want acc-admin and acc-b (closed is never reported again)", due)
	}
	// The switch is per call: a plain UPDATE of the audit log is still refused.
	if _, err := e.pool.Exec(ctx, `UPDATE audit_log SET actor = 'x'`); err == nil {
		t.Fatal("audit_log accepted an UPDATE outside anonymisation")
	}
}

// TestPurgeTenantHonoursRetention: a tenant uninstalled after the cutoff
// stays, one before it goes with all its rows, one re-installed is kept.
func TestPurgeTenantHonoursRetention(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, store.Options{})
	now := e.clock.Now()
	for _, k := range []string{"old", "recent", "back"} {
		install(t, e.db, k)
		seedBilling(t, e, k)
	}
	must(t, e.db.MarkTenantUninstalled(ctx, "old", now.Add(-31*24*time.Hour)))
	must(t, e.db.MarkTenantUninstalled(ctx, "recent", now.Add(-29*24*time.Hour)))
	must(t, e.db.MarkTenantUninstalled(ctx, "back", now.Add(-40*24*time.Hour)))
	install(t, e.db, "back")
	cutoff := now.Add(-30 * 24 * time.Hour)
	keys, err := e.db.UninstalledBefore(ctx, cutoff)
	must(t, err)
	if len(keys) != 1 || keys[0] != "old" {
		t.Fatalf("UninstalledBefore = %v, want [old]", keys)
	}
	for _, k := range []string{"old", "recent", "back"} {
		_, err := e.db.PurgeTenant(ctx, k, cutoff)
		must(t, err)
	}
	if n := count(t, e.pool, `SELECT count(*) FROM tenants WHERE client_key = 'old'`) +
		count(t, e.pool, `SELECT count(*) FROM invoices WHERE client_key = 'old'`) +
		count(t, e.pool, `SELECT count(*) FROM audit_log WHERE client_key = 'old'`); n != 0 {
		t.Fatalf("old tenant left %d rows", n)
	}
	for _, k := range []string{"recent", "back"} {
		if _, err := e.db.TenantByClientKey(ctx, k); err != nil {
			t.Fatalf("%s purged: %v", k, err)
		}
	}
	_, err = e.db.TenantByClientKey(ctx, "old")
	wantKind(t, err, remit.NotFound)
}

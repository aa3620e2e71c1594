package store_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

func TestAppendAndListAudit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, store.Options{})
	install(t, e.db, "site-a")

	explicit := time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)
	must(t, e.db.AppendAudit(ctx, nil, "site-a", store.AuditEntry{
		Actor: "acc-1", Entity: "invoice", EntityID: "INV-1", Action: "create",
		After: json.RawMessage(`{"total":"10.00"}`),
	}))
	must(t, e.db.InTx(ctx, func(tx *store.Tx) error {
		return e.db.AppendAudit(ctx, tx, "site-a", store.AuditEntry{
			At: explicit, Actor: "acc-2", Entity: "invoice", EntityID: "INV-1", Action: "void",
			Before: json.RawMessage(`{"status":"open"}`), After: json.RawMessage(`{"status":"void"}`),
		})
	}))
	must(t, e.db.AppendAudit(ctx, nil, "site-a", store.AuditEntry{Actor: "system", Entity: "tenant", Action: "install"}))

	all, err := e.db.AuditEntries(ctx, "site-a", store.AuditFilter{})
	must(t, err)
	if len(all) != 3 {
		t.Fatalf("got %d entries, want 3", len(all))
	}
	if !all[0].At.Equal(e.clock.Now()) || !all[1].At.Equal(explicit) {
		t.Errorf("timestamps: %v, %v", all[0].At, all[1].At)
	}
	if all[0].Before != nil || string(all[0].After) != `{"total": "10.00"}` {
		t.Errorf("entry 0 before %s after %s", all[0].Before, all[0].After)
	}
	if all[1].Action != "void" || all[1].Actor != "acc-2" || string(all[1].Before) != `{"status": "open"}` {
		t.Errorf("entry 1 = %+v", all[1])
	}

	inv, err := e.db.AuditEntries(ctx, "site-a", store.AuditFilter{Entity: "invoice", EntityID: "INV-1"})
	must(t, err)
	if len(inv) != 2 {
		t.Errorf("invoice INV-1 has %d entries, want 2", len(inv))
	}
	page, err := e.db.AuditEntries(ctx, "site-a", store.AuditFilter{AfterID: all[0].ID, Limit: 1})
	must(t, err)
	if len(page) != 1 || page[0].ID != all[1].ID {
		t.Errorf("keyset page = %+v, want entry %d", page, all[1].ID)
	}

	wantKind(t, e.db.AppendAudit(ctx, nil, "site-a", store.AuditEntry{Entity: "invoice"}), remit.Invalid)
	wantKind(t, e.db.AppendAudit(ctx, nil, "no-such-tenant", store.AuditEntry{Actor: "a", Entity: "b", Action: "c"}), remit.NotFound)
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, store.Options{})
	install(t, e.db, "site-a")
	must(t, e.db.AppendAudit(ctx, nil, "site-a", store.AuditEntry{Actor: "a", Entity: "invoice", EntityID: "1", Action: "create"}))

	for _, stmt := range []string{
		`UPDATE audit_log SET actor = 'forged'`,
		`DELETE FROM audit_log`,
		`TRUNCATE audit_log`,
	} {
		_, err := e.pool.Exec(ctx, stmt)
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: err = %v, want the append-only guard", stmt, err)
		}
	}
	// The purge switch is per transaction: setting it in one does not open
	// the table for the next.
	must(t, pgx.BeginFunc(ctx, e.pool, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `SELECT set_config('remit.allow_purge', 'on', true)`)
		return err
	}))
	if _, err := e.pool.Exec(ctx, `DELETE FROM audit_log`); err == nil {
		t.Error("DELETE allowed after another transaction set the purge switch")
	}
	if n := count(t, e.pool, `SELECT count(*) FROM audit_log`); n != 1 {
		t.Fatalf("audit_log has %d rows, want 1", n)
	}
}

func TestPurgeAudit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, store.Options{})
	for _, k := range []string{"site-a", "site-b"} {
		install(t, e.db, k)
		for range 3 {
			must(t, e.db.AppendAudit(ctx, nil, k, store.AuditEntry{Actor: "a", Entity: "invoice", Action: "create"}))
		}
	}
	n, err := e.db.PurgeAudit(ctx, nil, "site-a")
	must(t, err)
	if n != 3 {
		t.Fatalf("purged %d, want 3", n)
	}
	if left := count(t, e.pool, `SELECT count(*) FROM audit_log WHERE client_key = 'site-b'`); left != 3 {
		t.Fatalf("site-b has %d entries left, want 3", left)
	}
	// The purge did not leave the switch on for the session.
	if _, err := e.pool.Exec(ctx, `DELETE FROM audit_log`); err == nil {
		t.Fatal("DELETE allowed after a purge")
	}
}

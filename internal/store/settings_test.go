package store_test

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

func TestSettingsRoundTripAndAudit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, store.Options{})
	install(t, e.db, "t1")

	if _, ok, err := e.db.GetSettings(ctx, "t1"); err != nil || ok {
		t.Fatalf("GetSettings before any save = ok %v, err %v; want not saved", ok, err)
	}

	s := invoice.DefaultSettings()
	s.BillingProjectKey = "BILL"
	s.Timezone = "America/New_York"
	s.RoundingMinutes = 15
	s.Seller = invoice.Seller{Name: "Remit Consulting", Address: "1 Main St\nSpringfield", TaxID: "US-123", Email: "billing@remit.example"}
	must(t, e.db.PutSettings(ctx, nil, "t1", s, "acc-admin"))
	got, ok, err := e.db.GetSettings(ctx, "t1")
	must(t, err)
	if !ok || !reflect.DeepEqual(got, s) {
		t.Fatalf("GetSettings = %+v (ok %v), want %+v", got, ok, s)
	}

	e.clock.Advance(time.Hour)
	s2 := s
	s2.PaymentTermsDays = 45
	s2.NumberFormat = "R-{YY}{MM}-{SEQ:3}"
	must(t, e.db.InTx(ctx, func(tx *store.Tx) error { return e.db.PutSettings(ctx, tx, "t1", s2, "acc-other") }))
	got, _, err = e.db.GetSettings(ctx, "t1")
	must(t, err)
	if !reflect.DeepEqual(got, s2) {
		t.Fatalf("after update GetSettings = %+v, want %+v", got, s2)
	}

	entries, err := e.db.AuditEntries(ctx, "t1", store.AuditFilter{Entity: "settings"})
	must(t, err)
	if len(entries) != 2 {
		t.Fatalf("%d settings audit entries, want 2", len(entries))
	}
	first, second := entries[0], entries[1]
	if first.Action != "create" || first.Before != nil || first.Actor != "acc-admin" {
		t.Errorf("first entry %+v, want a create by acc-admin with no before", first)
	}
	if second.Action != "update" || second.Actor != "acc-other" || !second.At.Equal(e.clock.Now()) {
		t.Errorf("second entry %+v, want an update by acc-other at %v", second, e.clock.Now())
	}
	var before, after invoice.Settings
	must(t, json.Unmarshal(second.Before, &before))
	must(t, json.Unmarshal(second.After, &after))
	if !reflect.DeepEqual(before, s) || !reflect.DeepEqual(after, s2) {
		t.Fatalf("audit before/after = %+v / %+v", before, after)
	}
}

func TestPutSettingsRollsBackWithCallersTransaction(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, store.Options{})
	install(t, e.db, "t1")
	err := e.db.InTx(ctx, func(tx *store.Tx) error {
		must(t, e.db.PutSettings(ctx, tx, "t1", invoice.DefaultSettings(), "acc-admin"))
		return errRollback
	})
	if err != errRollback {
		t.Fatalf("InTx = %v", err)
	}
	if _, ok, _ := e.db.GetSettings(ctx, "t1"); ok {
		t.Fatal("settings survive a rolled-back transaction")
	}
	if n := count(t, e.pool, `SELECT count(*) FROM audit_log WHERE entity = 'settings'`); n != 0 {
		t.Fatalf("%d audit entries survive a rolled-back transaction", n)
	}
}

func TestPutSettingsUnknownTenant(t *testing.T) {
	t.Parallel()
	e := newEnv(t, store.Options{})
	wantKind(t, e.db.PutSettings(context.Background(), nil, "nobody", invoice.DefaultSettings(), "acc"), remit.NotFound)
}

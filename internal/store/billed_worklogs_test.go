package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/remitapp/remit/internal/store"
)

// TestBilledWorklogsNameAnInvoice holds billed_worklogs to what its foreign
// key guaranteed before the check became one per statement (migration
// 00027): every row names an existing invoice of its own tenant, by INSERT,
// COPY or UPDATE; the invoice cannot be deleted while a transaction that
// bills against it is open; deleting an invoice releases its worklogs.
func TestBilledWorklogsNameAnInvoice(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, store.Options{})
	install(t, e.db, "t1")
	install(t, e.db, "t2")
	c := createCustomer(t, e.db, "t1", customerFixture("Acme"))
	inv := insertInvoice(t, e.db, "t1", c, "INV-1", worklogsFixture(100, 4, 2))
	other := insertInvoice(t, e.db, "t1", c, "INV-2", worklogsFixture(200, 2, 1))

	fkViolation := func(t *testing.T, err error) {
		t.Helper()
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "23503" {
			t.Fatalf("got %v, want a foreign key violation (23503)", err)
		}
	}
	insert := `INSERT INTO billed_worklogs (client_key, worklog_id, invoice_id, issue_id, seconds) VALUES ($1, $2, $3, '10', 60)`
	t.Run("no such invoice", func(t *testing.T) {
		_, err := e.pool.Exec(ctx, insert, "t1", 900, inv.ID+1000)
		fkViolation(t, err)
	})
	t.Run("another tenant's invoice", func(t *testing.T) {
		_, err := e.pool.Exec(ctx, insert, "t2", 901, inv.ID)
		fkViolation(t, err)
	})
	t.Run("one bad row among good ones, by COPY", func(t *testing.T) {
		rows := [][]any{{"t1", int64(902), inv.ID, "10", int64(60)}, {"t1", int64(903), inv.ID + 1000, "10", int64(60)}}
		_, err := e.pool.CopyFrom(ctx, pgx.Identifier{"billed_worklogs"},
			[]string{"client_key", "worklog_id", "invoice_id", "issue_id", "seconds"}, pgx.CopyFromRows(rows))
		fkViolation(t, err)
		if n := count(t, e.pool, `SELECT count(*) FROM billed_worklogs WHERE worklog_id IN (902, 903)`); n != 0 {
			t.Fatalf("%d rows of the refused COPY were kept", n)
		}
	})
	t.Run("moved to no invoice", func(t *testing.T) {
		_, err := e.pool.Exec(ctx, `UPDATE billed_worklogs SET invoice_id = $1 WHERE client_key = 't1' AND invoice_id = $2`, inv.ID+1000, other.ID)
		fkViolation(t, err)
	})

	t.Run("invoice held while billed against", func(t *testing.T) {
		tx, err := e.pool.Begin(ctx)
		must(t, err)
		defer func() { _ = tx.Rollback(ctx) }()
		_, err = tx.Exec(ctx, insert, "t1", 904, other.ID)
		must(t, err)
		conn, err := e.pool.Acquire(ctx)
		must(t, err)
		defer conn.Release()
		_, err = conn.Exec(ctx, `SET lock_timeout = '300ms'`)
		must(t, err)
		_, err = conn.Exec(ctx, `DELETE FROM invoices WHERE client_key = 't1' AND id = $1`, other.ID)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "55P03" {
			t.Fatalf("deleting an invoice another transaction bills against: %v, want to wait for it (lock timeout 55P03)", err)
		}
		_, err = conn.Exec(ctx, `RESET lock_timeout`)
		must(t, err)
	})

	t.Run("deleting an invoice releases its worklogs", func(t *testing.T) {
		before := count(t, e.pool, `SELECT count(*) FROM billed_worklogs WHERE client_key = 't1' AND invoice_id = $1`, inv.ID)
		if before != 4 {
			t.Fatalf("invoice bills %d worklogs, want 4", before)
		}
		_, err := e.pool.Exec(ctx, `DELETE FROM invoices WHERE client_key = 't1' AND id = $1`, inv.ID)
		must(t, err)
		if n := count(t, e.pool, `SELECT count(*) FROM billed_worklogs WHERE client_key = 't1' AND invoice_id = $1`, inv.ID); n != 0 {
			t.Fatalf("%d billed worklogs outlived their invoice", n)
		}
		if n := count(t, e.pool, `SELECT count(*) FROM billed_worklogs WHERE client_key = 't1' AND invoice_id = $1`, other.ID); n != 2 {
			t.Fatalf("another invoice's billed worklogs went too: %d left, want 2", n)
		}
		tx, err := e.pool.Begin(ctx) // as a tenant's data is deleted: its audit first
		must(t, err)
		_, err = tx.Exec(ctx, `SELECT remit_purge_audit('t1')`)
		must(t, err)
		_, err = tx.Exec(ctx, `DELETE FROM tenants WHERE client_key = 't1'`)
		must(t, err)
		must(t, tx.Commit(ctx))
		if n := count(t, e.pool, `SELECT count(*) FROM billed_worklogs`); n != 0 {
			t.Fatalf("%d billed worklogs outlived their tenant", n)
		}
	})
}

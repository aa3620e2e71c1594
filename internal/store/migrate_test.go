package store_test

import (
	"context"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/remitapp/remit/internal/pgtest"
	"github.com/remitapp/remit/internal/store"
	"github.com/remitapp/remit/migrations"
)

func tableExists(t *testing.T, pool *pgxpool.Pool, name string) bool {
	t.Helper()
	var ok bool
	if err := pool.QueryRow(context.Background(), `SELECT to_regclass($1) IS NOT NULL`, name).Scan(&ok); err != nil {
		t.Fatal(err)
	}
	return ok
}

func TestMigrateDownAndUpAgain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.NewPool(t)
	tables := []string{"tenants", "webhook_deliveries", "audit_log", "river_job"}

	must(t, store.MigrateDownAll(ctx, pool))
	for _, tbl := range tables {
		if tableExists(t, pool, tbl) {
			t.Errorf("table %s survives migrating down", tbl)
		}
	}
	if n := count(t, pool, `SELECT count(*) FROM pg_proc WHERE proname LIKE 'remit\_%'`); n != 0 {
		t.Errorf("%d remit_ functions survive migrating down", n)
	}
	current, _, err := store.MigrationStatus(ctx, pool)
	if err == nil || !strings.Contains(err.Error(), "river") {
		t.Errorf("MigrationStatus on an empty schema: err = %v, want river migrations pending", err)
	}
	if current != 0 {
		t.Errorf("current = %d after migrating down, want 0", current)
	}

	must(t, store.Migrate(ctx, pool, nil))
	for _, tbl := range tables {
		if !tableExists(t, pool, tbl) {
			t.Errorf("table %s missing after migrating up again", tbl)
		}
	}
	// A second run is a no-op.
	must(t, store.Migrate(ctx, pool, nil))
	current, latest, err := store.MigrationStatus(ctx, pool)
	must(t, err)
	if current != latest {
		t.Errorf("MigrationStatus = %d/%d after Migrate", current, latest)
	}
}

func TestMigrationStatusLatestMatchesFiles(t *testing.T) {
	t.Parallel()
	latest, err := store.LatestMigration()
	must(t, err)
	if latest < 3 {
		t.Fatalf("LatestMigration = %d, want at least 3 (tenants, webhook_deliveries, audit_log)", latest)
	}
	pool := pgtest.NewPool(t)
	ctx := context.Background()
	// Pretend the last migration is not applied: status must say so.
	if _, err := pool.Exec(ctx, `DELETE FROM goose_db_version WHERE version_id = $1`, latest); err != nil {
		t.Fatal(err)
	}
	current, gotLatest, err := store.MigrationStatus(ctx, pool)
	must(t, err)
	versions := migrationVersions(t)
	previous := versions[len(versions)-2] // numbers may have gaps
	if gotLatest != latest || current != previous {
		t.Fatalf("MigrationStatus = (%d, %d), want (%d, %d)", current, gotLatest, previous, latest)
	}
}

// migrationVersions lists the embedded migrations' version numbers in order.
func migrationVersions(t *testing.T) []int64 {
	t.Helper()
	names, err := fs.Glob(migrations.FS, "*.sql")
	must(t, err)
	var out []int64
	for _, n := range names {
		v, err := strconv.ParseInt(n[:strings.IndexByte(n, '_')], 10, 64)
		must(t, err)
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}

func TestMigrateConcurrently(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.NewPool(t)
	must(t, store.MigrateDownAll(ctx, pool))

	const n = 3
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { errs[i] = store.Migrate(ctx, pool, nil) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Migrate #%d: %v", i, err)
		}
	}
	current, latest, err := store.MigrationStatus(ctx, pool)
	must(t, err)
	if current != latest {
		t.Fatalf("after concurrent Migrate: %d/%d", current, latest)
	}
	if got, want := count(t, pool, `SELECT count(*) FROM goose_db_version WHERE version_id > 0`), len(migrationVersions(t)); got != want {
		t.Fatalf("goose_db_version has %d rows, want %d (a migration ran twice?)", got, want)
	}
}

func TestSchemaFingerprintStable(t *testing.T) {
	t.Parallel()
	a, err := store.SchemaFingerprint()
	must(t, err)
	b, err := store.SchemaFingerprint()
	must(t, err)
	if a != b || len(a) != 64 {
		t.Fatalf("SchemaFingerprint = %q then %q", a, b)
	}
}

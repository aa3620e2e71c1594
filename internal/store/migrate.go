package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/remitapp/remit/migrations"
)

// migrateLockKey is the pg_advisory_lock key that serialises Migrate across
// processes ("remitmig" in ASCII), so replicas starting together, or test
// binaries sharing one server, never run the same migration twice.
const migrateLockKey int64 = 0x72656d69746d6967

// gooseTable is goose's version table; MigrationStatus reads it directly so
// that a readiness probe never creates it.
const gooseTable = "goose_db_version"

// Migrate brings the schema up to date: Remit's embedded goose migrations,
// then River's. It is idempotent and holds a session advisory lock on a
// connection of its own for the whole run, so concurrent callers wait and
// then find nothing left to do.
func Migrate(ctx context.Context, pool *pgxpool.Pool, logger *slog.Logger) error {
	const op = "store.Migrate"
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	lockConn, err := pgx.ConnectConfig(ctx, pool.Config().ConnConfig.Copy())
	if err != nil {
		return fmt.Errorf("%s: connect for lock: %w", op, err)
	}
	defer lockConn.Close(context.WithoutCancel(ctx)) // closing releases the lock too
	if _, err := lockConn.Exec(ctx, `SELECT pg_advisory_lock($1)`, migrateLockKey); err != nil {
		return fmt.Errorf("%s: take lock: %w", op, err)
	}

	sqlDB := stdlib.OpenDBFromPool(pool)
	defer sqlDB.Close()
	provider, err := newGooseProvider(sqlDB)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	results, err := provider.Up(ctx)
	if err != nil {
		return fmt.Errorf("%s: remit migrations: %w", op, err)
	}
	for _, r := range results {
		logger.InfoContext(ctx, "migration applied",
			slog.String("line", "remit"), slog.Int64("version", r.Source.Version),
			slog.String("file", r.Source.Path), slog.Duration("duration", r.Duration))
	}

	migrator, err := newRiverMigrator(pool, logger)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	res, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return fmt.Errorf("%s: river migrations: %w", op, err)
	}
	for _, v := range res.Versions {
		logger.InfoContext(ctx, "migration applied",
			slog.String("line", "river"), slog.Int("version", v.Version),
			slog.String("name", v.Name), slog.Duration("duration", v.Duration))
	}

	if _, err := lockConn.Exec(ctx, `SELECT pg_advisory_unlock($1)`, migrateLockKey); err != nil {
		return fmt.Errorf("%s: release lock: %w", op, err)
	}
	return nil
}

// MigrationStatus reports the applied and the latest embedded Remit
// migration version, for /readyz and `remit migrate -status`. It only
// reads. It fails when River's own migrations are not all applied, since
// the job queue cannot work then. Its SQL, like Migrate's lock, stays
// hand-written: goose's table is not part of the schema sqlc reads.
func MigrationStatus(ctx context.Context, pool *pgxpool.Pool) (current, latest int64, err error) {
	const op = "store.MigrationStatus"
	latest, err = LatestMigration()
	if err != nil {
		return 0, 0, fmt.Errorf("%s: %w", op, err)
	}
	var exists bool
	if err := pool.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL`, gooseTable).Scan(&exists); err != nil {
		return 0, latest, fmt.Errorf("%s: %w", op, err)
	}
	if exists {
		if err := pool.QueryRow(ctx,
			`SELECT coalesce(max(version_id), 0) FROM `+gooseTable+` WHERE is_applied`).Scan(&current); err != nil {
			return 0, latest, fmt.Errorf("%s: %w", op, err)
		}
	}
	migrator, err := newRiverMigrator(pool, nil)
	if err != nil {
		return current, latest, fmt.Errorf("%s: %w", op, err)
	}
	res, err := migrator.Validate(ctx, nil)
	if err != nil {
		return current, latest, fmt.Errorf("%s: river: %w", op, err)
	}
	if !res.OK {
		return current, latest, fmt.Errorf("%s: river migrations pending: %s", op, strings.Join(res.Messages, "; "))
	}
	return current, latest, nil
}

// LatestMigration is the highest version among the embedded migrations.
func LatestMigration() (int64, error) {
	entries, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		return 0, err
	}
	var latest int64
	for _, name := range entries {
		v, err := goose.NumericComponent(name)
		if err != nil {
			return 0, fmt.Errorf("migration %s: %w", name, err)
		}
		latest = max(latest, v)
	}
	if latest == 0 {
		return 0, errors.New("no embedded migrations")
	}
	return latest, nil
}

// newGooseProvider reads only the embedded files, never goose's global
// registry of Go migrations.
func newGooseProvider(db *sql.DB) (*goose.Provider, error) {
	return goose.NewProvider(goose.DialectPostgres, db, migrations.FS,
		goose.WithTableName(gooseTable), goose.WithDisableGlobalRegistry(true))
}

func newRiverMigrator(pool *pgxpool.Pool, logger *slog.Logger) (*rivermigrate.Migrator[pgx.Tx], error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return rivermigrate.New(riverpgxv5.New(pool), &rivermigrate.Config{Logger: logger})
}

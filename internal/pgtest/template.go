package pgtest

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/remitapp/remit/internal/store"
)

// templateLockKey serialises template creation across test binaries that
// share one server ("remittpl" in ASCII).
const templateLockKey int64 = 0x72656d697474706c

// ensureTemplate returns the name of a fully migrated template database on
// the server behind adminURL, creating it if this schema has none yet.
// It builds under a temporary name and renames at the end, so a binary
// that died half-way never leaves a broken template behind.
func ensureTemplate(ctx context.Context, adminURL string, logger *slog.Logger) (string, error) {
	fp, err := store.SchemaFingerprint()
	if err != nil {
		return "", err
	}
	name := "remit_tpl_" + fp[:16]
	building := name + "_building"

	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return "", fmt.Errorf("pgtest: connect to %s: %w", redact(adminURL), err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, templateLockKey); err != nil {
		return "", fmt.Errorf("pgtest: lock: %w", err)
	}
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return "", fmt.Errorf("pgtest: %w", err)
	}
	if exists {
		return name, nil
	}
	for _, stmt := range []string{
		`DROP DATABASE IF EXISTS ` + pgx.Identifier{building}.Sanitize() + ` WITH (FORCE)`,
		`CREATE DATABASE ` + pgx.Identifier{building}.Sanitize(),
	} {
		if _, err := conn.Exec(ctx, stmt); err != nil {
			return "", fmt.Errorf("pgtest: %s: %w", stmt, err)
		}
	}
	if err := migrateDatabase(ctx, withDatabase(adminURL, building), logger); err != nil {
		return "", err
	}
	for _, stmt := range []string{
		`ALTER DATABASE ` + pgx.Identifier{building}.Sanitize() + ` RENAME TO ` + pgx.Identifier{name}.Sanitize(),
		`ALTER DATABASE ` + pgx.Identifier{name}.Sanitize() + ` WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`,
	} {
		if _, err := conn.Exec(ctx, stmt); err != nil {
			return "", fmt.Errorf("pgtest: %s: %w", stmt, err)
		}
	}
	return name, nil
}

// migrateDatabase runs store.Migrate on one database and disconnects, since
// a database cannot be renamed or cloned while anyone is connected.
func migrateDatabase(ctx context.Context, dbURL string, logger *slog.Logger) error {
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	defer pool.Close()
	if err := store.Migrate(ctx, pool, logger); err != nil {
		return fmt.Errorf("pgtest: migrate template: %w", err)
	}
	return nil
}

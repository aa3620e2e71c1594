package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/remitapp/remit/internal/secretbox"
)

// Options tunes a DB. The zero value is usable: a discarding logger, the
// wall clock, pgxpool's default pool size and no tenant cache.
type Options struct {
	// Logger receives the store's own log lines; nil discards them.
	Logger *slog.Logger
	// Now is the clock for timestamps the store sets itself; nil means time.Now.
	Now func() time.Time
	// MaxConns caps the pool; 0 keeps pgxpool's default.
	MaxConns int32
	// TenantCacheTTL, when positive, caches TenantByClientKey results in
	// this process for that long, since every inbound request looks its
	// tenant up. Writes through this DB invalidate the entry at once; other
	// processes see changes after at most the TTL, so keep it small.
	TenantCacheTTL time.Duration
}

// DB is the handle the rest of Remit uses for persistence: a connection
// pool, the box that seals tenant secrets, and an injected clock.
type DB struct {
	pool   *pgxpool.Pool
	box    *secretbox.Box
	now    func() time.Time
	logger *slog.Logger
	cache  *tenantCache // nil when caching is off
	// jobs enqueues (see Tx); it is insert-only and never works jobs.
	jobs *river.Client[pgx.Tx]
}

// Open connects to databaseURL and checks the connection. It does not
// migrate: migrations are an explicit step (see Migrate).
func Open(ctx context.Context, databaseURL string, box *secretbox.Box, opts Options) (*DB, error) {
	if box == nil {
		return nil, errors.New("store.Open: a secretbox is required to read tenant secrets")
	}
	cfg, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		return nil, fmt.Errorf("store.Open: parse database URL: %w", err)
	}
	if opts.MaxConns > 0 {
		cfg.MaxConns = opts.MaxConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("store.Open: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("store.Open: ping: %w", err)
	}
	return newDB(pool, box, opts), nil
}

// New wraps an existing pool, for callers (and tests) that own the pool's
// life cycle. Close on the returned DB closes the pool.
func New(pool *pgxpool.Pool, box *secretbox.Box, opts Options) *DB {
	return newDB(pool, box, opts)
}

func newDB(pool *pgxpool.Pool, box *secretbox.Box, opts Options) *DB {
	db := &DB{pool: pool, box: box, now: opts.Now, logger: opts.Logger}
	if db.now == nil {
		db.now = time.Now
	}
	if db.logger == nil {
		db.logger = slog.New(slog.DiscardHandler)
	}
	if opts.TenantCacheTTL > 0 {
		db.cache = newTenantCache(opts.TenantCacheTTL, db.now)
	}
	db.jobs = newJobInserter(pool, db)
	return db
}

// Pool exposes the pool for River, which needs it to insert and work jobs.
func (db *DB) Pool() *pgxpool.Pool { return db.pool }

// Close closes the pool; it waits for acquired connections to be released.
func (db *DB) Close() { db.pool.Close() }

// Ping reports whether the database answers, for /readyz.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.pool.Ping(ctx); err != nil {
		return fmt.Errorf("store.Ping: %w", err)
	}
	return nil
}

// InTx runs fn in a unit of work (see Tx): commit when fn returns nil,
// roll back otherwise (and on panic), dropping the jobs fn enqueued. fn's
// error is returned unchanged so its kind survives.
func (db *DB) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	ptx, err := db.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("store.InTx: begin: %w", err)
	}
	defer func() {
		// Rollback after a successful commit is a no-op.
		_ = ptx.Rollback(context.WithoutCancel(ctx))
	}()
	if err := fn(&Tx{pgx: ptx, db: db, now: db.now()}); err != nil {
		return err
	}
	if err := ptx.Commit(ctx); err != nil {
		return fmt.Errorf("store.InTx: commit: %w", err)
	}
	return nil
}

// querier is what pgx.Tx and *pgxpool.Pool have in common, so that a
// method can run inside the caller's transaction or on the pool.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, rows pgx.CopyFromSource) (int64, error)
}

// on returns tx's transaction when the caller passed one, the pool
// otherwise.
func (db *DB) on(tx *Tx) querier {
	if tx != nil {
		return tx.pgx
	}
	return db.pool
}

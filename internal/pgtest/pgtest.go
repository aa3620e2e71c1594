package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// EnvDatabaseURL names a running server to use instead of starting one: a
// superuser URL (any database; NewDB creates its own next to it).
const EnvDatabaseURL = "REMIT_TEST_DATABASE_URL"

// poolMaxConns is NewPool's pool size: enough for a River client with a
// worker, small enough for many parallel tests under max_connections.
const poolMaxConns = 10

// setupTimeout bounds cluster start, template creation and each clone.
const setupTimeout = 2 * time.Minute

// server is the per-binary state: which server tests use and the admin
// pool that creates and drops their databases. A test helper package
// cannot avoid it; it is set once by Main and read by NewDB.
var server struct {
	mu       sync.Mutex
	adminURL string   // set by Main
	cluster  *Cluster // non-nil when Main started one
	admin    *pgxpool.Pool
	template string
	tplErr   error
	tplOnce  sync.Once
}

// Main is TestMain for packages that use NewDB: it picks the server
// (REMIT_TEST_DATABASE_URL or a fresh cluster), runs the tests, stops what
// it started and exits with the tests' status.
func Main(m *testing.M) {
	os.Exit(Run(m))
}

// Run is Main without the exit, for a TestMain that has more to stop
// after the tests (a stripe-mock process, say): it returns the status.
func Run(m *testing.M) int {
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	adminURL := os.Getenv(EnvDatabaseURL)
	if adminURL == "" {
		reapOrphans(scratchDir(), logger)
		ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
		c, err := StartCluster(ctx, "", logger)
		cancel()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		if err := markOwner(c); err != nil {
			fmt.Fprintln(os.Stderr, errors.Join(err, c.Stop()))
			return 1
		}
		defer func() {
			if err := c.Stop(); err != nil {
				fmt.Fprintln(os.Stderr, err)
			}
		}()
		server.cluster = c
		adminURL = c.URL("postgres")
	}
	server.mu.Lock()
	server.adminURL = adminURL
	server.mu.Unlock()
	defer func() {
		server.mu.Lock()
		defer server.mu.Unlock()
		if server.admin != nil {
			server.admin.Close()
		}
	}()
	return m.Run()
}

// NewDB creates a fresh, fully migrated database for t, cloned from the
// server's template, and drops it when t ends. It returns a superuser URL
// for it.
func NewDB(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	admin, adminURL, err := adminPool(ctx)
	if err != nil {
		t.Fatal(err)
	}
	server.tplOnce.Do(func() {
		logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
		server.template, server.tplErr = ensureTemplate(ctx, adminURL, logger)
	})
	if server.tplErr != nil {
		t.Fatal(server.tplErr)
	}
	name := "remit_test_" + randomHex(8)
	create := `CREATE DATABASE ` + pgx.Identifier{name}.Sanitize() + ` TEMPLATE ` + pgx.Identifier{server.template}.Sanitize()
	if _, err := admin.Exec(ctx, create); err != nil {
		t.Fatalf("pgtest: %s: %v", create, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
		defer cancel()
		drop := `DROP DATABASE IF EXISTS ` + pgx.Identifier{name}.Sanitize() + ` WITH (FORCE)`
		if _, err := admin.Exec(ctx, drop); err != nil {
			t.Errorf("pgtest: %s: %v", drop, err)
		}
	})
	return withDatabase(adminURL, name)
}

// NewPool is NewDB plus a pool on it, closed before the database is dropped.
func NewPool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	dbURL := NewDB(t)
	cfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	cfg.MaxConns = poolMaxConns
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// adminPool returns the pool on the server's maintenance database,
// creating it on first use.
func adminPool(ctx context.Context) (*pgxpool.Pool, string, error) {
	server.mu.Lock()
	defer server.mu.Unlock()
	if server.adminURL == "" {
		return nil, "", fmt.Errorf("pgtest: no server: call pgtest.Main from TestMain (or set %s)", EnvDatabaseURL)
	}
	if server.admin == nil {
		cfg, err := pgxpool.ParseConfig(server.adminURL)
		if err != nil {
			return nil, "", fmt.Errorf("pgtest: %s: %w", EnvDatabaseURL, err)
		}
		cfg.MaxConns = 4
		pool, err := pgxpool.NewWithConfig(ctx, cfg)
		if err != nil {
			return nil, "", fmt.Errorf("pgtest: connect to %s: %w", redact(server.adminURL), err)
		}
		server.admin = pool
	}
	return server.admin, server.adminURL, nil
}

// withDatabase returns dbURL pointing at database name instead. dbURL is a
// postgres:// URL or a key=value connection string.
func withDatabase(dbURL, name string) string {
	u, err := url.Parse(dbURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		// key=value form: a later dbname keyword overrides an earlier one.
		return dbURL + " dbname=" + name
	}
	u.Path = "/" + name
	u.RawPath = ""
	return u.String()
}

// redact hides a password in dbURL for error messages.
func redact(dbURL string) string {
	u, err := url.Parse(dbURL)
	if err != nil {
		return "(unparsable database URL)"
	}
	return u.Redacted()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

package pgtest_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/remitapp/remit/internal/pgtest"
	"github.com/remitapp/remit/internal/store"
)

func TestNewPoolIsMigrated(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	current, latest, err := store.MigrationStatus(context.Background(), pool)
	if err != nil {
		t.Fatalf("MigrationStatus: %v", err)
	}
	if current != latest || current == 0 {
		t.Fatalf("fresh database at migration %d, want latest %d", current, latest)
	}
}

func TestNewDBIsolatesTests(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a, b := pgtest.NewPool(t), pgtest.NewPool(t)
	if _, err := a.Exec(ctx, `CREATE TABLE only_in_a (x int)`); err != nil {
		t.Fatal(err)
	}
	var exists bool
	if err := b.QueryRow(ctx, `SELECT to_regclass('only_in_a') IS NOT NULL`).Scan(&exists); err != nil {
		t.Fatal(err)
	}
	if exists {
		t.Fatal("a table created in one test database is visible in another")
	}
}

func TestNewDBDroppedAtCleanup(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var name string
	t.Run("user", func(t *testing.T) {
		pool := pgtest.NewPool(t)
		if err := pool.QueryRow(ctx, `SELECT current_database()`).Scan(&name); err != nil {
			t.Fatal(err)
		}
	})
	if name == "" {
		t.Fatal("subtest did not report its database")
	}
	conn, err := pgx.Connect(ctx, pgtest.NewDB(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		t.Fatal(err)
	}
	if exists {
		t.Fatalf("database %s still exists after its test ended", name)
	}
}

// TestNewDBSpeed records how long one clone takes; the template is already
// built by then. It fails only if cloning is pathologically slow.
func TestNewDBSpeed(t *testing.T) {
	t.Parallel()
	pgtest.NewDB(t) // make sure the template exists
	const n = 5
	start := time.Now()
	for range n {
		pgtest.NewDB(t)
	}
	per := time.Since(start) / n
	t.Logf("NewDB: %v per database", per)
	if per > 5*time.Second {
		t.Fatalf("NewDB took %v per database", per)
	}
}

func TestStartClusterAndStop(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	start := time.Now()
	c, err := pgtest.StartCluster(ctx, "", nil)
	if err != nil {
		t.Fatalf("StartCluster: %v", err)
	}
	t.Logf("StartCluster: %v", time.Since(start))
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			_ = c.Stop()
		}
	})
	pool, err := pgxpool.New(ctx, c.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	var fsync string
	err = pool.QueryRow(ctx, `SHOW fsync`).Scan(&fsync)
	pool.Close()
	if err != nil {
		t.Fatalf("query the new cluster: %v", err)
	}
	if fsync != "off" {
		t.Errorf("fsync = %q, want off", fsync)
	}

	// A second handle, as pgtestserver -stop builds one, stops it.
	attached, err := pgtest.AttachCluster(c.Dir(), c.Port(), nil)
	if err != nil {
		t.Fatalf("AttachCluster: %v", err)
	}
	if err := attached.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	stopped = true
	if _, err := os.Stat(c.Dir()); !os.IsNotExist(err) {
		t.Errorf("cluster directory %s still there after Stop (stat err %v)", c.Dir(), err)
	}
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err == nil {
		conn.Close(ctx)
		t.Fatal("server still accepts connections after Stop")
	}
}

func TestAttachClusterRejectsNonCluster(t *testing.T) {
	t.Parallel()
	if _, err := pgtest.AttachCluster(t.TempDir(), 5432, nil); err == nil {
		t.Fatal("AttachCluster accepted an empty directory")
	}
}

// TestDurableClusterCommitsDurably: the durable cluster runs as production
// does, on disk, with every durability setting on.
func TestDurableClusterCommitsDurably(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, err := pgtest.StartDurableCluster(ctx, "", nil)
	if err != nil {
		t.Fatalf("StartDurableCluster: %v", err)
	}
	t.Cleanup(func() { _ = c.Stop() })
	if strings.HasPrefix(c.Dir(), "/dev/shm") {
		t.Errorf("durable cluster in memory: %s", c.Dir())
	}
	pool, err := pgxpool.New(ctx, c.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	for _, setting := range []string{"fsync", "synchronous_commit", "full_page_writes"} {
		var v string
		if err := pool.QueryRow(ctx, "SHOW "+setting).Scan(&v); err != nil {
			t.Fatal(err)
		}
		if v != "on" {
			t.Errorf("%s = %q, want on", setting, v)
		}
	}
}

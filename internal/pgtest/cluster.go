package pgtest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// portAttempts is how often StartCluster retries when the free port it
// picked was taken before the server bound it.
const portAttempts = 3

// Cluster is a PostgreSQL server started by StartCluster: a data directory
// and a postmaster listening on a loopback port, with trust auth for the
// postgres superuser. It exists only for tests and the local dev stack.
type Cluster struct {
	durable bool // fsync, synchronous commit and full-page writes on
	dir     string
	port    int
	pgCtl   string
	runAs   runAs
	logger  *slog.Logger
}

// StartCluster creates and starts a throw-away cluster in dir (a new
// temporary directory when dir is "", in memory where possible; see
// scratchDir), on a free 127.0.0.1 port, tuned for speed over durability
// (fsync off). Stop removes dir again.
func StartCluster(ctx context.Context, dir string, logger *slog.Logger) (*Cluster, error) {
	return startCluster(ctx, dir, logger, false)
}

// StartDurableCluster is StartCluster configured as production runs
// PostgreSQL: fsync, synchronous commit and full-page writes on, its
// files on disk (a new temporary directory under os.TempDir when dir is
// ""), for benchmarks whose figures must hold where commits are durable.
func StartDurableCluster(ctx context.Context, dir string, logger *slog.Logger) (*Cluster, error) {
	if dir == "" {
		d, err := os.MkdirTemp(os.TempDir(), "remit-pg-durable-")
		if err != nil {
			return nil, fmt.Errorf("pgtest: %w", err)
		}
		dir = d
	}
	return startCluster(ctx, dir, logger, true)
}

func startCluster(ctx context.Context, dir string, logger *slog.Logger, durable bool) (*Cluster, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	start := time.Now()
	initdb, err := findBinary("initdb")
	if err != nil {
		return nil, err
	}
	pgCtl, err := findBinary("pg_ctl")
	if err != nil {
		return nil, err
	}
	as, err := currentRunAs()
	if err != nil {
		return nil, err
	}
	if dir == "" {
		if dir, err = os.MkdirTemp(scratchDir(), "remit-pg-"); err != nil {
			return nil, fmt.Errorf("pgtest: %w", err)
		}
	} else if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	if dir, err = filepath.Abs(dir); err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	c := &Cluster{dir: dir, pgCtl: pgCtl, runAs: as, logger: logger, durable: durable}
	if as.uid >= 0 {
		if err := os.Chown(dir, as.uid, as.gid); err != nil {
			c.removeDir()
			return nil, fmt.Errorf("pgtest: %w", err)
		}
	}
	if err := as.run(initdb, "-D", c.dataDir(), "-U", "postgres", "--auth=trust", "--no-sync",
		"-E", "UTF8", "--locale=C", "--no-instructions"); err != nil {
		c.removeDir()
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	initDone := time.Now()
	for attempt := 1; ; attempt++ {
		if c.port, err = freePort(); err != nil {
			c.removeDir()
			return nil, err
		}
		err = c.start(ctx)
		if err == nil {
			break
		}
		if attempt == portAttempts || !strings.Contains(err.Error(), "could not bind") {
			c.removeDir()
			return nil, err
		}
	}
	logger.InfoContext(ctx, "pgtest cluster started", slog.String("dir", dir), slog.Int("port", c.port),
		slog.Duration("initdb", initDone.Sub(start)), slog.Duration("start", time.Since(initDone)))
	return c, nil
}

// AttachCluster returns a handle on a cluster that StartCluster started,
// possibly in another process, so that it can be stopped and removed.
func AttachCluster(dir string, port int, logger *slog.Logger) (*Cluster, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	pgCtl, err := findBinary("pg_ctl")
	if err != nil {
		return nil, err
	}
	as, err := currentRunAs()
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(dir, "data", "PG_VERSION")); err != nil {
		return nil, fmt.Errorf("pgtest: %s is not a cluster directory: %w", dir, err)
	}
	return &Cluster{dir: dir, port: port, pgCtl: pgCtl, runAs: as, logger: logger}, nil
}

// start runs pg_ctl start and waits until the server accepts connections.
func (c *Cluster) start(ctx context.Context) error {
	durability := "off"
	if c.durable {
		durability = "on"
	}
	opts := strings.Join([]string{
		"-p", strconv.Itoa(c.port),
		"-k", c.dir,
		"-c", "listen_addresses=127.0.0.1",
		"-c", "fsync=" + durability,
		"-c", "synchronous_commit=" + durability,
		"-c", "full_page_writes=" + durability,
		"-c", "max_connections=300",
	}, " ")
	cmd := c.runAs.command(c.pgCtl, "-D", c.dataDir(), "-l", c.logFile(), "-o", opts, "-w", "-t", "60", "start")
	out, err := cmd.CombinedOutput()
	if err != nil {
		logTail, _ := os.ReadFile(c.logFile())
		return fmt.Errorf("pgtest: pg_ctl start: %w\n%s\n%s", err, out, tail(logTail, 2000))
	}
	if err := ctx.Err(); err != nil {
		return errors.Join(err, c.pgCtlStop())
	}
	return nil
}

// URL is a superuser connection URL for database db on this cluster.
func (c *Cluster) URL(db string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.User("postgres"),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(c.port)),
		Path:     "/" + db,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// Dir is the directory holding the data directory, socket and log.
func (c *Cluster) Dir() string { return c.dir }

// Port is the loopback TCP port the server listens on.
func (c *Cluster) Port() int { return c.port }

// Stop shuts the server down at once (no checkpoint: the data is thrown
// away) and removes the cluster directory.
func (c *Cluster) Stop() error {
	err := c.pgCtlStop()
	c.removeDir()
	c.logger.Info("pgtest cluster stopped", slog.String("dir", c.dir), slog.Int("port", c.port))
	return err
}

func (c *Cluster) pgCtlStop() error {
	if _, err := os.Stat(filepath.Join(c.dataDir(), "postmaster.pid")); errors.Is(err, os.ErrNotExist) {
		return nil // not running
	}
	if err := c.runAs.run(c.pgCtl, "-D", c.dataDir(), "-m", "immediate", "-w", "stop"); err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	return nil
}

func (c *Cluster) removeDir() {
	if err := os.RemoveAll(c.dir); err != nil {
		c.logger.Warn("pgtest: remove cluster directory", slog.String("dir", c.dir), slog.Any("error", err))
	}
}

func (c *Cluster) dataDir() string { return filepath.Join(c.dir, "data") }
func (c *Cluster) logFile() string { return filepath.Join(c.dir, "postgres.log") }

// freePort asks the kernel for an unused loopback port.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pgtest: find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// tail returns at most the last n bytes of b, for error messages.
func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

package benchkit

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// RestartPostgres restarts the throw-away cluster in dataDir with
// `pg_ctl restart -m fast` (as the postgres user when run as root): every connection is cut, as when a managed
// database fails over, and the server comes back on the same port.
func RestartPostgres(ctx context.Context, dataDir string) error {
	pgCtl, err := pgBinary("pg_ctl")
	if err != nil {
		return err
	}
	// The server's output goes to the cluster's log, never to a pipe of
	// ours: the restarted postmaster keeps it open, and reading it would
	// wait for as long as the server runs.
	logPath := filepath.Join(filepath.Dir(dataDir), "postgres.log")
	args := []string{pgCtl, "restart", "-D", dataDir, "-l", logPath, "-m", "fast", "-w", "-t", "60"}
	if os.Geteuid() == 0 {
		// PostgreSQL refuses root; the throw-away cluster runs as postgres.
		args = append([]string{"runuser", "-u", "postgres", "--"}, args...)
	}
	if err := exec.CommandContext(ctx, args[0], args[1:]...).Run(); err != nil {
		return fmt.Errorf("pg_ctl restart (log: %s): %w", logPath, err)
	}
	return nil
}

// pgBinary finds a PostgreSQL server program: on PATH, or in the
// newest /usr/lib/postgresql/<version>/bin.
func pgBinary(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	for i := len(dirs) - 1; i >= 0; i-- {
		p := filepath.Join(dirs[i], name)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s not found (PATH: %s)", name, strings.TrimSpace(os.Getenv("PATH")))
}

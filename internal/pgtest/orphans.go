package pgtest

import (
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// ownerFile, inside a cluster directory, holds the pid of the test binary
// that started the cluster. A binary killed mid-run (a panic, a -timeout)
// never reaches its deferred Stop; the next Main finds the dead owner and
// stops and removes the cluster. Clusters without the file, such as
// pgtestserver's, are never touched.
const ownerFile = "owner.pid"

// markOwner records this process as the cluster's owner.
func markOwner(c *Cluster) error {
	return os.WriteFile(filepath.Join(c.dir, ownerFile), []byte(strconv.Itoa(os.Getpid())), 0o644)
}

// reapOrphans stops clusters under parent whose owning process is gone.
func reapOrphans(parent string, logger *slog.Logger) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	dirs, _ := filepath.Glob(filepath.Join(parent, "remit-pg-*"))
	for _, dir := range dirs {
		b, err := os.ReadFile(filepath.Join(dir, ownerFile))
		if err != nil {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || pid <= 0 || alive(pid) {
			continue
		}
		c, err := AttachCluster(dir, 0, logger)
		if err != nil {
			continue
		}
		if err := c.Stop(); err != nil {
			logger.Warn("pgtest: stop orphaned cluster", slog.String("dir", dir), slog.Any("error", err))
			continue
		}
		logger.Info("pgtest: stopped orphaned cluster", slog.String("dir", dir), slog.Int("dead_owner", pid))
	}
}

// alive reports whether a process with pid exists (EPERM means it does but
// belongs to someone else).
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

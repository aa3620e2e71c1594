package pgtest_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/remitapp/remit/internal/pgtest"
)

func TestReapOrphans(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	orphan, err := pgtest.StartCluster(ctx, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	owned, err := pgtest.StartCluster(ctx, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = orphan.Stop(); _ = owned.Stop() })

	// The orphan's owner is a process that has exited; the other one is owned
	// by this test binary, which is alive.
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(orphan.Dir(), "owner.pid"), []byte(strconv.Itoa(dead.Process.Pid)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := pgtest.MarkOwner(owned); err != nil {
		t.Fatal(err)
	}

	pgtest.ReapOrphans(filepath.Dir(orphan.Dir()), nil)

	if _, err := os.Stat(orphan.Dir()); !os.IsNotExist(err) {
		t.Errorf("orphaned cluster %s not removed (stat err %v)", orphan.Dir(), err)
	}
	if _, err := os.Stat(owned.Dir()); err != nil {
		t.Errorf("cluster with a live owner was removed: %v", err)
	}
}

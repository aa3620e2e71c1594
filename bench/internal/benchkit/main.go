package benchkit

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/remitapp/remit/internal/pgtest"
)

// Main runs a bench program's run until it returns or the program is
// interrupted, logging at level to stderr and printing results to stdout;
// an error ends the program with status 1.
func Main(name string, level slog.Level, run func(ctx context.Context, out io.Writer, logger *slog.Logger) error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	err := run(ctx, os.Stdout, logger)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, name+":", err)
		os.Exit(1)
	}
}

// Workspace is what a run of remit serve replicas stands on: a work
// directory (replica logs), a freshly built remit binary, and a throw-away
// PostgreSQL cluster with one database.
type Workspace struct {
	Dir, Bin, DBURL string
	Cluster         *pgtest.Cluster
	keep            bool
}

// NewWorkspace builds it; keep leaves the work directory behind on Close.
func NewWorkspace(ctx context.Context, prefix, database string, keep bool, logger *slog.Logger) (w *Workspace, err error) {
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		return nil, err
	}
	w = &Workspace{Dir: dir, keep: keep}
	defer func() {
		if err != nil {
			w.Close()
		}
	}()
	root, err := ModuleRoot()
	if err != nil {
		return nil, err
	}
	if w.Bin, err = BuildRemit(ctx, root, dir); err != nil {
		return nil, err
	}
	if w.Cluster, err = pgtest.StartCluster(ctx, "", logger); err != nil {
		return nil, err
	}
	if w.DBURL, err = CreateDatabase(ctx, w.Cluster.URL("postgres"), database); err != nil {
		return nil, err
	}
	return w, nil
}

// Close stops the cluster and removes the work directory unless kept.
func (w *Workspace) Close() {
	if w.Cluster != nil {
		_ = w.Cluster.Stop()
	}
	if !w.keep {
		_ = os.RemoveAll(w.Dir)
	}
}

// StartFleet starts cfg's replicas on the workspace: its binary, its
// work directory and its database.
func (w *Workspace) StartFleet(ctx context.Context, cfg FleetConfig) (*Fleet, error) {
	cfg.Bin, cfg.Dir, cfg.DBURL = w.Bin, w.Dir, w.DBURL
	return StartFleet(ctx, cfg)
}

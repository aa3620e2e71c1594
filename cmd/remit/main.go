// Command remit is the Remit service: `serve` (HTTP and background
// workers, the default) and `migrate` (apply database migrations).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/remitapp/remit/internal/app"
	"github.com/remitapp/remit/internal/config"
	"github.com/remitapp/remit/internal/store"
)

const usage = `usage: remit [serve|migrate|followup|manifest|healthcheck] [flags]

  serve     serve HTTP and run background workers (default)
  migrate   apply database migrations and exit
  followup  plan|run --tenant K --as-of T: what the follow-up engine does at an instant
  manifest  write the Forge manifest generated from atlassian-connect.json
  healthcheck  exit 0 when the local Remit answers /healthz (the image has no curl)

Configuration comes from the environment; see README.md.`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "remit:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, args, stderr)
	case "migrate":
		return migrate(ctx, args, stderr)
	case "followup":
		return followup(ctx, args, os.Stdout, stderr)
	case "manifest":
		return manifest(args, os.Stdout, stderr)
	case "healthcheck":
		return healthcheck(ctx, os.Getenv("REMIT_LISTEN"))
	case "help", "-h", "--help":
		fmt.Fprintln(stderr, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n%s", cmd, usage)
}

func newLogger(w io.Writer, level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("-log-level: %w", err)
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l})), nil
}

func serve(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	level := fs.String("log-level", "info", "debug, info, warn or error")
	grace := fs.Duration("grace", 25*time.Second, "how long in-flight requests and jobs get to finish on shutdown")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := config.OS(config.Need{Database: true, Secrets: true})
	if err != nil {
		return err
	}
	logger, err := newLogger(stderr, *level)
	if err != nil {
		return err
	}
	a, err := app.New(ctx, cfg, logger, app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return err
	}
	ops, err := net.Listen("tcp", cfg.OpsListen)
	if err != nil {
		ln.Close()
		return fmt.Errorf("REMIT_OPS_LISTEN: %w", err)
	}
	return a.Run(ctx, ln, ops, *grace)
}

func migrate(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := config.OS(config.Need{Database: true})
	if err != nil {
		return err
	}
	logger, err := newLogger(stderr, "info")
	if err != nil {
		return err
	}
	pool, err := pgxpool.New(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	if err := store.Migrate(ctx, pool, logger); err != nil {
		return err
	}
	current, latest, err := store.MigrationStatus(ctx, pool)
	if err != nil {
		return err
	}
	if current != latest {
		return errors.New("migrations did not reach the latest version")
	}
	logger.Info("migrations applied", slog.Int64("version", current))
	return nil
}

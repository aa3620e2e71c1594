// Command pgtestserver starts a throw-away PostgreSQL cluster for a whole
// `make test` run, so that every test package shares one server (and one
// migrated template) instead of starting its own.
//
//	eval "$(go run ./internal/pgtest/cmd/pgtestserver -state .pgtest.json)"
//	go test ./...
//	go run ./internal/pgtest/cmd/pgtestserver -stop .pgtest.json
//
// Started, it prints REMIT_TEST_DATABASE_URL=... on stdout and records the
// cluster in the state file; the server keeps running after it exits.
// With -stop it stops that cluster, removes its directory and the state
// file.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/remitapp/remit/internal/pgtest"
)

// state is what -state writes and -stop reads back.
type state struct {
	Dir  string `json:"dir"`
	Port int    `json:"port"`
	URL  string `json:"url"`
}

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "pgtestserver:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("pgtestserver", flag.ContinueOnError)
	fs.SetOutput(stderr)
	statePath := fs.String("state", "", "start a cluster and record it in this file")
	stopPath := fs.String("stop", "", "stop the cluster recorded in this file and remove it")
	dir := fs.String("dir", "", "directory for the cluster (default: a new temporary directory)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	switch {
	case *statePath != "" && *stopPath != "":
		return errors.New("use either -state or -stop, not both")
	case *statePath != "":
		return start(*statePath, *dir, stdout, logger)
	case *stopPath != "":
		return stop(*stopPath, logger)
	default:
		fs.Usage()
		return errors.New("one of -state or -stop is required")
	}
}

func start(statePath, dir string, stdout io.Writer, logger *slog.Logger) error {
	if _, err := os.Stat(statePath); err == nil {
		return fmt.Errorf("%s exists: a cluster may still be running; stop it with -stop %s", statePath, statePath)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := pgtest.StartCluster(ctx, dir, logger)
	if err != nil {
		return err
	}
	st := state{Dir: c.Dir(), Port: c.Port(), URL: c.URL("postgres")}
	b, err := json.MarshalIndent(st, "", "  ")
	if err == nil {
		err = os.WriteFile(statePath, append(b, '\n'), 0o600)
	}
	if err != nil {
		return errors.Join(err, c.Stop())
	}
	_, err = fmt.Fprintf(stdout, "%s=%s\n", pgtest.EnvDatabaseURL, st.URL)
	return err
}

func stop(statePath string, logger *slog.Logger) error {
	b, err := os.ReadFile(statePath)
	if err != nil {
		return err
	}
	var st state
	if err := json.Unmarshal(b, &st); err != nil {
		return fmt.Errorf("%s: %w", statePath, err)
	}
	c, err := pgtest.AttachCluster(st.Dir, st.Port, logger)
	if err != nil {
		return err
	}
	if err := c.Stop(); err != nil {
		return err
	}
	return os.Remove(statePath)
}

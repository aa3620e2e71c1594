// Command devstack is what `make run` starts: a throw-away PostgreSQL
// cluster, the Jira simulator with a seeded demo site, and Remit itself,
// installed into the simulator through a real signed install. Ctrl-C
// stops everything and removes the temporary directory.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/remitapp/remit/internal/app"
	"github.com/remitapp/remit/internal/clock"
	"github.com/remitapp/remit/internal/config"
	"github.com/remitapp/remit/internal/demohost"
	"github.com/remitapp/remit/internal/jirasim"
	"github.com/remitapp/remit/internal/pgtest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "devstack:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("devstack", flag.ContinueOnError)
	remitAddr := fs.String("remit", "127.0.0.1:8080", "address Remit listens on")
	jiraAddr := fs.String("jira", "127.0.0.1:9090", "address the Jira simulator listens on")
	verbose := fs.Bool("v", false, "log every request")
	if err := fs.Parse(args); err != nil {
		return err
	}
	level := slog.LevelWarn
	if *verbose {
		level = slog.LevelInfo
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	dir, err := os.MkdirTemp("", "remit-devstack-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	// PostgreSQL runs as its own user when we are root; it must be able
	// to reach its data directory inside ours.
	if err := os.Chmod(dir, 0o755); err != nil {
		return err
	}

	fmt.Fprintln(stdout, "starting PostgreSQL…")
	cluster, err := pgtest.StartCluster(ctx, filepath.Join(dir, "pg"), logger)
	if err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	defer cluster.Stop()
	dbURL, err := createDatabase(ctx, cluster, "remit")
	if err != nil {
		return err
	}

	jiraLn, err := net.Listen("tcp", *jiraAddr)
	if err != nil {
		return fmt.Errorf("jira simulator: %w (is something else on %s? pass -jira)", err, *jiraAddr)
	}
	remitLn, err := net.Listen("tcp", *remitAddr)
	if err != nil {
		return fmt.Errorf("remit: %w (is something else on %s? pass -remit)", err, *remitAddr)
	}
	opsLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("remit ops listener: %w", err)
	}
	simURL, remitURL := "http://"+jiraLn.Addr().String(), "http://"+remitLn.Addr().String()
	opsURL := "http://" + opsLn.Addr().String()

	// One clock for the demo: REMIT_CLOCK_OFFSET (e.g. 720h) moves Remit,
	// the simulated Jira and the seeded dates together.
	offset, err := time.ParseDuration(or(os.Getenv("REMIT_CLOCK_OFFSET"), "0s"))
	if err != nil {
		return fmt.Errorf("REMIT_CLOCK_OFFSET must be a Go duration such as 720h: %w", err)
	}
	demoClock := clock.Offset(offset)
	sim := jirasim.New(jirasim.Options{Logger: logger, Now: demoClock.Now})
	defer sim.Close()
	sim.SetURL(simURL)
	// The pages a person opens: a simplified Jira framing Remit's iframes.
	demo := demohost.Mount(sim, logger)
	site, err := sim.SeedDemo()
	if err != nil {
		return fmt.Errorf("seed demo site: %w", err)
	}
	// Remit's follow-up e-mails go to a mail server of the demo's own,
	// which shows them at /_mail on the simulator's address.
	mb, err := startMailbox()
	if err != nil {
		return fmt.Errorf("mail server: %w", err)
	}
	defer mb.Close()
	mux := http.NewServeMux()
	mux.Handle("GET /_mail", mb)
	mux.Handle("/", sim.Handler())
	simSrv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = simSrv.Serve(jiraLn) }()
	defer simSrv.Close()

	env := map[string]string{
		"REMIT_ENV":              "dev",
		"DATABASE_URL":           dbURL,
		"REMIT_BASE_URL":         remitURL,
		"REMIT_LISTEN":           remitLn.Addr().String(),
		"REMIT_OPS_LISTEN":       opsLn.Addr().String(),
		"REMIT_CONNECT_KEYS_URL": simURL + "/connect-install-keys",
		"REMIT_CONNECT_JS_URL":   demo.ConnectJSURL(),
		"REMIT_DEV_KEY_FILE":     filepath.Join(dir, "dev-key"),
		"REMIT_SMTP_URL":         mb.URL(),
		"REMIT_MAIL_FROM":        "billing@engines.example",
		"REMIT_CLOCK_OFFSET":     offset.String(),
		// The demo's site and Forge gateway are the simulator.
		"REMIT_JIRA_HOSTS":      simURL,
		"REMIT_FORGE_API_HOSTS": simURL,
	}
	cfg, err := config.FromEnv(func(k string) string { return env[k] }, config.Need{Database: true, Secrets: true})
	if err != nil {
		return err
	}
	a, err := app.New(ctx, cfg, logger, app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- a.Run(runCtx, remitLn, opsLn, 10*time.Second) }()

	if err := waitReady(ctx, opsURL+"/readyz"); err != nil {
		return err
	}
	if err := site.MakeSiteAdmin(demoAdmin); err != nil {
		return err
	}
	inst, err := site.InstallApp(ctx, remitURL)
	if err != nil {
		return fmt.Errorf("install Remit into the simulator: %w", err)
	}
	fmt.Fprintln(stdout, "seeding the demo: settings, a customer and an overdue invoice…")
	invoiceIssue, err := seedDemo(ctx, remitURL, inst, demoClock.Now().UTC())
	if err != nil {
		return fmt.Errorf("seed the demo through Remit's API: %w", err)
	}

	fmt.Fprintf(stdout, `
Remit is running.

  Remit                %s   (descriptor: %s/atlassian-connect.json)
  Remit ops            %s/metrics, %s/readyz
  Jira simulator       %s
  demo site            %s   (installed as clientKey %s)
  PostgreSQL           %s

Open Jira's issue view with Remit's panel (an overdue invoice):

  %s/browse/%s

  invoices page        %s/projects/BILL/remit
  work issue           %s/browse/ACME-1
  Remit settings       %s/admin/remit
  e-mails Remit sent   %s/_mail

Press Ctrl-C to stop; everything lives in %s and is removed on exit.
`, remitURL, remitURL, opsURL, opsURL, simURL, site.BaseURL(), inst.ClientKey, dbURL,
		site.BaseURL(), invoiceIssue, site.BaseURL(), site.BaseURL(), site.BaseURL(), simURL, dir)

	select {
	case <-ctx.Done():
	case err := <-done:
		if err != nil {
			return err
		}
		return errors.New("remit stopped unexpectedly")
	}
	fmt.Fprintln(stdout, "\nstopping…")
	cancel()
	return <-done
}

func createDatabase(ctx context.Context, c *pgtest.Cluster, name string) (string, error) {
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return "", err
	}
	return c.URL(name), nil
}

func waitReady(ctx context.Context, url string) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	return fmt.Errorf("remit did not become ready at %s", url)
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

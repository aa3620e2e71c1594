// Package apptest starts a whole Remit stack for end-to-end tests: a fresh
// PostgreSQL database, Remit itself on a loopback listener (built by
// app.New from the environment, exactly as `remit serve` builds it), and
// optionally the Jira simulator and an SMTP server.
//
// Every stack runs on one clock, shared by Remit, the simulator and the
// tokens the test signs. It starts at the wall clock moved ahead by
// REMIT_TEST_CLOCK_AHEAD (a Go duration, or whole years such as "1y" or
// "5y"), so the suite can show that nothing reads the wall clock where it
// should read Remit's.
package apptest

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river/rivertype"

	"github.com/remitapp/remit/internal/app"
	"github.com/remitapp/remit/internal/clock"
	"github.com/remitapp/remit/internal/config"
	"github.com/remitapp/remit/internal/jirasim"
	"github.com/remitapp/remit/internal/pgtest"
	"github.com/remitapp/remit/internal/smtptest"
)

// Options shape the stack.
type Options struct {
	// KeysURL overrides where install keys come from; empty means the
	// simulator's key endpoint (and so requires WithSim).
	KeysURL string
	// WithSim starts the Jira simulator.
	WithSim bool
	// Env adds or overrides environment variables for Remit's config.
	Env map[string]string
	// WrapHandler wraps Remit's HTTP handler (e.g. to serve a comparison
	// page from the same server).
	WrapHandler func(http.Handler) http.Handler
	// Clock is the stack's one clock (Remit's, the simulator's and the
	// test's tokens'); nil means NewClock.
	Clock *clock.Clock
	// Forge switches Remit's Forge entry points on (REMIT_FORGE_APP_ID,
	// with the simulator's JWKS); it implies WithSim.
	Forge bool
	// SMTP starts a test mail server and points Remit's e-mail at it.
	SMTP bool
	// LogWriter, when set, receives all of Remit's logs (debug level, JSON
	// as in production) instead of t.Log, so a test can inspect them.
	LogWriter io.Writer
}

// ForgeAppID is the Forge app id of stacks started with Forge.
const ForgeAppID = "ari:cloud:ecosystem::app/0f7a4c1e-2b6d-4e8f-9a10-5c3d2e1f0a9b"

// The host allow-lists a test stack runs with, as an operator of a
// simulator-backed deployment would set REMIT_JIRA_HOSTS and
// REMIT_FORGE_API_HOSTS.
const (
	TestJiraHosts     = "http://127.0.0.1:*,https://*.example.net,https://*.atlassian.net"
	TestForgeAPIHosts = "http://127.0.0.1:*"
)

// Stack is a running Remit with its database and, optionally, simulator.
type Stack struct {
	URL    string // Remit's base URL
	OpsURL string // Remit's ops listener: /metrics, /readyz, /healthz
	DBURL  string
	Pool   *pgxpool.Pool // a separate pool for assertions
	App    *app.App
	Sim    *jirasim.Sim
	SimURL string
	Clock  *clock.Clock
	SMTP   *smtptest.Server // nil unless Options.SMTP

	stop     context.CancelFunc
	done     chan error
	stopOnce sync.Once
	runErr   error
}

// Stop shuts Remit down as SIGTERM would and returns what Run returned.
// It is safe to call more than once; cleanup calls it too.
func (s *Stack) Stop() error {
	s.stopOnce.Do(func() {
		s.stop()
		s.runErr = <-s.done
		s.App.Close()
	})
	return s.runErr
}

// Start brings the stack up and registers its teardown with t.Cleanup.
func Start(t testing.TB, opts Options) *Stack {
	t.Helper()
	s := &Stack{DBURL: pgtest.NewDB(t)}
	ctx, cancel := context.WithCancel(context.Background())

	logger := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if os.Getenv("REMIT_TEST_VERBOSE") != "" {
		logger = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	if opts.LogWriter != nil {
		logger = slog.New(slog.NewJSONHandler(opts.LogWriter, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	if opts.Clock == nil {
		opts.Clock = NewClock(t)
	}
	s.Clock = opts.Clock
	if opts.Forge {
		opts.WithSim = true
	}

	if opts.WithSim {
		s.Sim = jirasim.New(jirasim.Options{Now: s.Clock.Now})
		srv := httptest.NewServer(s.Sim.Handler())
		s.Sim.SetURL(srv.URL)
		s.SimURL = srv.URL
		t.Cleanup(func() { srv.Close(); s.Sim.Close() })
		if opts.KeysURL == "" {
			opts.KeysURL = srv.URL + "/connect-install-keys"
		}
	}
	if opts.KeysURL == "" {
		t.Fatal("apptest: KeysURL or WithSim is required")
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.URL = "http://" + ln.Addr().String()
	ops, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.OpsURL = "http://" + ops.Addr().String()
	env := map[string]string{
		"DATABASE_URL":           s.DBURL,
		"REMIT_BASE_URL":         s.URL,
		"REMIT_ENCRYPTION_KEY":   "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
		"REMIT_CONNECT_KEYS_URL": opts.KeysURL,
		"REMIT_WORKERS":          "4",
		"REMIT_OPS_LISTEN":       ops.Addr().String(),
		// The simulator's sites and gateway are on loopback; tests install
		// hand-made sites under example.net.
		"REMIT_JIRA_HOSTS":      TestJiraHosts,
		"REMIT_FORGE_API_HOSTS": TestForgeAPIHosts,
	}
	if opts.Forge {
		env["REMIT_FORGE_APP_ID"] = ForgeAppID
		env["REMIT_FORGE_JWKS_URL"] = s.SimURL + jirasim.ForgeJWKSPath
	}
	if opts.SMTP {
		s.SMTP = smtptest.Start(t)
		env["REMIT_SMTP_URL"] = s.SMTP.URL().String()
		env["REMIT_MAIL_FROM"] = "Remit Consulting <billing@remit.example>"
	}
	for k, v := range opts.Env {
		env[k] = v
	}
	cfg, err := config.FromEnv(func(k string) string { return env[k] }, config.Need{Database: true, Secrets: true})
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(ctx, cfg, logger, app.Options{Now: s.Clock.Now, JobRetryPolicy: fastRetries{}, SyncRecheck: 200 * time.Millisecond, WrapHandler: opts.WrapHandler})
	if err != nil {
		t.Fatal(err)
	}
	s.App = a
	s.stop, s.done = cancel, make(chan error, 1)
	go func() { s.done <- a.Run(ctx, ln, ops, 5*time.Second) }()
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Errorf("remit stopped with error: %v", err)
		}
	})

	s.Pool, err = pgxpool.New(context.Background(), s.DBURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Pool.Close)
	waitReady(t, s.OpsURL)
	return s
}

func waitReady(t testing.TB, base string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("remit at %s never became ready", base)
}

// testWriter sends log output to t.Log so it shows only for failing tests.
type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(string(p))
	return len(p), nil
}

// Now is the stack's clock reading.
func (s *Stack) Now() time.Time { return s.Clock.Now() }

// fastRetries retries failed jobs after 100 ms × attempt (at most 1 s), so
// fault tests finish in seconds; River's scheduler still only promotes
// retryable jobs every few seconds. River schedules on the database's
// clock, not Remit's, so the retry instant is on the wall clock.
type fastRetries struct{}

func (fastRetries) NextRetry(job *rivertype.JobRow) time.Time {
	return time.Now().Add(min(time.Duration(job.Attempt)*100*time.Millisecond, time.Second))
}

// Package app builds Remit's object graph from a Config: the one place
// where storage, jobs, the Connect protocol and the HTTP edge are wired.
// cmd/remit and the end-to-end tests both use it.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/riverqueue/river"

	"github.com/remitapp/remit/frontend"
	"github.com/remitapp/remit/internal/billing"
	"github.com/remitapp/remit/internal/clock"
	"github.com/remitapp/remit/internal/config"
	"github.com/remitapp/remit/internal/connect"
	"github.com/remitapp/remit/internal/customerportal"
	"github.com/remitapp/remit/internal/followupengine"
	"github.com/remitapp/remit/internal/httpapi"
	"github.com/remitapp/remit/internal/jira"
	"github.com/remitapp/remit/internal/jirasync"
	"github.com/remitapp/remit/internal/jobs"
	"github.com/remitapp/remit/internal/mail"
	"github.com/remitapp/remit/internal/privacy"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/secretbox"
	"github.com/remitapp/remit/internal/sitesetup"
	"github.com/remitapp/remit/internal/store"
	"github.com/remitapp/remit/internal/stripepay"
	"github.com/remitapp/remit/internal/webhook"
)

// Version is the build's version, set with -ldflags "-X .../app.Version=…".
var Version = "dev"

// Options are the seams tests use; production passes the zero value.
// None of them switches a part of Remit off: a test stack is the graph
// `remit serve` builds, on the test's clock and with shorter waits.
type Options struct {
	// Now is Remit's one clock; nil means the wall clock moved by
	// REMIT_CLOCK_OFFSET.
	Now        func() time.Time
	HTTPClient *http.Client // for fetching install keys; default has a timeout
	Registry   *prometheus.Registry
	// WrapHandler, when set, wraps the HTTP handler (tests mount a
	// comparison page on the same server).
	WrapHandler func(http.Handler) http.Handler
	// JobRetryPolicy overrides River's retry spacing (tests shorten it).
	JobRetryPolicy river.ClientRetryPolicy
	// SyncRecheck is how long the Jira sync waits before looking again for
	// an issue whose create answer was lost (default 15 s, for Jira's
	// search index to catch up).
	SyncRecheck time.Duration
}

// App is a running Remit: HTTP edge plus background workers.
type App struct {
	Config  config.Config
	Logger  *slog.Logger
	DB      *store.DB
	Jobs    *river.Client[pgx.Tx]
	Server  *httpapi.Server
	Jira    *jira.Factory     // signed, rate-limit-aware clients per tenant
	Perms   *jira.Permissions // cached permission checks
	Billing *billing.Service
	Setup   *sitesetup.Service // settings and customers
	Privacy *privacy.Service   // personal data reporting, retention, export
	// Customers is the customer page's use cases (SPEC §15).
	Customers *customerportal.Service
	Registry  *prometheus.Registry
	Intake    *webhook.Intake // group-commits webhook deliveries; closed after HTTP drains
	now       func() time.Time
	wrap      func(http.Handler) http.Handler
	jobStats  *jobMetrics

	// Followups is the follow-up engine (sweeps, action jobs, schedule).
	Followups *followupengine.Engine
	// Stripe is card payment (Pay now); nil without REMIT_STRIPE_SECRET_KEY.
	Stripe *stripepay.Service
	// heartbeat is what the Forge scheduled trigger runs (SetHeartbeat).
	heartbeat atomic.Pointer[func(ctx context.Context, t remit.Tenant) error]
}

// New connects to the database, migrates it and builds the graph. It
// starts nothing; Run does.
func New(ctx context.Context, cfg config.Config, logger *slog.Logger, opts Options) (*App, error) {
	if opts.Now == nil {
		opts.Now = clock.Offset(cfg.ClockOffset).Now
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if opts.Registry == nil {
		opts.Registry = prometheus.NewRegistry()
		opts.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	key := cfg.EncryptionKey
	if key == nil {
		var err error
		if key, err = secretbox.DevKey(cfg.DevKeyPath); err != nil {
			return nil, fmt.Errorf("dev encryption key: %w", err)
		}
		logger.Warn("using a local development encryption key", slog.String("path", cfg.DevKeyPath))
	}
	box, err := secretbox.New(key)
	if err != nil {
		return nil, err
	}
	db, err := store.Open(ctx, cfg.DatabaseURL, box, store.Options{Logger: logger, Now: opts.Now, TenantCacheTTL: 5 * time.Second})
	if err != nil {
		return nil, err
	}
	if err := store.Migrate(ctx, db.Pool(), logger); err != nil {
		db.Close()
		return nil, err
	}
	descriptor, err := connect.RenderDescriptor(connect.DescriptorTemplate, cfg.AppKey, cfg.BaseURL.String())
	if err != nil {
		db.Close()
		return nil, err
	}

	jiraClients := &jira.Factory{
		AppKey:  cfg.AppKey,
		Version: Version,
		HTTP:    &http.Client{Transport: http.DefaultTransport},
		Metrics: jira.NewMetrics(opts.Registry),
		Logger:  logger,
		Now:     opts.Now,
		Forge:   db, // Forge-only tenants: bearer system tokens instead of JWT
		// Each tenant's own request budget, under Jira's per-tenant
		// points quota: one tenant's backlog never spends another's. The
		// budget is kept in the database, so it is the tenant's total
		// across replicas.
		TenantRate: cfg.JiraTenantRate, TenantBurst: cfg.JiraTenantBurst, Budget: db,
	}
	perms := &jira.Permissions{Clients: jiraClients, Now: opts.Now}
	bill := &billing.Service{DB: db, Jira: jiraClients, Perms: perms, Now: opts.Now, Logger: logger}
	set := &sitesetup.Service{DB: db, Jira: jiraClients, Perms: perms, Now: opts.Now, Logger: logger}
	priv := &privacy.Service{DB: db, Jira: jiraClients, Perms: perms, Now: opts.Now, Logger: logger,
		Retention: time.Duration(cfg.RetentionDays) * 24 * time.Hour}
	followups, err := newFollowups(cfg, db, jiraClients, bill, perms, opts, logger)
	if err != nil {
		db.Close()
		return nil, err
	}
	var pay *stripepay.Service
	if cfg.Stripe.On() {
		pay, err = stripepay.New(stripepay.Config{SecretKey: cfg.Stripe.SecretKey, WebhookSecret: cfg.Stripe.WebhookSecret,
			APIURL: cfg.Stripe.APIURL}, db, bill, opts.Now, logger)
		if err != nil {
			db.Close()
			return nil, err
		}
	}
	// The customer page (SPEC §15). Its Checkout, the card payment
	// provider, is Stripe when REMIT_STRIPE_SECRET_KEY is set; without it
	// the page offers the bank transfer only. (Only a non-nil provider is
	// assigned: a nil *stripepay.Service would be a non-nil interface.)
	customers := &customerportal.Service{DB: db, Billing: bill, BaseURL: cfg.BaseURL, Now: opts.Now, Logger: logger}
	if pay != nil {
		customers.Checkout = pay
	}
	followups.Links = customers
	workers := river.NewWorkers()
	river.AddWorker(workers, &followupengine.ActionWorker{Engine: followups})
	river.AddWorker(workers, &followupengine.ReleaseWorker{Engine: followups})
	river.AddWorker(workers, &followupengine.SweepWorker{Engine: followups})
	river.AddWorker(workers, &followupengine.ScheduleWorker{Engine: followups})
	river.AddWorker(workers, &billing.SendWorker{Service: bill, Links: customers, Mail: followups.Mail, MailDomain: followups.MailDomain,
		MailDailyLimit: cfg.MailTenantDailyLimit})
	river.AddWorker(workers, &privacy.SweepWorker{Service: priv})
	river.AddWorker(workers, &privacy.ReportWorker{Service: priv})
	river.AddWorker(workers, &jirasync.Worker{DB: db, Jira: jiraClients, Now: opts.Now, Logger: logger, Recheck: opts.SyncRecheck,
		Recorded: followups.Metrics.TransitionRecorded})
	river.AddWorker(workers, &jirasync.OverdueWorker{DB: db, Now: opts.Now})
	webhooks := jobs.NewWebhookWorker(logger)
	webhooks.LoadPayloadsFrom(db)
	river.AddWorker(workers, webhooks)
	jobs.AddPruneWorker(workers, db, opts.Now, logger)
	periodic := append(jobs.PeriodicJobs(), privacy.PeriodicJobs()...)
	periodic = append(periodic, followupengine.PeriodicJobs()...)
	client, err := jobs.NewClient(db.Pool(), workers, jobs.Config{
		Logger:       logger,
		Concurrency:  cfg.Workers,
		PeriodicJobs: periodic,
		RetryPolicy:  opts.JobRetryPolicy,
		// A killed replica's running jobs are retried by the others after this.
		RescueStuckJobsAfter: cfg.RescueStuckAfter,
	})
	if err != nil {
		db.Close()
		return nil, err
	}

	a := &App{Config: cfg, Logger: logger, DB: db, Jobs: client, Jira: jiraClients, Perms: perms, Billing: bill, Setup: set, Privacy: priv, Customers: customers,
		Followups: followups, Stripe: pay, Intake: &webhook.Intake{DB: db, Now: opts.Now}, Registry: opts.Registry, now: opts.Now,
		jobStats: newJobMetrics(opts.Registry, opts.Now), wrap: opts.WrapHandler}
	webhooks.OnProcessed(a.jobStats.webhookProcessed)
	a.SetHeartbeat(followups.Heartbeat)
	// Jira's webhooks drive payments, voids and review flags (SPEC §6);
	// the worker has not started yet, so registering here is in time.
	for event, h := range a.Billing.WebhookHandlers() {
		webhooks.Handle(event, func(ctx context.Context, w jobs.WebhookArgs) error { return h(ctx, w.ClientKey, w.Payload) })
	}
	a.Server = httpapi.New(httpapi.Deps{
		Logger:     logger,
		Now:        opts.Now,
		AppKey:     cfg.AppKey,
		BaseURL:    cfg.BaseURL,
		Descriptor: descriptor,
		Requests:   &connect.Verifier{Tenants: db, BasePath: cfg.BaseURL.Path, Now: opts.Now},
		Installs: &connect.InstallVerifier{
			Keys:    &connect.KeyFetcher{URL: cfg.ConnectKeysURL, Client: opts.HTTPClient, Now: opts.Now},
			BaseURL: cfg.BaseURL.String(),
			Now:     opts.Now,
		},
		Tenants:  db,
		Webhooks: a.Intake,
		Billing:  a.Billing,
		Setup:    a.Setup,
		Ready:    a.ready,
		Registry: opts.Registry,

		ConnectJSURL: cfg.ConnectJSURL,
		Assets:       frontend.Assets(),
		RateLimit:    httpapi.RateLimit{PerSecond: cfg.APIRate, Burst: cfg.APIBurst},
		Forge:        a.forgeEdge(db, opts.HTTPClient),
		Export:       priv.Export,
		Followups:    followups,

		JiraHosts: cfg.JiraHosts,
		Customers: customers,
		Stripe:    pay,

		TrustedProxies: cfg.TrustedProxies,
		RateWindows:    db,
	})
	return a, nil
}

// newFollowups builds the follow-up engine; e-mail is on when
// REMIT_SMTP_URL is set.
func newFollowups(cfg config.Config, db *store.DB, clients jira.Sites, bill *billing.Service, perms *jira.Permissions,
	opts Options, logger *slog.Logger) (*followupengine.Engine, error) {
	e := &followupengine.Engine{DB: db, Jira: clients, Billing: bill, Perms: perms, Now: opts.Now, Logger: logger,
		Metrics: followupengine.NewMetrics(opts.Registry), MailDailyLimit: cfg.MailTenantDailyLimit}
	if cfg.SMTPURL == nil {
		return e, nil
	}
	sender, err := mail.New(mail.Config{URL: cfg.SMTPURL, From: cfg.MailFrom}, logger)
	if err != nil {
		return nil, err
	}
	e.Mail = sender
	if _, domain, ok := strings.Cut(cfg.MailFrom, "@"); ok {
		e.MailDomain = strings.Trim(domain, "> ")
	}
	return e, nil
}

func (a *App) ready(ctx context.Context) error {
	if err := a.DB.Ping(ctx); err != nil {
		return errors.New("database unreachable")
	}
	current, latest, err := store.MigrationStatus(ctx, a.DB.Pool())
	if err != nil {
		return errors.New("migration status unknown")
	}
	if current < latest {
		return fmt.Errorf("migrations pending: at %d of %d", current, latest)
	}
	return nil
}

// Run serves the public HTTP surface on public and the operator's
// endpoints (/metrics, /readyz, /healthz) on ops, and runs the workers
// until ctx ends, then drains: in-flight requests get up to grace to
// finish, running jobs likewise. A nil ops serves no operator endpoints
// beyond the public /healthz.
func (a *App) Run(ctx context.Context, public, ops net.Listener, grace time.Duration) error {
	h := a.Server.Handler()
	if a.wrap != nil {
		h = a.wrap(h)
	}
	srv := httpapi.NewHTTPServer(public.Addr().String(), h)
	stopJobStats := a.jobStats.watch(a.Jobs)
	defer stopJobStats()
	if err := a.Jobs.Start(ctx); err != nil {
		return fmt.Errorf("start workers: %w", err)
	}
	errc := make(chan error, 2)
	go func() { errc <- srv.Serve(public) }()
	var opsSrv *http.Server
	opsAddr := ""
	if ops != nil {
		opsSrv = httpapi.NewHTTPServer(ops.Addr().String(), a.Server.OpsHandler())
		opsAddr = ops.Addr().String()
		go func() { errc <- opsSrv.Serve(ops) }()
	}
	a.Logger.Info("remit serving", slog.String("addr", public.Addr().String()), slog.String("ops_addr", opsAddr),
		slog.String("base_url", a.Config.BaseURL.String()))

	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-errc:
	}
	a.Logger.Info("shutting down", slog.Duration("grace", grace))
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), grace)
	defer cancel()
	err := srv.Shutdown(shutdownCtx)
	a.Intake.Close() // every request the server drained has its delivery committed
	if err != nil {
		a.Logger.Warn("http shutdown incomplete", slog.String("error", err.Error()))
	}
	// jobs.Stop escalates to a hard stop itself; there is nothing left to do
	// with its error at this point of the shutdown.
	_ = jobs.Stop(shutdownCtx, a.Jobs)
	if opsSrv != nil {
		// Last, so metrics and readiness answer while the rest drains.
		_ = opsSrv.Shutdown(shutdownCtx)
	}
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return serveErr
	}
	return nil
}

// Now is Remit's one clock: what every part of the running graph reads.
func (a *App) Now() time.Time { return a.now() }

// Close releases the database pool.
func (a *App) Close() { a.DB.Close() }

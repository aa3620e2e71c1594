package jira

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"time"

	gojira "github.com/andygrunwald/go-jira"

	"github.com/remitapp/remit/internal/remit"
)

// maxPacers bounds the per-tenant pacing state a Factory keeps.
const maxPacers = 10000

// Factory builds a Client per tenant. It is long-lived and shared: it
// keeps each tenant's Pacer, so every client of a tenant slows down
// together when Jira says the tenant is near its limit, and a small cache
// of project key → id.
type Factory struct {
	AppKey  string       // iss of outbound tokens (REMIT_APP_KEY)
	Version string       // User-Agent remit/<Version>
	HTTP    *http.Client // its Transport is the base transport; nil means http.DefaultTransport
	Metrics *Metrics
	Logger  *slog.Logger
	Now     func() time.Time

	// Retry tuning; zero values take the RetryTransport defaults.
	MaxAttempts int
	MaxWait     time.Duration
	Timeout     time.Duration
	Sleep       func(ctx context.Context, d time.Duration) error // tests inject a recorder

	// TenantRate and TenantBurst are each tenant's request budget (see
	// Pacer.Rate); a zero TenantRate means none. Remit serves with
	// DefaultTenantRate and DefaultTenantBurst.
	TenantRate  float64
	TenantBurst int
	// Budget, when set, holds each tenant's budget for every replica
	// (store.DB), so TenantRate and TenantBurst are the tenant's total
	// across the processes serving it; nil keeps a budget per process.
	Budget SharedBudget
	// Clock is the budget's physical clock (Pacer.Clock); nil means
	// time.Now. Tests set it with Now and Sleep.
	Clock func() time.Time

	// Forge gives the system token of tenants reached only through Forge
	// (no Connect shared secret); nil means such tenants get no client.
	Forge ForgeTokens

	mu     sync.Mutex
	pacers map[string]*Pacer
	ids    projectIDCache
}

// For returns t's site, which is the Client of t.
func (f *Factory) For(t remit.Tenant) (Site, error) {
	c, err := f.Client(t)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Client returns a client for t. Uninstalled or disabled tenants get a
// Conflict error: Remit must not call a site that removed it.
func (f *Factory) Client(t remit.Tenant) (*Client, error) {
	const op = "jira.Factory.For"
	if !t.Active() {
		return nil, remit.Errorf(remit.Conflict, op, "tenant %s is not installed and enabled", t.ClientKey)
	}
	base, err := url.Parse(t.BaseURL)
	if err != nil || (base.Scheme != "https" && base.Scheme != "http") || base.Host == "" {
		return nil, remit.Errorf(remit.Invalid, op, "tenant %s has an invalid base URL", t.ClientKey)
	}
	if t.SharedSecret == "" && f.Forge != nil && t.InstallationID != "" {
		return f.forForge(t)
	}
	if t.SharedSecret == "" {
		return nil, remit.Errorf(remit.Invalid, op, "tenant %s has no shared secret", t.ClientKey)
	}
	appKey := f.AppKey
	if appKey == "" {
		appKey = t.AppKey
	}
	var baseRT http.RoundTripper
	var checkRedirect func(*http.Request, []*http.Request) error
	if f.HTTP != nil {
		baseRT = f.HTTP.Transport
		checkRedirect = f.HTTP.CheckRedirect
	}
	logger := f.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	signing := &SigningTransport{
		Base:        baseRT,
		AppKey:      appKey,
		ClientKey:   t.ClientKey,
		Secret:      t.SharedSecret,
		SiteBaseURL: t.BaseURL,
		Now:         f.Now,
		Version:     f.Version,
	}
	retry := &RetryTransport{
		Base:        signing,
		MaxAttempts: f.MaxAttempts,
		MaxWait:     f.MaxWait,
		Timeout:     f.Timeout,
		Sleep:       f.Sleep,
		Now:         f.Now,
		Pacer:       f.pacer(t.ClientKey),
		Metrics:     f.Metrics,
		Logger:      logger.With(slog.String("client_key", t.ClientKey)),
	}
	hc := &http.Client{Transport: retry, CheckRedirect: checkRedirect}
	raw, err := gojira.NewClient(hc, t.BaseURL)
	if err != nil {
		return nil, remit.Wrap(remit.Invalid, op, err)
	}
	now := f.Now
	if now == nil {
		now = time.Now
	}
	return &Client{raw: raw, http: hc, base: base, clientKey: t.ClientKey, appKey: appKey, now: now, ids: &f.ids}, nil
}

// pacer returns the tenant's shared Pacer, dropping idle ones when the
// map is full so memory stays bounded with thousands of tenants.
func (f *Factory) pacer(clientKey string) *Pacer {
	f.mu.Lock()
	defer f.mu.Unlock()
	if p, ok := f.pacers[clientKey]; ok {
		return p
	}
	if f.pacers == nil {
		f.pacers = make(map[string]*Pacer)
	}
	if len(f.pacers) >= maxPacers {
		now := time.Now()
		if f.Now != nil {
			now = f.Now()
		}
		for k, p := range f.pacers {
			if p.idle(now) {
				delete(f.pacers, k)
			}
		}
		for k := range f.pacers { // everyone is slowed: forget arbitrary ones
			if len(f.pacers) < maxPacers {
				break
			}
			delete(f.pacers, k)
		}
	}
	p := &Pacer{Rate: f.TenantRate, Burst: f.TenantBurst, Clock: f.Clock, Shared: f.Budget, ClientKey: clientKey, Logger: f.Logger}
	f.pacers[clientKey] = p
	return p
}

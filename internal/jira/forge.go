package jira

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	gojira "github.com/andygrunwald/go-jira"

	"github.com/remitapp/remit/internal/remit"
)

// ForgeTokens gives the latest Forge system token of a tenant and the API
// base URL it is good for (app.apiBaseUrl of the FIT that brought it);
// the store implements it. remit.NotFound means there is none usable.
type ForgeTokens interface {
	ForgeToken(ctx context.Context, clientKey string) (apiBaseURL, token string, expiresAt time.Time, err error)
}

// forgeLookupTimeout bounds the token lookup For makes for a Forge tenant.
const forgeLookupTimeout = 5 * time.Second

// forForge builds the client of a tenant reached only through Forge: the
// same retry, pacing and metrics transports as a Connect client, with a
// bearer transport instead of JWT signing, aimed at the apiBaseUrl.
func (f *Factory) forForge(t remit.Tenant) (*Client, error) {
	const op = "jira.Factory.For"
	ctx, cancel := context.WithTimeout(context.Background(), forgeLookupTimeout)
	defer cancel()
	apiBase, token, _, err := f.Forge.ForgeToken(ctx, t.ClientKey)
	if remit.IsKind(err, remit.NotFound) {
		return nil, remit.Errorf(remit.Unavailable, op, "tenant %s has no current Forge system token; Jira calls wait for the next Forge invocation", t.ClientKey)
	}
	if err != nil {
		return nil, err
	}
	return f.ForForge(t, apiBase, token)
}

// ForForge returns a client for t that calls Jira at apiBaseURL with the
// Forge system token (x-forge-oauth-system) as a bearer token. For picks
// it by itself for tenants without a Connect shared secret, so domain code
// never chooses a transport.
func (f *Factory) ForForge(t remit.Tenant, apiBaseURL, token string) (*Client, error) {
	const op = "jira.Factory.ForForge"
	if !t.Active() {
		return nil, remit.Errorf(remit.Conflict, op, "tenant %s is not installed and enabled", t.ClientKey)
	}
	base, err := url.Parse(strings.TrimSuffix(apiBaseURL, "/"))
	if err != nil || (base.Scheme != "https" && base.Scheme != "http") || base.Host == "" || base.User != nil {
		return nil, remit.Errorf(remit.Invalid, op, "tenant %s has an invalid Forge API base URL", t.ClientKey)
	}
	if token == "" {
		return nil, remit.Errorf(remit.Unauthorized, op, "no Forge system token for tenant %s", t.ClientKey)
	}
	var baseRT http.RoundTripper
	var checkRedirect func(*http.Request, []*http.Request) error
	if f.HTTP != nil {
		baseRT, checkRedirect = f.HTTP.Transport, f.HTTP.CheckRedirect
	}
	bearer := &BearerTransport{Base: baseRT, Token: token, Host: base.Host, Scheme: base.Scheme, Version: f.Version}
	retry := &RetryTransport{
		Base: bearer, MaxAttempts: f.MaxAttempts, MaxWait: f.MaxWait, Timeout: f.Timeout, Sleep: f.Sleep,
		Now: f.Now, Pacer: f.pacer(t.ClientKey), Metrics: f.Metrics, Logger: f.logger(t.ClientKey),
	}
	hc := &http.Client{Transport: retry, CheckRedirect: checkRedirect}
	raw, err := gojira.NewClient(hc, base.String())
	if err != nil {
		return nil, remit.Wrap(remit.Invalid, op, err)
	}
	now := f.Now
	if now == nil {
		now = time.Now
	}
	return &Client{raw: raw, http: hc, base: base, clientKey: t.ClientKey, now: now, ids: &f.ids}, nil
}

// BearerTransport sends the Forge system token as a bearer token. Like
// SigningTransport it refuses any host but the one the token is for, so a
// redirect or a crafted path cannot hand the token to someone else.
type BearerTransport struct {
	Base    http.RoundTripper // nil means http.DefaultTransport
	Token   string
	Scheme  string // of the API base URL
	Host    string // of the API base URL
	Version string // User-Agent remit/<Version>
}

// RoundTrip implements http.RoundTripper. It never mutates req.
func (t *BearerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.Token == "" {
		closeBody(req)
		return nil, errors.New("jira: no Forge system token")
	}
	if !strings.EqualFold(req.URL.Scheme, t.Scheme) || !strings.EqualFold(req.URL.Host, t.Host) {
		closeBody(req)
		return nil, fmt.Errorf("%w: %s://%s", ErrForeignHost, req.URL.Scheme, req.URL.Host)
	}
	out := req.Clone(req.Context())
	out.Header.Set("Authorization", "Bearer "+t.Token)
	v := t.Version
	if v == "" {
		v = "dev"
	}
	out.Header.Set("User-Agent", "remit/"+v)
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	return base.RoundTrip(out)
}

func (f *Factory) logger(clientKey string) *slog.Logger {
	l := f.Logger
	if l == nil {
		l = slog.New(slog.DiscardHandler)
	}
	return l.With(slog.String("client_key", clientKey))
}

package httpapi

import (
	"context"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/remitapp/remit/internal/billing"
	"github.com/remitapp/remit/internal/connect"
	"github.com/remitapp/remit/internal/customerportal"
	"github.com/remitapp/remit/internal/followupengine"
	"github.com/remitapp/remit/internal/hostlist"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/sitesetup"
	"github.com/remitapp/remit/internal/stripepay"
)

// Tenants is what the lifecycle handlers need of tenant storage.
type Tenants interface {
	UpsertInstall(ctx context.Context, t remit.Tenant) (remit.Tenant, error)
	TenantByClientKey(ctx context.Context, clientKey string) (remit.Tenant, error)
	SetTenantEnabled(ctx context.Context, clientKey string, enabled bool) error
	MarkTenantUninstalled(ctx context.Context, clientKey string, at time.Time) error
}

// Webhooks accepts a verified delivery: it records the identifier and
// enqueues the durable job in one transaction. first is false for a
// delivery already accepted before.
type Webhooks interface {
	Accept(ctx context.Context, clientKey, identifier, event string, body []byte) (first bool, err error)
}

// Deps is everything the HTTP edge is built from; app wires it.
type Deps struct {
	Logger     *slog.Logger
	Now        func() time.Time
	AppKey     string
	BaseURL    *url.URL
	Descriptor []byte // rendered descriptor
	Requests   *connect.Verifier
	Installs   *connect.InstallVerifier
	Tenants    Tenants
	Webhooks   Webhooks
	Billing    *billing.Service
	Setup      *sitesetup.Service
	Ready      func(ctx context.Context) error
	Registry   *prometheus.Registry
	// ConnectJSURL is the Connect JavaScript API the iframe pages load
	// (REMIT_CONNECT_JS_URL); the pages' CSP allows scripts from its origin.
	ConnectJSURL string
	// Assets is the built frontend served under /static/ (frontend.Assets);
	// nil serves no pages.
	Assets fs.FS
	// RateLimit is each tenant's token bucket on the JSON API, on both of
	// its routes (zero = defaults).
	RateLimit RateLimit
	// APITimeout and WebhookTimeout bound a request's context (zero =
	// DefaultAPITimeout, DefaultWebhookTimeout).
	APITimeout, WebhookTimeout time.Duration
	// Forge is the Forge Remote surface; nil keeps it off.
	Forge *ForgeEdge
	// Export serves GET /api/v1/export; nil answers 404.
	Export Exporter
	// Followups is the follow-up engine behind /policy, /followups/run and
	// invoice timelines; nil answers 404.
	Followups *followupengine.Engine
	// JiraHosts are the sites an install's baseUrl may name
	// (REMIT_JIRA_HOSTS); the zero List refuses every install.
	JiraHosts hostlist.List
	// Customers serves the customer page /c/{token} and the panel's
	// customer links and plan requests; nil answers 404.
	Customers *customerportal.Service
	// CustomerTokenLimit and CustomerAddressLimit bound the customer page
	// per token and per client address (zero = the defaults), as fixed
	// windows of Burst requests per Burst/PerSecond.
	CustomerTokenLimit, CustomerAddressLimit RateLimit
	// RateWindows shares the customer page's limits between replicas
	// (store.DB); nil keeps them in this process.
	RateWindows RateWindows
	// Stripe records card payments from POST /webhooks/stripe; nil (no
	// REMIT_STRIPE_SECRET_KEY) leaves the route unmounted.
	Stripe *stripepay.Service
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client (REMIT_TRUSTED_PROXIES); empty ignores the header. Every
	// limit keyed on a client address reads it through echo's RealIP.
	TrustedProxies TrustedProxies
}

// Server is Remit's HTTP surface.
type Server struct {
	deps    Deps
	echo    *echo.Echo
	ops     *echo.Echo
	metrics *Metrics
	// apiLimit is the one per-tenant token bucket of the JSON API, shared
	// by its Connect and Forge routes: a tenant's budget is one budget,
	// however its pages reach Remit.
	apiLimit echo.MiddlewareFunc
}

// New builds the server and registers every route.
func New(deps Deps) *Server {
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.APITimeout <= 0 {
		deps.APITimeout = DefaultAPITimeout
	}
	if deps.WebhookTimeout <= 0 {
		deps.WebhookTimeout = DefaultWebhookTimeout
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = errorHandler(deps.Logger)
	e.IPExtractor = func(r *http.Request) string { return clientAddress(r, deps.TrustedProxies) }
	s := &Server{deps: deps, echo: e, metrics: NewMetrics(deps.Registry)}
	s.apiLimit = s.rateLimit()
	e.Use(requestIDs, observe(deps.Logger, s.metrics, deps.Now), recoverPanics(), securityHeaders, limitBody())
	s.routes()
	s.ops = s.opsRoutes()
	return s
}

// Handler is the root http.Handler of the public port.
func (s *Server) Handler() http.Handler { return s.echo }

// OpsHandler serves the operator's endpoints, on a listener of their own
// (REMIT_OPS_LISTEN) that no ingress reaches: /readyz says why a replica
// is not ready and /metrics names routes and tenants' traffic, neither of
// which the public should read.
func (s *Server) OpsHandler() http.Handler { return s.ops }

// routes registers every route, one block per surface.
func (s *Server) routes() {
	e := s.echo
	// Liveness only, for load balancers that probe the serving port; the
	// rest of operations is on the ops listener (opsRoutes).
	e.GET("/healthz", s.healthz)

	// Connect: descriptor and lifecycle (RS256 signed by Atlassian).
	e.GET("/atlassian-connect.json", s.descriptor)
	lc := e.Group("/lifecycle")
	lc.POST("/installed", s.installed)
	lc.POST("/uninstalled", s.uninstalled)
	lc.POST("/enabled", s.enabledChanged(true))
	lc.POST("/disabled", s.enabledChanged(false))

	// Jira → Remit: webhooks carry request tokens (computed qsh).
	wh := e.Group("/webhooks", withDeadline(s.deps.WebhookTimeout), s.requireToken(connect.RequestToken))
	wh.POST("/jira", s.webhook)

	// Jira → Remit: iframe pages (request tokens in ?jwt=) and their assets.
	s.pageRoutes(e)

	// Our iframes → our API: context tokens (qsh = context-qsh).
	s.apiRoutes(e.Group("/api/v1", withDeadline(s.deps.APITimeout), s.requireToken(connect.ContextToken), s.apiLimit))

	// Stripe → Remit: card payment events (Stripe-Signature).
	s.stripeRoutes(e)

	// Forge → Remit: invocation tokens (RS256 FIT) on lifecycle, events,
	// the scheduled trigger and invokeRemote calls of the same API.
	s.forgeRoutes(e)

	// Customers (no Jira account) → Remit: the customer page, opened by
	// the token in its address.
	s.customerRoutes(e)
}

// opsRoutes registers the operator's endpoints on their own router.
func (s *Server) opsRoutes() *echo.Echo {
	o := echo.New()
	o.HideBanner, o.HidePort = true, true
	o.HTTPErrorHandler = errorHandler(s.deps.Logger)
	o.Use(requestIDs, recoverPanics())
	o.GET("/healthz", s.healthz)
	o.GET("/readyz", s.readyz)
	o.GET("/metrics", echo.WrapHandler(promhttp.HandlerFor(s.deps.Registry, promhttp.HandlerOpts{})))
	return o
}

// NewHTTPServer wraps h with the timeouts a public server needs.
func NewHTTPServer(addr string, h http.Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
}

// Package config reads Remit's configuration from the environment once,
// applies defaults and validates it with messages precise enough to fix the
// deployment from the first line of the log.
package config

import (
	"encoding/base64"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/remitapp/remit/internal/hostlist"
)

// Env names the environments Remit knows. Dev relaxes what must be given
// (a local encryption key is generated) and nothing else.
type Env string

// The environments.
const (
	EnvProd Env = "prod"
	EnvDev  Env = "dev"
)

// Config is everything Remit reads from its environment.
type Config struct {
	Listen         string
	BaseURL        *url.URL
	DatabaseURL    string
	EncryptionKey  []byte // 32 bytes; nil only in dev, where a local key is used
	Env            Env
	AppKey         string
	ConnectKeysURL string
	ConnectJSURL   string
	SMTPURL        *url.URL // nil = e-mail off
	MailFrom       string
	Workers        int
	ForgeAppID     string // empty = Forge entry points off
	ForgeJWKSURL   string
	DevKeyPath     string // where the dev encryption key is kept (dev only)
	RetentionDays  int    // days an uninstalled tenant's data is kept
	// JiraHosts are the sites an install's baseUrl may name
	// (REMIT_JIRA_HOSTS); an install from elsewhere is refused.
	JiraHosts hostlist.List
	// ForgeAPIHosts are where a Forge invocation's apiBaseUrl may point
	// (REMIT_FORGE_API_HOSTS); an invocation naming another is refused.
	ForgeAPIHosts hostlist.List
	// RescueStuckAfter is how long a job may run before another replica
	// takes its process for dead and retries it (REMIT_RESCUE_STUCK_AFTER).
	// River never rescues a job before the job's own timeout has passed
	// as well, so a short value is safe for long jobs.
	RescueStuckAfter time.Duration
	// ClockOffset moves Remit's one clock (REMIT_CLOCK_OFFSET, dev and
	// the demo only): every part of Remit reads the moved clock.
	ClockOffset time.Duration
	// MailTenantDailyLimit is how many e-mails one tenant may send per
	// day (REMIT_MAIL_TENANT_DAILY_LIMIT); past it, e-mail actions wait
	// for the next day and the tenant's admins are told.
	MailTenantDailyLimit int
	// APIRate is each tenant's token bucket on the JSON API
	// (REMIT_API_RATE requests per second, REMIT_API_BURST at once).
	APIRate  float64
	APIBurst int
	// JiraTenantRate and JiraTenantBurst are each tenant's budget of
	// requests to its Jira site, across every replica together
	// (REMIT_JIRA_TENANT_RATE a second, REMIT_JIRA_TENANT_BURST at once;
	// the replicas share it through the database), kept under Jira's
	// per-tenant points quota.
	JiraTenantRate  float64
	JiraTenantBurst int
	// OpsListen is the operator's listener (REMIT_OPS_LISTEN): /metrics,
	// /readyz and /healthz, kept off the public port.
	OpsListen string
	// Stripe is card payment ("Pay now" on the customer page, SPEC §15);
	// off while its secret key is unset.
	Stripe Stripe
	// TrustedProxies are the reverse proxies in front of Remit
	// (REMIT_TRUSTED_PROXIES, CIDRs): only a connection from one of them
	// may name the client in X-Forwarded-For. Empty trusts none.
	TrustedProxies []netip.Prefix
}

// Stripe is the Stripe account card payments go to.
type Stripe struct {
	// SecretKey is the account's secret or restricted API key
	// (REMIT_STRIPE_SECRET_KEY, sk_… or rk_…); empty turns Pay now off.
	SecretKey string
	// WebhookSecret signs the events Stripe posts to /webhooks/stripe
	// (REMIT_STRIPE_WEBHOOK_SECRET, whsec_…); required with SecretKey.
	WebhookSecret string
	// APIURL replaces Stripe's API address (REMIT_STRIPE_API_URL), to
	// talk to stripe-mock in tests and dev; empty is Stripe itself.
	APIURL string
}

// On reports whether card payments are configured.
func (s Stripe) On() bool { return s.SecretKey != "" }

// Defaults for the optional variables.
const (
	DefaultListen         = ":8080"
	DefaultOpsListen      = ":9090"
	DefaultBaseURL        = "http://localhost:8080"
	DefaultAppKey         = "io.remit.jira"
	DefaultConnectKeysURL = "https://connect-install-keys.atlassian.com"
	DefaultConnectJSURL   = "https://connect-cdn.atl-paas.net/all.js"
	DefaultForgeJWKSURL   = "https://forge.cdn.prod.atlassian-dev.net/.well-known/jwks.json"
	DefaultWorkers        = 10
	DefaultRetentionDays  = 30
	// DefaultMailTenantDailyLimit bounds what one tenant can make Remit
	// send under the operator's sender in a day.
	DefaultMailTenantDailyLimit = 500
	// DefaultAPIRate and DefaultAPIBurst are generous for people clicking
	// through Remit's pages (a page load makes a handful of calls) and
	// tight enough that one tenant's script cannot starve the others.
	DefaultAPIRate  = 20
	DefaultAPIBurst = 40
	// DefaultJiraTenantRate and DefaultJiraTenantBurst are
	// jira.DefaultTenantRate and jira.DefaultTenantBurst (docs/connect.md §5.6).
	DefaultJiraTenantRate  = 25
	DefaultJiraTenantBurst = 100
	// DefaultJiraHosts are Atlassian's Jira Cloud site domains
	// (production, older sites, and Atlassian's staging sites).
	DefaultJiraHosts = "https://*.atlassian.net,https://*.jira.com,https://*.jira-dev.com"
	// DefaultForgeAPIHosts is Atlassian's API gateway, the host of every
	// apiBaseUrl Forge sends.
	DefaultForgeAPIHosts = "https://api.atlassian.com"
	// DefaultRescueStuckAfter brings a job stranded by a killed replica
	// back within minutes: after this or its own timeout, the longer.
	DefaultRescueStuckAfter = 2 * time.Minute
)

// Need says which variables a command requires.
type Need struct {
	Database bool // DATABASE_URL must be set (serve, migrate, followup)
	Secrets  bool // REMIT_ENCRYPTION_KEY must be set outside dev (serve, followup)
}

// FromEnv reads the configuration through getenv (os.Getenv in main, a map
// in tests) and returns the first problem as a one-line error.
func FromEnv(getenv func(string) string, need Need) (Config, error) {
	c := Config{
		Listen:         or(getenv("REMIT_LISTEN"), DefaultListen),
		OpsListen:      or(getenv("REMIT_OPS_LISTEN"), DefaultOpsListen),
		DatabaseURL:    strings.TrimSpace(getenv("DATABASE_URL")),
		Env:            Env(or(getenv("REMIT_ENV"), string(EnvProd))),
		AppKey:         or(getenv("REMIT_APP_KEY"), DefaultAppKey),
		ConnectKeysURL: strings.TrimSuffix(or(getenv("REMIT_CONNECT_KEYS_URL"), DefaultConnectKeysURL), "/"),
		ConnectJSURL:   or(getenv("REMIT_CONNECT_JS_URL"), DefaultConnectJSURL),
		MailFrom:       getenv("REMIT_MAIL_FROM"),
		ForgeAppID:     getenv("REMIT_FORGE_APP_ID"),
		ForgeJWKSURL:   or(getenv("REMIT_FORGE_JWKS_URL"), DefaultForgeJWKSURL),
		DevKeyPath:     or(getenv("REMIT_DEV_KEY_FILE"), ".remit-dev-key"),
	}
	if c.Env != EnvProd && c.Env != EnvDev {
		return c, fmt.Errorf("REMIT_ENV must be prod or dev, got %q", c.Env)
	}
	if _, port, ok := strings.Cut(c.Listen, ":"); !ok || port == "" {
		return c, fmt.Errorf("REMIT_LISTEN must be host:port or :port, got %q", c.Listen)
	}
	if _, port, ok := strings.Cut(c.OpsListen, ":"); !ok || port == "" {
		return c, fmt.Errorf("REMIT_OPS_LISTEN must be host:port or :port, got %q", c.OpsListen)
	}
	if samePort(c.Listen, c.OpsListen) {
		return c, fmt.Errorf("REMIT_OPS_LISTEN must be another port than REMIT_LISTEN (%q): metrics and readiness stay off the public port", c.Listen)
	}
	base, err := absoluteURL("REMIT_BASE_URL", or(getenv("REMIT_BASE_URL"), DefaultBaseURL))
	if err != nil {
		return c, err
	}
	base.Path = strings.TrimSuffix(base.Path, "/")
	c.BaseURL = base
	if c.Env == EnvProd && base.Scheme != "https" && !isLoopback(base.Hostname()) {
		return c, fmt.Errorf("REMIT_BASE_URL must use https in prod (Atlassian refuses http descriptors), got %q", base)
	}
	if need.Database && c.DatabaseURL == "" {
		return c, fmt.Errorf("DATABASE_URL is required (e.g. postgres://user:pass@host:5432/remit)")
	}
	if c.DatabaseURL != "" {
		if u, err := url.Parse(c.DatabaseURL); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			return c, fmt.Errorf("DATABASE_URL must be a postgres:// URL")
		}
	}
	if k := strings.TrimSpace(getenv("REMIT_ENCRYPTION_KEY")); k != "" {
		key, err := decodeKey(k)
		if err != nil {
			return c, err
		}
		c.EncryptionKey = key
	} else if need.Secrets && c.Env != EnvDev {
		return c, fmt.Errorf("REMIT_ENCRYPTION_KEY is required unless REMIT_ENV=dev (base64 of 32 random bytes: head -c32 /dev/urandom | base64)")
	}
	if len(c.AppKey) > 64 {
		return c, fmt.Errorf("REMIT_APP_KEY must be at most 64 characters, got %d", len(c.AppKey))
	}
	for name, v := range map[string]string{"REMIT_CONNECT_KEYS_URL": c.ConnectKeysURL, "REMIT_CONNECT_JS_URL": c.ConnectJSURL, "REMIT_FORGE_JWKS_URL": c.ForgeJWKSURL} {
		if _, err := absoluteURL(name, v); err != nil {
			return c, err
		}
	}
	if s := getenv("REMIT_SMTP_URL"); s != "" {
		u, err := absoluteURL("REMIT_SMTP_URL", s)
		if err != nil {
			return c, err
		}
		if u.Scheme != "smtp" && u.Scheme != "smtps" {
			return c, fmt.Errorf("REMIT_SMTP_URL must start with smtp:// or smtps://, got scheme %q", u.Scheme)
		}
		if u.Port() == "" {
			return c, fmt.Errorf("REMIT_SMTP_URL must name a port (smtp://host:587)")
		}
		if c.MailFrom == "" {
			return c, fmt.Errorf("REMIT_MAIL_FROM is required when REMIT_SMTP_URL is set")
		}
		c.SMTPURL = u
	}
	if c.Workers, err = positiveInt(getenv, "REMIT_WORKERS", DefaultWorkers, 1000); err != nil {
		return c, err
	}
	if c.RetentionDays, err = positiveInt(getenv, "REMIT_RETENTION_DAYS", DefaultRetentionDays, 3650); err != nil {
		return c, err
	}
	c.RescueStuckAfter = DefaultRescueStuckAfter
	if v := strings.TrimSpace(getenv("REMIT_RESCUE_STUCK_AFTER")); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second || d > 7*24*time.Hour {
			return c, fmt.Errorf("REMIT_RESCUE_STUCK_AFTER must be a duration from 1s to 168h (e.g. 1h, 30s), got %q", v)
		}
		c.RescueStuckAfter = d
	}
	if v := strings.TrimSpace(getenv("REMIT_CLOCK_OFFSET")); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return c, fmt.Errorf("REMIT_CLOCK_OFFSET must be a Go duration such as 720h or -24h, got %q", v)
		}
		if c.Env == EnvProd && d != 0 {
			return c, fmt.Errorf("REMIT_CLOCK_OFFSET is for dev and the demo only; it is refused when REMIT_ENV=prod")
		}
		c.ClockOffset = d
	}
	if c.MailTenantDailyLimit, err = positiveInt(getenv, "REMIT_MAIL_TENANT_DAILY_LIMIT", DefaultMailTenantDailyLimit, 1_000_000); err != nil {
		return c, err
	}
	if c.APIBurst, err = positiveInt(getenv, "REMIT_API_BURST", DefaultAPIBurst, 1_000_000); err != nil {
		return c, err
	}
	c.APIRate = DefaultAPIRate
	if v := strings.TrimSpace(getenv("REMIT_API_RATE")); v != "" {
		r, err := strconv.ParseFloat(v, 64)
		if err != nil || !(r > 0) || r > 1_000_000 {
			return c, fmt.Errorf("REMIT_API_RATE must be a number of requests per second above 0, got %q", v)
		}
		c.APIRate = r
	}
	if c.JiraTenantBurst, err = positiveInt(getenv, "REMIT_JIRA_TENANT_BURST", DefaultJiraTenantBurst, 1_000_000); err != nil {
		return c, err
	}
	c.JiraTenantRate = DefaultJiraTenantRate
	if v := strings.TrimSpace(getenv("REMIT_JIRA_TENANT_RATE")); v != "" {
		r, err := strconv.ParseFloat(v, 64)
		if err != nil || !(r > 0) || r > 1_000_000 {
			return c, fmt.Errorf("REMIT_JIRA_TENANT_RATE must be a number of requests per second above 0, got %q", v)
		}
		c.JiraTenantRate = r
	}
	if c.JiraHosts, err = hosts(getenv("REMIT_JIRA_HOSTS"), "REMIT_JIRA_HOSTS", DefaultJiraHosts, c.Env); err != nil {
		return c, err
	}
	if c.ForgeAPIHosts, err = hosts(getenv("REMIT_FORGE_API_HOSTS"), "REMIT_FORGE_API_HOSTS", DefaultForgeAPIHosts, c.Env); err != nil {
		return c, err
	}
	if c.ForgeAppID != "" && !strings.HasPrefix(c.ForgeAppID, "ari:cloud:ecosystem::app/") {
		return c, fmt.Errorf("REMIT_FORGE_APP_ID must look like ari:cloud:ecosystem::app/<uuid>, got %q", c.ForgeAppID)
	}
	if c.Stripe, err = stripeFromEnv(getenv, c.Env); err != nil {
		return c, err
	}
	if c.TrustedProxies, err = cidrs(getenv("REMIT_TRUSTED_PROXIES"), "REMIT_TRUSTED_PROXIES"); err != nil {
		return c, err
	}
	return c, nil
}

// cidrs parses a comma-separated list of networks (10.0.0.0/8, fd00::/8);
// a bare address is its own /32 or /128.
func cidrs(v, name string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(v, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			a, aerr := netip.ParseAddr(f)
			if aerr != nil || a.Zone() != "" {
				return nil, fmt.Errorf("%s must be comma-separated CIDRs such as 10.0.0.0/8,fd00::/8, got %q", name, f)
			}
			p = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
		}
		if p.Addr().Is4In6() {
			p = netip.PrefixFrom(p.Addr().Unmap(), max(p.Bits()-96, 0))
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// stripeFromEnv reads the Stripe variables: all of them or none (Pay now off).
// The API address may be replaced only by a loopback one in prod, where
// anything else would send the secret key to a stranger.
func stripeFromEnv(getenv func(string) string, env Env) (Stripe, error) {
	s := Stripe{
		SecretKey:     strings.TrimSpace(getenv("REMIT_STRIPE_SECRET_KEY")),
		WebhookSecret: strings.TrimSpace(getenv("REMIT_STRIPE_WEBHOOK_SECRET")),
		APIURL:        strings.TrimSuffix(strings.TrimSpace(getenv("REMIT_STRIPE_API_URL")), "/"),
	}
	if s.SecretKey == "" {
		if s.WebhookSecret != "" || s.APIURL != "" {
			return s, fmt.Errorf("REMIT_STRIPE_WEBHOOK_SECRET and REMIT_STRIPE_API_URL need REMIT_STRIPE_SECRET_KEY (card payments are off without it)")
		}
		return s, nil
	}
	if !strings.HasPrefix(s.SecretKey, "sk_") && !strings.HasPrefix(s.SecretKey, "rk_") {
		return s, fmt.Errorf("REMIT_STRIPE_SECRET_KEY must be a secret (sk_…) or restricted (rk_…) API key")
	}
	if s.WebhookSecret == "" {
		return s, fmt.Errorf("REMIT_STRIPE_WEBHOOK_SECRET is required when REMIT_STRIPE_SECRET_KEY is set (the whsec_… signing secret of the /webhooks/stripe endpoint)")
	}
	if !strings.HasPrefix(s.WebhookSecret, "whsec_") {
		return s, fmt.Errorf("REMIT_STRIPE_WEBHOOK_SECRET must be an endpoint signing secret (whsec_…)")
	}
	if s.APIURL != "" {
		u, err := absoluteURL("REMIT_STRIPE_API_URL", s.APIURL)
		if err != nil {
			return s, err
		}
		if env == EnvProd && (u.Scheme != "http" && u.Scheme != "https" || !isLoopback(u.Hostname())) {
			return s, fmt.Errorf("REMIT_STRIPE_API_URL may only name a loopback stripe-mock in prod, got %q", s.APIURL)
		}
	}
	return s, nil
}

// OS reads the process environment.
func OS(need Need) (Config, error) { return FromEnv(os.Getenv, need) }

func or(v, def string) string {
	if v = strings.TrimSpace(v); v == "" {
		return def
	}
	return v
}

// hosts parses a host allow-list; in prod, plain http is only for
// loopback hosts (a local simulator), as with REMIT_BASE_URL.
func hosts(v, name, def string, env Env) (hostlist.List, error) {
	l, err := hostlist.Parse(or(v, def))
	if err != nil {
		return l, fmt.Errorf("%s: %w (e.g. %s)", name, err, def)
	}
	if env == EnvProd && !l.Loopback() {
		return l, fmt.Errorf("%s may use http only for loopback hosts in prod, got %q", name, l)
	}
	return l, nil
}

func absoluteURL(name, v string) (*url.URL, error) {
	u, err := url.Parse(v)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("%s must be an absolute URL, got %q", name, v)
	}
	return u, nil
}

func decodeKey(s string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			if len(b) != 32 {
				return nil, fmt.Errorf("REMIT_ENCRYPTION_KEY must decode to 32 bytes, got %d", len(b))
			}
			return b, nil
		}
	}
	return nil, fmt.Errorf("REMIT_ENCRYPTION_KEY is not valid base64")
}

func positiveInt(getenv func(string) string, name string, def, max int) (int, error) {
	v := strings.TrimSpace(getenv(name))
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > max {
		return 0, fmt.Errorf("%s must be a whole number from 1 to %d, got %q", name, max, v)
	}
	return n, nil
}

// samePort reports whether two listen addresses would collide: the same
// port, on the same host or on all interfaces. Port 0 (any free port)
// never collides.
func samePort(a, b string) bool {
	ah, ap, errA := net.SplitHostPort(a)
	bh, bp, errB := net.SplitHostPort(b)
	if errA != nil || errB != nil || ap != bp || ap == "0" {
		return false
	}
	return ah == bh || ah == "" || bh == "" || ah == "0.0.0.0" || bh == "0.0.0.0" || ah == "::" || bh == "::"
}

func isLoopback(host string) bool {
	return host == "localhost" || strings.HasPrefix(host, "127.") || host == "::1"
}

package jirasim

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"log/slog"
	mrand "math/rand/v2"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options configures a Sim. Zero values give a usable simulator.
type Options struct {
	// Logger receives the simulator's own logs; nil discards them.
	Logger *slog.Logger
	// Now is the simulator's clock (issue timestamps, token expiry checks,
	// worklog change feeds); nil means time.Now.
	Now func() time.Time
	// HTTPClient makes the calls to apps (descriptor, lifecycle, webhooks).
	HTTPClient *http.Client
	// KeyID names the install signing key; empty picks a random one.
	KeyID string
	// Seed makes probabilistic faults deterministic; 0 picks a fixed seed.
	Seed uint64
	// WebhookWorkers is the number of delivery goroutines (default 4).
	WebhookWorkers int
	// WebhookQueue bounds pending deliveries (default 4096).
	WebhookQueue int
	// WebhookAttempts bounds deliveries per event, first try included
	// (default 5).
	WebhookAttempts int
	// WebhookBackoff is the first retry delay, doubled per retry
	// (default 20ms; Jira's is minutes, tests want speed).
	WebhookBackoff time.Duration
	// RateLimit is the per-site hourly request quota reported in the
	// X-RateLimit headers (default 100000); exhausting it yields 429.
	RateLimit int
}

// Sim is the simulator: sites, the install signing key, fault rules, the
// webhook delivery queue and the HTTP surface that serves them all.
type Sim struct {
	log    *slog.Logger
	now    func() time.Time
	client *http.Client
	opts   Options

	kid string
	key *rsa.PrivateKey

	mu     sync.Mutex
	url    string
	sites  map[string]*Site
	faults *faultSet
	rng    *mrand.Rand

	hooks   *webhookQueue
	mux     *http.ServeMux // the routes, extended by Handle
	handler http.Handler
	forge   forgeState  // Forge platform: FIT keys, installations, privacy API
	bodies  atomic.Bool // request logs keep bodies (RecordBodies)
}

// New starts a simulator with a fresh RSA-2048 install signing key and its
// webhook workers; call Close to stop the workers.
func New(opts Options) *Sim {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if opts.KeyID == "" {
		opts.KeyID = "jirasim-" + randomHex(8)
	}
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	if opts.RateLimit <= 0 {
		opts.RateLimit = 100000
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic("jirasim: generating install key: " + err.Error())
	}
	s := &Sim{
		log:    opts.Logger,
		now:    opts.Now,
		client: opts.HTTPClient,
		opts:   opts,
		kid:    opts.KeyID,
		key:    key,
		sites:  map[string]*Site{},
		rng:    mrand.New(mrand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15)),
	}
	s.faults = newFaultSet()
	s.hooks = newWebhookQueue(s, opts)
	s.handler = s.routes()
	return s
}

// Close stops the webhook workers; pending deliveries are abandoned.
func (s *Sim) Close() { s.hooks.close() }

// Handler serves everything: sites' REST APIs, the install key, and the
// control API.
func (s *Sim) Handler() http.Handler { return s.handler }

// KeyID is the kid of the install signing key, whose PEM is served at
// /connect-install-keys/<kid>.
func (s *Sim) KeyID() string { return s.kid }

// SetURL records the simulator's public URL; sites' base URLs derive from
// it, so call it before installing apps.
func (s *Sim) SetURL(u string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.url = strings.TrimSuffix(u, "/")
}

// URL is the simulator's public URL as set by SetURL.
func (s *Sim) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.url
}

// AddSite creates (or returns the existing) site of that name.
func (s *Sim) AddSite(name string) *Site {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.sites[name]; ok {
		return st
	}
	st := newSite(s, name)
	s.sites[name] = st
	return st
}

// Site returns the named site.
func (s *Sim) Site(name string) (*Site, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.sites[name]
	return st, ok
}

// SiteNames lists the sites in name order.
func (s *Sim) SiteNames() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	names := make([]string, 0, len(s.sites))
	for n := range s.sites {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Reset drops every site, fault rule and held webhook, keeping the key.
func (s *Sim) Reset() {
	s.mu.Lock()
	s.sites = map[string]*Site{}
	s.mu.Unlock()
	s.faults.clear()
	s.hooks.resetFaults()
}

// Flush waits until every queued, retrying, delayed or held webhook
// delivery has finished (held reorder batches are released first).
func (s *Sim) Flush(ctx context.Context) error { return s.hooks.flush(ctx) }

// chance draws from the seeded generator.
func (s *Sim) chance(p float64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rng.Float64() < p
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

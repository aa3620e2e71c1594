package jira

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/remitapp/remit/internal/connect"
)

// DefaultTokenTTL is how long an outbound request token stays valid; it
// matches what Atlassian's own Connect framework uses for app→Jira calls.
const DefaultTokenTTL = 3 * time.Minute

// ErrForeignHost is returned when a request is aimed at a host other than
// the tenant's site: the tenant's shared secret must never reach it.
var ErrForeignHost = errors.New("jira: request host is not the tenant's site")

// SigningTransport signs every request with the tenant's shared secret as
// a Connect JWT. It lives below RetryTransport so that each attempt gets a
// fresh token with a current iat/exp.
type SigningTransport struct {
	Base        http.RoundTripper // nil means http.DefaultTransport
	AppKey      string            // iss
	ClientKey   string            // aud
	Secret      string            // the tenant's shared secret
	SiteBaseURL string            // e.g. https://acme.atlassian.net or https://host/jira/acme
	TTL         time.Duration     // token lifetime; 0 means DefaultTokenTTL
	Now         func() time.Time  // nil means time.Now
	Version     string            // sent as User-Agent remit/<Version>; "" means "dev"

	once    sync.Once
	site    *url.URL
	prefix  string
	ua      string
	siteErr error
}

func (t *SigningTransport) init() {
	t.once.Do(func() {
		u, err := url.Parse(t.SiteBaseURL)
		if err != nil || u.Scheme == "" || u.Host == "" {
			t.siteErr = fmt.Errorf("jira: invalid site base URL %q", t.SiteBaseURL)
			return
		}
		t.site = u
		t.prefix = strings.TrimSuffix(u.EscapedPath(), "/")
		v := t.Version
		if v == "" {
			v = "dev"
		}
		t.ua = "remit/" + v
	})
}

// RoundTrip implements http.RoundTripper. It never mutates req.
func (t *SigningTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.init()
	if err := t.check(req); err != nil {
		closeBody(req)
		return nil, err
	}
	now := time.Now
	if t.Now != nil {
		now = t.Now
	}
	ttl := t.TTL
	if ttl <= 0 {
		ttl = DefaultTokenTTL
	}
	token, err := connect.SignRequest(t.Secret, t.AppKey, t.ClientKey, req.Method, req.URL, t.prefix, now(), ttl)
	if err != nil {
		closeBody(req)
		return nil, fmt.Errorf("jira: sign request: %w", err)
	}
	out := req.Clone(req.Context())
	out.Header.Set("Authorization", "JWT "+token)
	out.Header.Set("User-Agent", t.ua)
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	return base.RoundTrip(out)
}

// check refuses requests that would carry the secret anywhere but the
// tenant's site (another scheme, host or port, or a path outside the
// site's context path).
func (t *SigningTransport) check(req *http.Request) error {
	if t.siteErr != nil {
		return t.siteErr
	}
	if t.Secret == "" {
		return errors.New("jira: tenant has no shared secret")
	}
	u := req.URL
	if !strings.EqualFold(u.Scheme, t.site.Scheme) || !strings.EqualFold(u.Host, t.site.Host) {
		return fmt.Errorf("%w: %s://%s", ErrForeignHost, u.Scheme, u.Host)
	}
	if t.prefix != "" {
		p := u.EscapedPath()
		if p != t.prefix && !strings.HasPrefix(p, t.prefix+"/") {
			return fmt.Errorf("%w: path %q is outside %q", ErrForeignHost, p, t.prefix)
		}
	}
	return nil
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
}

package jira

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/remitapp/remit/internal/connect"
	"github.com/remitapp/remit/internal/remit"
)

const (
	testAppKey    = "io.remit.jira"
	testClientKey = "client-key-1"
	testSecret    = "tenant-shared-secret-of-enough-length"
)

// fakeClock is the injected clock: Sleep records each wait and moves the
// clock forward instead of blocking.
type fakeClock struct {
	mu    sync.Mutex
	t     time.Time
	waits []time.Duration
}

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 11, 5, 9, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.waits = append(c.waits, d)
	c.t = c.t.Add(d)
	return nil
}

func (c *fakeClock) Waits() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.waits...)
}

func testTenant(baseURL string) remit.Tenant {
	return remit.Tenant{
		ClientKey:    testClientKey,
		AppKey:       testAppKey,
		BaseURL:      baseURL,
		SharedSecret: testSecret,
		State:        remit.TenantInstalled,
		Enabled:      true,
	}
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// verifyJira checks a request the way Jira does: HS256 with the shared
// secret, iss = app key, aud = clientKey, a live exp, and a qsh equal to
// the one recomputed from the request as received, with the site's
// context path stripped. It returns the claims.
func verifyJira(r *http.Request, now func() time.Time, contextPath string) (jwt.MapClaims, error) {
	auth := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(auth, "JWT ")
	if !ok {
		return nil, fmt.Errorf("no JWT authorization header: %q", auth)
	}
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(tok, claims, func(*jwt.Token) (any, error) { return []byte(testSecret), nil },
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithIssuer(testAppKey), jwt.WithAudience(testClientKey),
		jwt.WithExpirationRequired(), jwt.WithIssuedAt(), jwt.WithTimeFunc(now))
	if err != nil {
		return nil, err
	}
	want := connect.QSH(r.Method, r.URL.EscapedPath(), r.URL.RawQuery, contextPath)
	if claims["qsh"] != want {
		return nil, fmt.Errorf("qsh %v, want %s for %s", claims["qsh"], want,
			connect.CanonicalRequest(r.Method, r.URL.EscapedPath(), r.URL.RawQuery, contextPath))
	}
	return claims, nil
}

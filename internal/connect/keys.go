package connect

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// maxKeyBytes bounds a key server response; a PEM RSA-4096 key is ~800 bytes.
const maxKeyBytes = 16 << 10

// validKID accepts the key ids Atlassian issues ([A-Za-z0-9._-]{1,128})
// and nothing that could change the URL it is appended to: no '/', '?',
// '#' or '%', and not "." or "..".
func validKID(kid string) bool {
	if kid == "" || len(kid) > 128 || strings.Trim(kid, ".") == "" {
		return false
	}
	for i := 0; i < len(kid); i++ {
		if c := kid[i]; !unreserved(c) || c == '~' {
			return false
		}
	}
	return true
}

// Defaults of a KeyFetcher's guards against made-up kids.
const (
	// DefaultKeyNotFoundTTL is how long a kid the key server does not
	// know is refused without asking again.
	DefaultKeyNotFoundTTL = 5 * time.Minute
	// DefaultKeyFetchesPerMinute and DefaultKeyFetchBurst bound the key
	// server requests of one process, over all kids. Atlassian signs with
	// a handful of keys that rotate rarely, so genuine installs stay far
	// below it.
	DefaultKeyFetchesPerMinute = 30
	DefaultKeyFetchBurst       = 10
)

// Errors Key returns without asking the key server.
var (
	// ErrKeyNotFound: the key server answered, recently, that it has no
	// key of that kid.
	ErrKeyNotFound = errors.New("install key not found")
	// ErrKeyFetchLimited: fetching the key would exceed the fetch rate.
	ErrKeyFetchLimited = errors.New("install key fetch rate exceeded")
)

// KeyFetcher fetches and caches the RSA public keys Atlassian signs
// lifecycle callbacks with, so that each kid costs one request per TTL and
// a burst of installs does not hammer the key server. Every install token
// names its kid before anything is verified, so the fetcher also guards
// against made-up kids: one the server did not know is not asked for again
// for NotFoundTTL, and new fetches of any kid are rate-limited, beyond
// which Key fails at once.
type KeyFetcher struct {
	// URL is the key server base; keys are fetched from {URL}/{kid}.
	URL string
	// Client is the HTTP client; nil means one with Timeout.
	Client *http.Client
	// TTL is how long a fetched key is trusted; zero means one hour.
	TTL time.Duration
	// Timeout bounds one fetch; zero means five seconds.
	Timeout time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// NotFoundTTL is how long a kid the key server answered 403, 404 or
	// 410 for is refused without a request; zero means
	// DefaultKeyNotFoundTTL.
	NotFoundTTL time.Duration
	// FetchesPerMinute and FetchBurst are the token bucket every fetch
	// draws from; zero means the defaults.
	FetchesPerMinute float64
	FetchBurst       int

	mu       sync.Mutex
	cache    map[string]cachedKey
	missing  map[string]time.Time // kid → until when it is known to be unknown
	inflight map[string]*keyCall
	limiter  *rate.Limiter
}

type cachedKey struct {
	key     *rsa.PublicKey
	expires time.Time
}

// keyCall is one fetch in progress that concurrent callers wait on.
type keyCall struct {
	done chan struct{}
	key  *rsa.PublicKey
	err  error
}

// Key returns the public key for kid, from the cache when fresh.
// Concurrent requests for one kid share a single fetch. A kid known to be
// missing is ErrKeyNotFound, and a fetch over the rate ErrKeyFetchLimited,
// both without a request.
func (f *KeyFetcher) Key(ctx context.Context, kid string) (*rsa.PublicKey, error) {
	if !validKID(kid) {
		return nil, fmt.Errorf("invalid kid %q", kid)
	}
	now := f.now()
	f.mu.Lock()
	if c, ok := f.cache[kid]; ok && now.Before(c.expires) {
		f.mu.Unlock()
		return c.key, nil
	}
	if until, ok := f.missing[kid]; ok {
		if now.Before(until) {
			f.mu.Unlock()
			return nil, fmt.Errorf("key %s: %w", kid, ErrKeyNotFound)
		}
		delete(f.missing, kid)
	}
	call, running := f.inflight[kid]
	if !running {
		if !f.bucket().AllowN(now, 1) {
			f.mu.Unlock()
			return nil, fmt.Errorf("key %s: %w", kid, ErrKeyFetchLimited)
		}
		call = &keyCall{done: make(chan struct{})}
		if f.inflight == nil {
			f.inflight = make(map[string]*keyCall)
		}
		f.inflight[kid] = call
		// The fetch outlives a cancelled first caller: others may wait on it.
		go f.fetchInto(context.WithoutCancel(ctx), kid, call)
	}
	f.mu.Unlock()

	select {
	case <-call.done:
		return call.key, call.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// bucket is the fetch limiter, made on first use; f.mu is held.
func (f *KeyFetcher) bucket() *rate.Limiter {
	if f.limiter == nil {
		perMinute, burst := f.FetchesPerMinute, f.FetchBurst
		if perMinute <= 0 {
			perMinute = DefaultKeyFetchesPerMinute
		}
		if burst <= 0 {
			burst = DefaultKeyFetchBurst
		}
		f.limiter = rate.NewLimiter(rate.Limit(perMinute/60), burst) // starts full
	}
	return f.limiter
}

func (f *KeyFetcher) fetchInto(ctx context.Context, kid string, call *keyCall) {
	call.key, call.err = f.fetch(ctx, kid)
	now := f.now()
	f.mu.Lock()
	delete(f.inflight, kid)
	switch {
	case call.err == nil:
		if f.cache == nil {
			f.cache = make(map[string]cachedKey)
		}
		f.cache[kid] = cachedKey{key: call.key, expires: now.Add(f.ttl())}
	case errors.Is(call.err, ErrKeyNotFound):
		if f.missing == nil {
			f.missing = make(map[string]time.Time)
		}
		// The fetch rate bounds how many entries can be live at once;
		// dropping the expired ones keeps the map at that size.
		for k, until := range f.missing {
			if !now.Before(until) {
				delete(f.missing, k)
			}
		}
		f.missing[kid] = now.Add(f.notFoundTTL())
	}
	f.mu.Unlock()
	close(call.done)
}

func (f *KeyFetcher) fetch(ctx context.Context, kid string) (*rsa.PublicKey, error) {
	timeout := f.Timeout
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(f.URL, "/")+"/"+kid, nil)
	if err != nil {
		return nil, err
	}
	client := f.Client
	if client == nil {
		client = &http.Client{Timeout: timeout}
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch key %s: %w", kid, err)
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusNotFound, http.StatusForbidden, http.StatusGone:
		// CDNs in front of object stores answer 403 for a missing object.
		return nil, fmt.Errorf("fetch key %s: status %d: %w", kid, resp.StatusCode, ErrKeyNotFound)
	default:
		return nil, fmt.Errorf("fetch key %s: status %d", kid, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxKeyBytes+1))
	if err != nil {
		return nil, fmt.Errorf("fetch key %s: %w", kid, err)
	}
	if len(body) > maxKeyBytes {
		return nil, fmt.Errorf("fetch key %s: response over %d bytes", kid, maxKeyBytes)
	}
	return ParseRSAPublicKeyPEM(body)
}

// ParseRSAPublicKeyPEM parses a PEM "PUBLIC KEY" (PKIX) or "RSA PUBLIC
// KEY" (PKCS #1) block into an RSA key; the signature check needs the
// parsed key, never the PEM text.
func ParseRSAPublicKeyPEM(data []byte) (*rsa.PublicKey, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("no PEM block in key")
	}
	switch block.Type {
	case "PUBLIC KEY":
		k, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("parse public key: %w", err)
		}
		rk, ok := k.(*rsa.PublicKey)
		if !ok {
			return nil, fmt.Errorf("public key is %T, not RSA", k)
		}
		return rk, nil
	case "RSA PUBLIC KEY":
		return x509.ParsePKCS1PublicKey(block.Bytes)
	default:
		return nil, fmt.Errorf("unexpected PEM block %q", block.Type)
	}
}

func (f *KeyFetcher) now() time.Time {
	if f.Now != nil {
		return f.Now()
	}
	return time.Now()
}

func (f *KeyFetcher) notFoundTTL() time.Duration {
	if f.NotFoundTTL > 0 {
		return f.NotFoundTTL
	}
	return DefaultKeyNotFoundTTL
}

func (f *KeyFetcher) ttl() time.Duration {
	if f.TTL > 0 {
		return f.TTL
	}
	return time.Hour
}

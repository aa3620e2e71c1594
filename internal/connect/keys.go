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

// KeyFetcher fetches and caches the RSA public keys Atlassian signs
// lifecycle callbacks with, so that each kid costs one request per TTL and
// a burst of installs does not hammer the key server.
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

	mu       sync.Mutex
	cache    map[string]cachedKey
	inflight map[string]*keyCall
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
// Concurrent requests for one kid share a single fetch.
func (f *KeyFetcher) Key(ctx context.Context, kid string) (*rsa.PublicKey, error) {
	if !validKID(kid) {
		return nil, fmt.Errorf("invalid kid %q", kid)
	}
	f.mu.Lock()
	if c, ok := f.cache[kid]; ok && f.now().Before(c.expires) {
		f.mu.Unlock()
		return c.key, nil
	}
	call, running := f.inflight[kid]
	if !running {
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

func (f *KeyFetcher) fetchInto(ctx context.Context, kid string, call *keyCall) {
	call.key, call.err = f.fetch(ctx, kid)
	f.mu.Lock()
	delete(f.inflight, kid)
	if call.err == nil {
		if f.cache == nil {
			f.cache = make(map[string]cachedKey)
		}
		f.cache[kid] = cachedKey{key: call.key, expires: f.now().Add(f.ttl())}
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
	if resp.StatusCode != http.StatusOK {
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

func (f *KeyFetcher) ttl() time.Duration {
	if f.TTL > 0 {
		return f.TTL
	}
	return time.Hour
}

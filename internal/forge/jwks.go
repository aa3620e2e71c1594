package forge

import (
	"context"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"sync"
	"time"
)

// maxJWKSBytes bounds a JWKS response; Atlassian's holds a handful of keys.
const maxJWKSBytes = 256 << 10

// ErrUnknownKID is returned when the JWKS, even freshly fetched, has no key
// with the token's kid.
var ErrUnknownKID = errors.New("forge: unknown key id")

// KeySet fetches the Forge invocation-token signing keys from a JWKS URL
// and caches them by kid. A kid it does not know triggers one refetch
// (keys rotate), but refetches are spaced by MinRefetch so that a flood of
// tokens with made-up kids cannot turn Remit into a JWKS hammer.
type KeySet struct {
	// URL is the JWKS location (REMIT_FORGE_JWKS_URL).
	URL string
	// Client fetches the JWKS; nil means one with Timeout.
	Client *http.Client
	// TTL is how long a fetched set is trusted before a refresh; zero
	// means one hour.
	TTL time.Duration
	// MinRefetch is the least time between two fetches; zero means 30 s.
	MinRefetch time.Duration
	// Timeout bounds one fetch; zero means five seconds.
	Timeout time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	fetchMu   sync.Mutex // one fetch at a time
	mu        sync.Mutex
	keys      map[string]*rsa.PublicKey
	fetchedAt time.Time
	fetches   int
}

// Key returns the RSA key for kid, fetching the JWKS when the cache is
// empty, stale, or lacks kid (at most once per MinRefetch).
func (k *KeySet) Key(ctx context.Context, kid string) (*rsa.PublicKey, error) {
	if kid == "" || len(kid) > 256 {
		return nil, ErrUnknownKID
	}
	if key, ok := k.cached(kid, true); ok {
		return key, nil
	}
	k.fetchMu.Lock()
	defer k.fetchMu.Unlock()
	// Another caller may have fetched while this one waited.
	if key, ok := k.cached(kid, true); ok {
		return key, nil
	}
	if !k.mayFetch() {
		if key, ok := k.cached(kid, false); ok {
			return key, nil
		}
		return nil, ErrUnknownKID
	}
	keys, err := k.fetch(ctx)
	k.mu.Lock()
	k.fetchedAt = k.now()
	k.fetches++
	if err == nil {
		k.keys = keys
	}
	k.mu.Unlock()
	if err != nil {
		if key, ok := k.cached(kid, false); ok {
			return key, nil // a stale key beats an outage of the key server
		}
		return nil, err
	}
	if key, ok := keys[kid]; ok {
		return key, nil
	}
	return nil, ErrUnknownKID
}

// Fetches reports how many times the JWKS was fetched, for tests and
// metrics of the refetch limit.
func (k *KeySet) Fetches() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.fetches
}

// cached looks kid up; fresh asks for a set younger than TTL.
func (k *KeySet) cached(kid string, fresh bool) (*rsa.PublicKey, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	key, ok := k.keys[kid]
	if !ok {
		return nil, false
	}
	if fresh && k.now().Sub(k.fetchedAt) >= k.ttl() {
		return nil, false
	}
	return key, true
}

func (k *KeySet) mayFetch() bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	min := k.MinRefetch
	if min <= 0 {
		min = 30 * time.Second
	}
	return k.fetchedAt.IsZero() || k.now().Sub(k.fetchedAt) >= min
}

// jwk is one key of a JWKS (RFC 7517); only RSA signing keys are used.
type jwk struct {
	Kty string `json:"kty"`
	Kid string `json:"kid"`
	Use string `json:"use"`
	Alg string `json:"alg"`
	N   string `json:"n"`
	E   string `json:"e"`
}

func (k *KeySet) fetch(ctx context.Context) (map[string]*rsa.PublicKey, error) {
	timeout := k.Timeout
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, k.URL, nil)
	if err != nil {
		return nil, fmt.Errorf("forge: jwks request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	client := k.Client
	if client == nil {
		client = &http.Client{Timeout: timeout}
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("forge: fetch jwks: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("forge: fetch jwks: status %d", resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxJWKSBytes+1))
	if err != nil {
		return nil, fmt.Errorf("forge: fetch jwks: %w", err)
	}
	if len(body) > maxJWKSBytes {
		return nil, fmt.Errorf("forge: jwks over %d bytes", maxJWKSBytes)
	}
	return ParseJWKS(body)
}

// ParseJWKS reads the RSA signing keys of a JWKS document by kid; keys of
// other types or uses are skipped, so a set that also lists encryption
// keys still works, while a set with no usable key is an error.
func ParseJWKS(data []byte) (map[string]*rsa.PublicKey, error) {
	var set struct {
		Keys []jwk `json:"keys"`
	}
	if err := json.Unmarshal(data, &set); err != nil {
		return nil, fmt.Errorf("forge: jwks is not JSON: %w", err)
	}
	out := map[string]*rsa.PublicKey{}
	for _, j := range set.Keys {
		if j.Kty != "RSA" || j.Kid == "" || (j.Use != "" && j.Use != "sig") || (j.Alg != "" && j.Alg != "RS256") {
			continue
		}
		n, err1 := base64.RawURLEncoding.DecodeString(j.N)
		e, err2 := base64.RawURLEncoding.DecodeString(j.E)
		if err1 != nil || err2 != nil || len(n) < 256 || len(e) == 0 || len(e) > 4 {
			continue // malformed, or under 2048 bits
		}
		exp := int(new(big.Int).SetBytes(e).Int64())
		if exp < 3 {
			continue
		}
		out[j.Kid] = &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: exp}
	}
	if len(out) == 0 {
		return nil, errors.New("forge: jwks has no RSA signing key")
	}
	return out, nil
}

// JWK renders an RSA public key as a JWKS entry, the inverse of
// ParseJWKS; the simulator and tests publish keys with it.
func JWK(kid string, key *rsa.PublicKey) map[string]string {
	return map[string]string{
		"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256",
		"n": base64.RawURLEncoding.EncodeToString(key.N.Bytes()),
		"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(key.E)).Bytes()),
	}
}

func (k *KeySet) now() time.Time {
	if k.Now != nil {
		return k.Now()
	}
	return time.Now()
}

func (k *KeySet) ttl() time.Duration {
	if k.TTL > 0 {
		return k.TTL
	}
	return time.Hour
}

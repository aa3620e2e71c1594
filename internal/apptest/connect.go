package apptest

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/remitapp/remit/internal/connect"
)

// Atlassian plays Atlassian's side of the Connect protocol for tests that
// need full control of what is signed: it serves install keys by kid and
// signs lifecycle callbacks and request tokens.
type Atlassian struct {
	KeysURL string
	Kid     string
	Key     *rsa.PrivateKey

	mu   sync.Mutex
	keys map[string]*rsa.PublicKey
}

// NewAtlassian starts a key server with one trusted key.
func NewAtlassian(t testing.TB) *Atlassian {
	t.Helper()
	a := &Atlassian{Kid: "kid-trusted", Key: NewRSAKey(t), keys: map[string]*rsa.PublicKey{}}
	a.keys[a.Kid] = &a.Key.PublicKey
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.mu.Lock()
		pub, ok := a.keys[strings.TrimPrefix(r.URL.Path, "/")]
		a.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		der, _ := x509.MarshalPKIXPublicKey(pub)
		_ = pem.Encode(w, &pem.Block{Type: "PUBLIC KEY", Bytes: der})
	}))
	t.Cleanup(srv.Close)
	a.KeysURL = srv.URL
	return a
}

// PublicPEM is the trusted key as the key server serves it.
func (a *Atlassian) PublicPEM() []byte {
	der, _ := x509.MarshalPKIXPublicKey(&a.Key.PublicKey)
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// NewRSAKey makes a 2048-bit test key.
func NewRSAKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// Payload is an installed-callback body for clientKey on appKey.
func Payload(appKey, clientKey, secret, siteURL, event string) []byte {
	b, _ := json.Marshal(map[string]any{
		"key": appKey, "clientKey": clientKey, "sharedSecret": secret, "baseUrl": siteURL,
		"displayUrl": siteURL, "productType": "jira", "description": "test site",
		"eventType": event, "serviceEntitlementNumber": "SEN-1",
	})
	return b
}

// LifecycleClaims are the claims of a correct signed-install token.
func LifecycleClaims(remitURL, clientKey, path string, now time.Time) jwt.MapClaims {
	u, _ := url.Parse(remitURL + path)
	return jwt.MapClaims{
		"iss": clientKey, "aud": []string{remitURL}, "iat": now.Unix(), "exp": now.Add(3 * time.Minute).Unix(),
		"qsh": connect.QSHForURL(http.MethodPost, u, ""),
	}
}

// SignRS256 signs claims with key and kid ("" for no kid header).
func SignRS256(t testing.TB, key *rsa.PrivateKey, kid string, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// SignHS256 signs claims with secret, optionally with a kid header.
func SignHS256(t testing.TB, secret []byte, kid string, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, claims)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(secret)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Install performs a correct signed install of clientKey into the stack.
func (a *Atlassian) Install(t testing.TB, s *Stack, appKey, clientKey, secret string) {
	t.Helper()
	tok := SignRS256(t, a.Key, a.Kid, LifecycleClaims(s.URL, clientKey, "/lifecycle/installed", s.Now()))
	resp := s.Post(t, "/lifecycle/installed", "JWT "+tok, Payload(appKey, clientKey, secret, "https://"+clientKey+".example.net", "installed"), nil)
	if resp.StatusCode != http.StatusNoContent && resp.StatusCode != http.StatusOK {
		t.Fatalf("install %s: status %d", clientKey, resp.StatusCode)
	}
}

// Post sends a POST with an optional Authorization header and extra headers.
func (s *Stack) Post(t testing.TB, path, auth string, body []byte, header http.Header) *http.Response {
	t.Helper()
	return s.Do(t, http.MethodPost, path, auth, body, header)
}

// Do sends one request to Remit and reads the body into memory.
func (s *Stack) Do(t testing.TB, method, path, auth string, body []byte, header http.Header) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, s.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(resp.Body)
	resp.Body.Close()
	resp.Body = readCloser{bytes.NewReader(buf.Bytes())}
	return resp
}

type readCloser struct{ *bytes.Reader }

func (readCloser) Close() error { return nil }

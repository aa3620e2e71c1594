package forge

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/remitapp/remit/internal/remit"
)

const (
	testApp   = "ari:cloud:ecosystem::app/11111111-1111-1111-1111-111111111111"
	otherApp  = "ari:cloud:ecosystem::app/22222222-2222-2222-2222-222222222222"
	testInst  = "ari:cloud:ecosystem::installation/33333333-3333-3333-3333-333333333333"
	testCloud = "44444444-4444-4444-4444-444444444444"
)

var (
	keyOnce          sync.Once
	signKey, rogueKy *rsa.PrivateKey
)

func keys(t *testing.T) (*rsa.PrivateKey, *rsa.PrivateKey) {
	t.Helper()
	keyOnce.Do(func() {
		signKey, _ = rsa.GenerateKey(rand.Reader, 2048)
		rogueKy, _ = rsa.GenerateKey(rand.Reader, 2048)
	})
	return signKey, rogueKy
}

// jwksServer publishes the given keys and counts fetches.
type jwksServer struct {
	mu    sync.Mutex
	keys  map[string]*rsa.PublicKey
	count int
	srv   *httptest.Server
}

func newJWKSServer(t *testing.T, keys map[string]*rsa.PublicKey) *jwksServer {
	j := &jwksServer{keys: keys}
	j.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		j.mu.Lock()
		defer j.mu.Unlock()
		j.count++
		var set struct {
			Keys []map[string]string `json:"keys"`
		}
		for kid, k := range j.keys {
			set.Keys = append(set.Keys, JWK(kid, k))
		}
		_ = json.NewEncoder(w).Encode(set)
	}))
	t.Cleanup(j.srv.Close)
	return j
}

func (j *jwksServer) set(kid string, k *rsa.PublicKey) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.keys[kid] = k
}

func (j *jwksServer) fetches() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.count
}

var now = time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)

func validClaims() jwt.MapClaims {
	return jwt.MapClaims{
		"iss": Issuer, "aud": testApp,
		"iat": now.Add(-10 * time.Second).Unix(), "nbf": now.Add(-10 * time.Second).Unix(), "exp": now.Add(5 * time.Minute).Unix(),
		"jti": "fit-1",
		"app": map[string]any{
			"id": testApp, "version": "3", "installationId": testInst,
			"apiBaseUrl":  "https://api.example.test/ex/jira/" + testCloud,
			"environment": map[string]any{"type": "PRODUCTION", "id": "env"},
			"module":      map[string]any{"key": "remit-issue-context", "type": "xen:macro"},
		},
		"context":   map[string]any{"cloudId": testCloud, "siteUrl": "https://acme.example.test"},
		"principal": "557058:user-1",
	}
}

func signRS(t *testing.T, key *rsa.PrivateKey, kid string, c jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, c)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func newVerifier(t *testing.T) (*Verifier, *jwksServer) {
	good, _ := keys(t)
	j := newJWKSServer(t, map[string]*rsa.PublicKey{"k1": &good.PublicKey})
	v := &Verifier{Keys: &KeySet{URL: j.srv.URL, Now: func() time.Time { return now }}, AppID: testApp, Now: func() time.Time { return now }}
	return v, j
}

func request(auth string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/forge/events", nil)
	if auth != "" {
		r.Header.Set("Authorization", auth)
	}
	r.Header.Set(HeaderSystemToken, "system-token")
	return r
}

func TestVerifyAcceptsAValidToken(t *testing.T) {
	v, _ := newVerifier(t)
	good, _ := keys(t)
	inv, err := v.Verify(context.Background(), request("Bearer "+signRS(t, good, "k1", validClaims())))
	if err != nil {
		t.Fatal(err)
	}
	want := Invocation{AppID: testApp, AppVersion: "3", InstallationID: testInst, CloudID: testCloud,
		APIBaseURL: "https://api.example.test/ex/jira/" + testCloud, SiteURL: "https://acme.example.test",
		Principal: "557058:user-1", ModuleKey: "remit-issue-context", ModuleType: "xen:macro", Environment: "PRODUCTION", SystemToken: "system-token"}
	inv.Context, inv.ExpiresAt = nil, time.Time{}
	if !reflect.DeepEqual(inv, want) {
		t.Fatalf("got %+v\nwant %+v", inv, want)
	}
}

// TestVerifyReadsTheLicence: context.license.isActive becomes the
// invocation's licence, in the words of Connect's lic parameter; an
// invocation without one (a free listing, a development environment)
// or with one Remit cannot read carries none.
func TestVerifyReadsTheLicence(t *testing.T) {
	v, _ := newVerifier(t)
	good, _ := keys(t)
	for name, tc := range map[string]struct {
		license any
		want    string
	}{
		"active":        {map[string]any{"isActive": true, "type": "commercial"}, LicenceActive},
		"inactive":      {map[string]any{"isActive": false}, LicenceNone},
		"absent":        {nil, ""},
		"null":          {"null", ""},
		"no isActive":   {map[string]any{"type": "evaluation"}, ""},
		"not a boolean": {map[string]any{"isActive": "yes"}, ""},
	} {
		t.Run(name, func(t *testing.T) {
			c := validClaims()
			ctx := c["context"].(map[string]any)
			switch tc.license {
			case nil:
			case "null":
				ctx["license"] = nil
			default:
				ctx["license"] = tc.license
			}
			inv, err := v.Verify(context.Background(), request("Bearer "+signRS(t, good, "k1", c)))
			if err != nil {
				t.Fatal(err)
			}
			if inv.Licence != tc.want {
				t.Fatalf("licence %q, want %q", inv.Licence, tc.want)
			}
		})
	}
}

// TestVerifyRefuses is the unit-level Forge security matrix: each case
// changes one thing about a valid token and must be refused as
// Unauthorized.
func TestVerifyRefuses(t *testing.T) {
	good, rogue := keys(t)
	with := func(mut func(c jwt.MapClaims)) string {
		c := validClaims()
		mut(c)
		return "Bearer " + signRS(t, good, "k1", c)
	}
	pemKey := func() []byte {
		der, _ := x509.MarshalPKIXPublicKey(&good.PublicKey)
		return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	}
	hs := func(key []byte) string {
		tok := jwt.NewWithClaims(jwt.SigningMethodHS256, validClaims())
		tok.Header["kid"] = "k1"
		s, _ := tok.SignedString(key)
		return "Bearer " + s
	}
	none := func() string {
		tok := jwt.NewWithClaims(jwt.SigningMethodNone, validClaims())
		tok.Header["kid"] = "k1"
		s, _ := tok.SignedString(jwt.UnsafeAllowNoneSignatureType)
		return "Bearer " + s
	}
	rs512 := func() string {
		tok := jwt.NewWithClaims(jwt.SigningMethodRS512, validClaims())
		tok.Header["kid"] = "k1"
		s, _ := tok.SignedString(good)
		return "Bearer " + s
	}
	tampered := func() string {
		s := signRS(t, good, "k1", validClaims())
		parts := strings.Split(s, ".")
		c := validClaims()
		c["principal"] = "557058:admin"
		b, _ := json.Marshal(c)
		parts[1] = strings.TrimRight(jwtEncode(b), "=")
		return "Bearer " + strings.Join(parts, ".")
	}
	cases := map[string]string{
		"no Authorization header":         "",
		"Connect JWT scheme, not Bearer":  "JWT " + signRS(t, good, "k1", validClaims()),
		"empty bearer":                    "Bearer ",
		"malformed token":                 "Bearer not.a.token",
		"wrong iss":                       with(func(c jwt.MapClaims) { c["iss"] = "forge/other" }),
		"missing iss":                     with(func(c jwt.MapClaims) { delete(c, "iss") }),
		"wrong aud":                       with(func(c jwt.MapClaims) { c["aud"] = "ari:cloud:ecosystem::app/evil" }),
		"token of app X for app Y":        with(func(c jwt.MapClaims) { c["aud"] = otherApp; c["app"].(map[string]any)["id"] = otherApp }),
		"app.id differs from aud":         with(func(c jwt.MapClaims) { c["app"].(map[string]any)["id"] = otherApp }),
		"expired":                         with(func(c jwt.MapClaims) { c["exp"] = now.Add(-time.Minute).Unix() }),
		"nbf in the future":               with(func(c jwt.MapClaims) { c["nbf"] = now.Add(5 * time.Minute).Unix() }),
		"iat in the future":               with(func(c jwt.MapClaims) { c["iat"] = now.Add(5 * time.Minute).Unix() }),
		"no exp":                          with(func(c jwt.MapClaims) { delete(c, "exp") }),
		"no iat":                          with(func(c jwt.MapClaims) { delete(c, "iat") }),
		"unknown kid the JWKS lacks":      "Bearer " + signRS(t, good, "k-unknown", validClaims()),
		"no kid":                          "Bearer " + signRS(t, good, "", validClaims()),
		"signed by another key, same kid": "Bearer " + signRS(t, rogue, "k1", validClaims()),
		"HS256 keyed with the public key": hs(pemKey()),
		"HS256 with a guessed secret":     hs([]byte("secret")),
		"alg none":                        none(),
		"RS512 instead of RS256":          rs512(),
		"payload tampered after signing":  tampered(),
		"no installation":                 with(func(c jwt.MapClaims) { delete(c["app"].(map[string]any), "installationId") }),
		"installation not an ARI":         with(func(c jwt.MapClaims) { c["app"].(map[string]any)["installationId"] = "inst-1" }),
		"no cloudId":                      with(func(c jwt.MapClaims) { delete(c, "context") }),
		"apiBaseUrl not absolute":         with(func(c jwt.MapClaims) { c["app"].(map[string]any)["apiBaseUrl"] = "/ex/jira/x" }),
		"apiBaseUrl with credentials":     with(func(c jwt.MapClaims) { c["app"].(map[string]any)["apiBaseUrl"] = "https://u:p@evil.test/" }),
		"context of the wrong type":       with(func(c jwt.MapClaims) { c["context"] = "cloud" }),
		"oversized token":                 "Bearer " + strings.Repeat("a", maxTokenBytes+1),
	}
	for name, auth := range cases {
		t.Run(name, func(t *testing.T) {
			v, _ := newVerifier(t)
			_, err := v.Verify(context.Background(), request(auth))
			if !remit.IsKind(err, remit.Unauthorized) {
				t.Fatalf("got %v, want Unauthorized", err)
			}
		})
	}
	if len(cases) < 15 {
		t.Fatalf("matrix has %d cases", len(cases))
	}
}

func jwtEncode(b []byte) string {
	return strings.TrimRight(base64URL(b), "=")
}

// TestUnknownKIDRefetchesOnceRateLimited checks key rotation and the
// refetch limit: a new kid published after the first fetch is found by
// one refetch; a flood of made-up kids costs no further fetches until
// MinRefetch has passed.
func TestUnknownKIDRefetchesOnceRateLimited(t *testing.T) {
	good, rogue := keys(t)
	clock := now
	j := newJWKSServer(t, map[string]*rsa.PublicKey{"k1": &good.PublicKey})
	ks := &KeySet{URL: j.srv.URL, MinRefetch: time.Minute, Now: func() time.Time { return clock }}
	v := &Verifier{Keys: ks, AppID: testApp, Now: func() time.Time { return now }}
	ctx := context.Background()
	if _, err := v.Verify(ctx, request("Bearer "+signRS(t, good, "k1", validClaims()))); err != nil {
		t.Fatal(err)
	}
	if j.fetches() != 1 {
		t.Fatalf("fetches = %d after the first token, want 1", j.fetches())
	}
	// Rotation: Atlassian publishes k2 after Remit cached the set.
	j.set("k2", &rogue.PublicKey)
	clock = clock.Add(2 * time.Minute)
	if _, err := v.Verify(ctx, request("Bearer "+signRS(t, rogue, "k2", validClaims()))); err != nil {
		t.Fatalf("rotated key refused: %v", err)
	}
	if j.fetches() != 2 {
		t.Fatalf("fetches = %d after rotation, want 2", j.fetches())
	}
	for i := range 20 {
		kid := "made-up-" + string(rune('a'+i))
		if _, err := v.Verify(ctx, request("Bearer "+signRS(t, good, kid, validClaims()))); !remit.IsKind(err, remit.Unauthorized) {
			t.Fatalf("made-up kid %s: %v", kid, err)
		}
	}
	if j.fetches() != 2 {
		t.Fatalf("fetches = %d after 20 unknown kids within MinRefetch, want still 2", j.fetches())
	}
	clock = clock.Add(2 * time.Minute)
	_, _ = v.Verify(ctx, request("Bearer "+signRS(t, good, "made-up-z", validClaims())))
	if j.fetches() != 3 {
		t.Fatalf("fetches = %d once MinRefetch passed, want 3", j.fetches())
	}
	// Known keys keep working from the cache meanwhile.
	if _, err := v.Verify(ctx, request("Bearer "+signRS(t, good, "k1", validClaims()))); err != nil {
		t.Fatal(err)
	}
}

func TestKeySetOutage(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	good, _ := keys(t)
	v := &Verifier{Keys: &KeySet{URL: srv.URL}, AppID: testApp, Now: func() time.Time { return now }}
	_, err := v.Verify(context.Background(), request("Bearer "+signRS(t, good, "k1", validClaims())))
	if !remit.IsKind(err, remit.Unavailable) {
		t.Fatalf("key server down: got %v, want Unavailable", err)
	}
}

func TestParseJWKS(t *testing.T) {
	good, _ := keys(t)
	jwk := JWK("k1", &good.PublicKey)
	doc := func(entries ...any) []byte { b, _ := json.Marshal(map[string]any{"keys": entries}); return b }
	small, _ := rsa.GenerateKey(rand.Reader, 1024)
	cases := []struct {
		name string
		doc  []byte
		kids []string
	}{
		{"one RSA key", doc(jwk), []string{"k1"}},
		{"skips encryption keys", doc(jwk, map[string]string{"kty": "RSA", "kid": "enc", "use": "enc", "n": jwk["n"], "e": jwk["e"]}), []string{"k1"}},
		{"skips EC keys", doc(jwk, map[string]string{"kty": "EC", "kid": "ec"}), []string{"k1"}},
		{"skips keys under 2048 bits", doc(jwk, JWK("small", &small.PublicKey)), []string{"k1"}},
		{"skips other algorithms", doc(jwk, map[string]string{"kty": "RSA", "kid": "ps", "alg": "PS256", "n": jwk["n"], "e": jwk["e"]}), []string{"k1"}},
		{"no usable key", doc(map[string]string{"kty": "EC", "kid": "ec"}), nil},
		{"not JSON", []byte("<html>"), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseJWKS(c.doc)
			if c.kids == nil {
				if err == nil {
					t.Fatalf("parsed %v", got)
				}
				return
			}
			if err != nil || len(got) != len(c.kids) {
				t.Fatalf("got %v, %v", got, err)
			}
			for _, k := range c.kids {
				if got[k] == nil || got[k].N.Cmp(good.N) != 0 {
					t.Fatalf("key %s wrong", k)
				}
			}
		})
	}
}

func base64URL(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

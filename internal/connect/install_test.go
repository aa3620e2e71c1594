package connect

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/remitapp/remit/internal/remit"
)

const installBody = `{"key":"io.remit.jira","clientKey":"tenant-a","sharedSecret":"new-secret","baseUrl":"https://acme.atlassian.net",` +
	`"displayUrl":"https://jira.acme.com","productType":"jira","description":"Acme","serviceEntitlementNumber":"SEN-1",` +
	`"oauthClientId":"oauth-1","eventType":"installed","installationId":"ari:cloud:ecosystem::installation/1",` +
	`"entitlementId":"ent-1","entitlementNumber":"E-1"}`

// keyServer is an httptest stand-in for the Connect install key CDN.
type keyServer struct {
	*httptest.Server
	mu   sync.Mutex
	hits map[string]int
}

func pkixPEM(t testing.TB, k *rsa.PublicKey) []byte {
	der, err := x509.MarshalPKIXPublicKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

func newKeyServer(t testing.TB) *keyServer {
	k1, k2 := testRSAKeys(t)
	pem1, pem2 := pkixPEM(t, &k1.PublicKey), pkixPEM(t, &k2.PublicKey)
	pkcs1 := pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&k1.PublicKey)})
	ks := &keyServer{hits: map[string]int{}}
	ks.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ks.mu.Lock()
		ks.hits[r.URL.Path]++
		ks.mu.Unlock()
		switch r.URL.Path {
		case "/kid-1":
			w.Write(pem1)
		case "/kid-2":
			w.Write(pem2)
		case "/kid-pkcs1":
			w.Write(pkcs1)
		case "/kid-500":
			http.Error(w, "boom", http.StatusInternalServerError)
		case "/kid-slow":
			select {
			case <-time.After(2 * time.Second):
			case <-r.Context().Done():
			}
			w.Write(pem1)
		case "/kid-bad":
			w.Write([]byte("-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----\n"))
		case "/kid-huge":
			w.Write([]byte(strings.Repeat("A", 64<<10)))
		case "/kid-delay":
			time.Sleep(100 * time.Millisecond)
			w.Write(pem1)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(ks.Close)
	return ks
}

func (ks *keyServer) count(path string) int {
	ks.mu.Lock()
	defer ks.mu.Unlock()
	return ks.hits[path]
}

func installClaims() jwt.MapClaims {
	return jwt.MapClaims{
		"iss": "tenant-a",
		"aud": []string{"https://remit.test"},
		"iat": testNow.Add(-5 * time.Second).Unix(),
		"exp": testNow.Add(3 * time.Minute).Unix(),
		"qsh": QSH(http.MethodPost, "/lifecycle/installed", "", ""),
	}
}

func installRequest(token string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "https://remit.test/lifecycle/installed", strings.NewReader(installBody))
	r.Header.Set("Content-Type", "application/json")
	if token != "" {
		r.Header.Set("Authorization", "JWT "+token)
	}
	return r
}

func newInstallVerifier(ks *keyServer) *InstallVerifier {
	return &InstallVerifier{
		Keys:    &KeyFetcher{URL: ks.URL, Timeout: 200 * time.Millisecond, Now: fixedClock},
		BaseURL: "https://remit.test/",
		Now:     fixedClock,
	}
}

func TestInstallVerifyAccepts(t *testing.T) {
	ks := newKeyServer(t)
	k1, _ := testRSAKeys(t)
	tests := []struct {
		name    string
		kid     string
		baseURL string
		url     string
		claims  jwt.MapClaims
	}{
		{"PKIX key, array aud with trailing slash", "kid-1", "https://remit.test", "https://remit.test/lifecycle/installed",
			with(installClaims(), map[string]any{"aud": []string{"https://remit.test/"}})},
		{"PKCS1 key, string aud", "kid-pkcs1", "https://remit.test/", "https://remit.test/lifecycle/installed",
			with(installClaims(), map[string]any{"aud": "https://remit.test"})},
		{"app under a base path", "kid-1", "https://remit.test/remit", "https://remit.test/remit/lifecycle/installed",
			with(installClaims(), map[string]any{"aud": []string{"https://remit.test/remit"}})},
		{"expired within leeway", "kid-1", "https://remit.test", "https://remit.test/lifecycle/installed",
			with(installClaims(), map[string]any{"exp": testNow.Add(-20 * time.Second).Unix()})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := newInstallVerifier(ks)
			v.BaseURL = tc.baseURL
			tok := mint(t, jwt.SigningMethodRS256, k1, tc.claims, map[string]any{"kid": tc.kid})
			r := httptest.NewRequest(http.MethodPost, tc.url, nil)
			r.Header.Set("Authorization", "JWT "+tok)
			p, claims, err := v.Verify(t.Context(), r, []byte(installBody))
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			want := LifecyclePayload{Key: "io.remit.jira", ClientKey: "tenant-a", SharedSecret: "new-secret", BaseURL: "https://acme.atlassian.net",
				DisplayURL: "https://jira.acme.com", ProductType: "jira", Description: "Acme", ServiceEntitlementNumber: "SEN-1",
				OAuthClientID: "oauth-1", EventType: "installed", InstallationID: "ari:cloud:ecosystem::installation/1",
				EntitlementID: "ent-1", EntitlementNumber: "E-1"}
			if p != want {
				t.Errorf("payload = %+v\nwant %+v", p, want)
			}
			if claims.Issuer != "tenant-a" {
				t.Errorf("iss = %q", claims.Issuer)
			}
		})
	}
}

func TestInstallVerifyRejects(t *testing.T) {
	ks := newKeyServer(t)
	k1, k2 := testRSAKeys(t)
	valid := installClaims()
	rs := func(kid string, key *rsa.PrivateKey, c jwt.MapClaims) string {
		return mint(t, jwt.SigningMethodRS256, key, c, map[string]any{"kid": kid})
	}
	good := rs("kid-1", k1, valid)
	parts := strings.Split(good, ".")

	tests := []struct {
		name  string
		token string
		body  string
		kind  remit.Kind
		msg   string
	}{
		{"no token", "", installBody, remit.Unauthorized, "missing token"},
		{"alg none", mint(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, valid, map[string]any{"kid": "kid-1"}), installBody, remit.Unauthorized, "install token must be RS256"},
		{"signature stripped", parts[0] + "." + parts[1] + ".", installBody, remit.Unauthorized, "invalid signature"},
		{"HS256 keyed with the public PEM", mint(t, jwt.SigningMethodHS256, pkixPEM(t, &k1.PublicKey), valid, map[string]any{"kid": "kid-1"}), installBody, remit.Unauthorized, "install token must be RS256"},
		{"HS256 with the shared secret", mint(t, jwt.SigningMethodHS256, []byte("secret-a"), valid, nil), installBody, remit.Unauthorized, "install token must be RS256"},
		{"RS512", mint(t, jwt.SigningMethodRS512, k1, valid, map[string]any{"kid": "kid-1"}), installBody, remit.Unauthorized, "install token must be RS256"},
		{"PS256", mint(t, jwt.SigningMethodPS256, k1, valid, map[string]any{"kid": "kid-1"}), installBody, remit.Unauthorized, "install token must be RS256"},
		{"missing kid", mint(t, jwt.SigningMethodRS256, k1, valid, nil), installBody, remit.Unauthorized, "install token lacks kid"},
		{"numeric kid", mint(t, jwt.SigningMethodRS256, k1, valid, map[string]any{"kid": 7}), installBody, remit.Unauthorized, "malformed token"},
		{"unknown kid (404)", rs("kid-404", k1, valid), installBody, remit.Unauthorized, "unknown signing key"},
		{"kid of another key", rs("kid-2", k1, valid), installBody, remit.Unauthorized, "invalid signature"},
		{"signed by another key", rs("kid-1", k2, valid), installBody, remit.Unauthorized, "invalid signature"},
		{"path-traversal kid", rs("../kid-1", k1, valid), installBody, remit.Unauthorized, "signing key unavailable"},
		{"dot-dot kid", rs("..", k1, valid), installBody, remit.Unauthorized, "signing key unavailable"},
		{"slash in kid", rs("kid-1/../kid-1", k1, valid), installBody, remit.Unauthorized, "signing key unavailable"},
		{"query in kid", rs("kid-1?x=1", k1, valid), installBody, remit.Unauthorized, "signing key unavailable"},
		{"escaped kid", rs("%2e%2e", k1, valid), installBody, remit.Unauthorized, "signing key unavailable"},
		{"key server 500", rs("kid-500", k1, valid), installBody, remit.Unauthorized, "signing key unavailable"},
		{"key server timeout", rs("kid-slow", k1, valid), installBody, remit.Unauthorized, "signing key unavailable"},
		{"malformed PEM", rs("kid-bad", k1, valid), installBody, remit.Unauthorized, "signing key unavailable"},
		{"oversized key response", rs("kid-huge", k1, valid), installBody, remit.Unauthorized, "signing key unavailable"},
		{"wrong aud", rs("kid-1", k1, with(valid, map[string]any{"aud": []string{"https://evil.test"}})), installBody, remit.Unauthorized, "aud does not match the app base URL"},
		{"aud is a prefix of ours", rs("kid-1", k1, with(valid, map[string]any{"aud": "https://remit.tes"})), installBody, remit.Unauthorized, "aud does not match the app base URL"},
		{"missing aud", rs("kid-1", k1, with(valid, map[string]any{"aud": nil})), installBody, remit.Unauthorized, "aud does not match the app base URL"},
		{"wrong qsh", rs("kid-1", k1, with(valid, map[string]any{"qsh": QSH(http.MethodPost, "/lifecycle/uninstalled", "", "")})), installBody, remit.Unauthorized, "qsh mismatch"},
		{"context qsh", rs("kid-1", k1, with(valid, map[string]any{"qsh": ContextQSH})), installBody, remit.Unauthorized, "qsh mismatch"},
		{"missing qsh", rs("kid-1", k1, with(valid, map[string]any{"qsh": nil})), installBody, remit.Unauthorized, "token lacks qsh"},
		{"missing iss", rs("kid-1", k1, with(valid, map[string]any{"iss": nil})), installBody, remit.Unauthorized, "token lacks iss"},
		{"iss is not the clientKey", rs("kid-1", k1, with(valid, map[string]any{"iss": "tenant-b"})), installBody, remit.Unauthorized, "iss does not match clientKey"},
		{"expired", rs("kid-1", k1, with(valid, map[string]any{"exp": testNow.Add(-time.Minute).Unix()})), installBody, remit.Unauthorized, "token expired"},
		{"missing exp", rs("kid-1", k1, with(valid, map[string]any{"exp": nil})), installBody, remit.Unauthorized, "token lacks a required claim"},
		{"iat in the future", rs("kid-1", k1, with(valid, map[string]any{"iat": testNow.Add(time.Hour).Unix()})), installBody, remit.Unauthorized, "token issued in the future"},
		{"missing iat", rs("kid-1", k1, with(valid, map[string]any{"iat": nil})), installBody, remit.Unauthorized, "token lacks iat"},
		{"body not JSON", good, "clientKey=tenant-a", remit.Invalid, "lifecycle body is not valid JSON"},
		{"body without clientKey", good, `{"baseUrl":"https://acme.atlassian.net"}`, remit.Invalid, "lifecycle body lacks clientKey or baseUrl"},
		{"body without baseUrl", good, `{"clientKey":"tenant-a"}`, remit.Invalid, "lifecycle body lacks clientKey or baseUrl"},
	}
	v := newInstallVerifier(ks)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := v.Verify(t.Context(), installRequest(tc.token), []byte(tc.body))
			wantKind(t, err, tc.kind)
			if msg := err.(*remit.Error).Msg; msg != tc.msg {
				t.Errorf("message %q, want %q (%v)", msg, tc.msg, err)
			}
		})
	}
	for _, p := range []string{"/..", "/%2e%2e", "/kid-1/../kid-1"} {
		if n := ks.count(p); n != 0 {
			t.Errorf("key server saw %d requests for %s", n, p)
		}
	}
}

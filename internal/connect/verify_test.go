package connect

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/remitapp/remit/internal/remit"
)

const webhookURL = "https://remit.test/webhooks/jira?user_id=557058%3Aabc&user_key=x"

// webhookClaims are valid request-token claims for a POST to webhookURL.
func webhookClaims() jwt.MapClaims {
	u, _ := url.Parse(webhookURL)
	return jwt.MapClaims{
		"iss": "tenant-a",
		"iat": testNow.Add(-10 * time.Second).Unix(),
		"exp": testNow.Add(3 * time.Minute).Unix(),
		"qsh": QSHForURL(http.MethodPost, u, ""),
	}
}

// with returns a copy of c with the changes applied (nil deletes).
func with(c jwt.MapClaims, changes map[string]any) jwt.MapClaims {
	out := jwt.MapClaims{}
	for k, v := range c {
		out[k] = v
	}
	for k, v := range changes {
		if v == nil {
			delete(out, k)
			continue
		}
		out[k] = v
	}
	return out
}

func hs256(t testing.TB, secret string, claims jwt.MapClaims) string {
	return mint(t, jwt.SigningMethodHS256, []byte(secret), claims, nil)
}

// rawHS256 signs arbitrary header and payload JSON, for shapes the JWT
// library refuses to produce (empty keys, odd claim types).
func rawHS256(secret, header, payload string) string {
	enc := base64.RawURLEncoding
	input := enc.EncodeToString([]byte(header)) + "." + enc.EncodeToString([]byte(payload))
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(input))
	return input + "." + enc.EncodeToString(mac.Sum(nil))
}

func webhookRequest(token string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, webhookURL, strings.NewReader(`{"webhookEvent":"jira:issue_updated"}`))
	r.Header.Set("Content-Type", "application/json")
	if token != "" {
		r.Header.Set("Authorization", "JWT "+token)
	}
	return r
}

func TestVerifyRejects(t *testing.T) {
	rsaKey, _ := testRSAKeys(t)
	valid := webhookClaims()
	otherPath := with(valid, map[string]any{"qsh": QSH(http.MethodPost, "/webhooks/other", "user_id=557058%3Aabc&user_key=x", "")})
	otherQuery := with(valid, map[string]any{"qsh": QSH(http.MethodPost, "/webhooks/jira", "user_id=someone-else", "")})
	otherMethod := with(valid, map[string]any{"qsh": QSH(http.MethodGet, "/webhooks/jira", "user_id=557058%3Aabc&user_key=x", "")})
	good := hs256(t, "secret-a", valid)
	parts := strings.Split(good, ".")
	tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"iss":"tenant-b","exp":9999999999,"iat":1,"qsh":"x"}`)) + "." + parts[2]

	tests := []struct {
		name string
		kind TokenKind
		msg  string // the caller-safe message, so each case fails for its own reason
		req  func() *http.Request
	}{
		{"no token", RequestToken, "missing token", func() *http.Request { return webhookRequest("") }},
		{"alg none", RequestToken, "token must be HS256", func() *http.Request {
			return webhookRequest(mint(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, valid, nil))
		}},
		{"unsigned, signature stripped", RequestToken, "invalid signature", func() *http.Request { return webhookRequest(parts[0] + "." + parts[1] + ".") }},
		{"wrong secret", RequestToken, "invalid signature", func() *http.Request { return webhookRequest(hs256(t, "secret-b", valid)) }},
		{"HS384 with the right secret", RequestToken, "token must be HS256", func() *http.Request {
			return webhookRequest(mint(t, jwt.SigningMethodHS384, []byte("secret-a"), valid, nil))
		}},
		{"HS512 with the right secret", RequestToken, "token must be HS256", func() *http.Request {
			return webhookRequest(mint(t, jwt.SigningMethodHS512, []byte("secret-a"), valid, nil))
		}},
		{"RS256 on a request route", RequestToken, "token must be HS256", func() *http.Request {
			return webhookRequest(mint(t, jwt.SigningMethodRS256, rsaKey, valid, map[string]any{"kid": "kid-1"}))
		}},
		{"expired beyond leeway", RequestToken, "token expired", func() *http.Request {
			return webhookRequest(hs256(t, "secret-a", with(valid, map[string]any{"exp": testNow.Add(-31 * time.Second).Unix()})))
		}},
		{"missing exp", RequestToken, "token lacks a required claim", func() *http.Request {
			return webhookRequest(hs256(t, "secret-a", with(valid, map[string]any{"exp": nil})))
		}},
		{"exp as a string", RequestToken, "malformed token", func() *http.Request {
			return webhookRequest(hs256(t, "secret-a", with(valid, map[string]any{"exp": "tomorrow"})))
		}},
		{"far-future iat", RequestToken, "token issued in the future", func() *http.Request {
			return webhookRequest(hs256(t, "secret-a", with(valid, map[string]any{"iat": testNow.Add(5 * time.Minute).Unix()})))
		}},
		{"missing iat", RequestToken, "token lacks iat", func() *http.Request {
			return webhookRequest(hs256(t, "secret-a", with(valid, map[string]any{"iat": nil})))
		}},
		{"nbf in the future", RequestToken, "token not valid yet", func() *http.Request {
			return webhookRequest(hs256(t, "secret-a", with(valid, map[string]any{"nbf": testNow.Add(5 * time.Minute).Unix()})))
		}},
		{"missing qsh", RequestToken, "token lacks qsh", func() *http.Request {
			return webhookRequest(hs256(t, "secret-a", with(valid, map[string]any{"qsh": nil})))
		}},
		{"wrong qsh", RequestToken, "qsh mismatch", func() *http.Request {
			return webhookRequest(hs256(t, "secret-a", with(valid, map[string]any{"qsh": "abc"})))
		}},
		{"qsh as a number", RequestToken, "malformed token", func() *http.Request {
			return webhookRequest(hs256(t, "secret-a", with(valid, map[string]any{"qsh": 42})))
		}},
		{"qsh of another path", RequestToken, "qsh mismatch", func() *http.Request { return webhookRequest(hs256(t, "secret-a", otherPath)) }},
		{"qsh of another query", RequestToken, "qsh mismatch", func() *http.Request { return webhookRequest(hs256(t, "secret-a", otherQuery)) }},
		{"qsh of another method", RequestToken, "qsh mismatch", func() *http.Request { return webhookRequest(hs256(t, "secret-a", otherMethod)) }},
		{"context token on a request route", RequestToken, "context token not accepted here", func() *http.Request {
			return webhookRequest(hs256(t, "secret-a", with(valid, map[string]any{"qsh": ContextQSH})))
		}},
		{"request token on a context route", ContextToken, "context token required", func() *http.Request { return webhookRequest(good) }},
		{"unknown iss", RequestToken, "unknown tenant", func() *http.Request {
			return webhookRequest(hs256(t, "secret-a", with(valid, map[string]any{"iss": "tenant-unknown"})))
		}},
		{"missing iss", RequestToken, "token lacks iss", func() *http.Request {
			return webhookRequest(hs256(t, "secret-a", with(valid, map[string]any{"iss": nil})))
		}},
		{"numeric iss", RequestToken, "malformed token", func() *http.Request {
			return webhookRequest(hs256(t, "secret-a", with(valid, map[string]any{"iss": 12345})))
		}},
		{"array iss", RequestToken, "malformed token", func() *http.Request {
			return webhookRequest(hs256(t, "secret-a", with(valid, map[string]any{"iss": []string{"tenant-a"}})))
		}},
		{"uninstalled tenant", RequestToken, "tenant not installed", func() *http.Request {
			return webhookRequest(hs256(t, "secret-gone", with(valid, map[string]any{"iss": "tenant-gone"})))
		}},
		{"disabled tenant", RequestToken, "tenant disabled", func() *http.Request {
			return webhookRequest(hs256(t, "secret-off", with(valid, map[string]any{"iss": "tenant-off"})))
		}},
		{"tenant without a secret, empty HMAC key", RequestToken, "tenant has no shared secret", func() *http.Request {
			c := with(valid, map[string]any{"iss": "tenant-empty"})
			payload := `{"iss":"tenant-empty","iat":` + jsonNum(c["iat"]) + `,"exp":` + jsonNum(c["exp"]) + `,"qsh":"` + c["qsh"].(string) + `"}`
			return webhookRequest(rawHS256("", `{"alg":"HS256","typ":"JWT"}`, payload))
		}},
		{"aud of numbers", RequestToken, "malformed token", func() *http.Request {
			return webhookRequest(hs256(t, "secret-a", with(valid, map[string]any{"aud": []int{1, 2}})))
		}},
		{"tampered payload", RequestToken, "invalid signature", func() *http.Request { return webhookRequest(tampered) }},
		{"oversized token", RequestToken, "token too large", func() *http.Request {
			return webhookRequest(hs256(t, "secret-a", with(valid, map[string]any{"pad": strings.Repeat("x", MaxTokenBytes)})))
		}},
		{"malformed base64", RequestToken, "malformed token", func() *http.Request { return webhookRequest("!!!.@@@.###") }},
		{"not a JWT", RequestToken, "malformed token", func() *http.Request { return webhookRequest("hello") }},
		{"header is not JSON", RequestToken, "malformed token", func() *http.Request { return webhookRequest(rawHS256("secret-a", `nope`, `{}`)) }},
		{"empty JWT header value", RequestToken, "missing token", func() *http.Request {
			r := webhookRequest("")
			r.Header.Set("Authorization", "JWT ")
			return r
		}},
		{"Bearer instead of JWT", RequestToken, "missing token", func() *http.Request {
			r := webhookRequest("")
			r.Header.Set("Authorization", "Bearer "+good)
			return r
		}},
		{"token in both query and form body", RequestToken, "token in both query and body", func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "https://remit.test/pages/admin?jwt="+good, strings.NewReader("jwt="+good))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return r
		}},
	}
	if len(tests) < 25 {
		t.Fatalf("only %d cases", len(tests))
	}
	v := &Verifier{Tenants: testTenants(), Now: fixedClock}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := v.Verify(t.Context(), tc.req(), tc.kind)
			wantKind(t, err, remit.Unauthorized)
			if msg := err.(*remit.Error).Msg; msg != tc.msg {
				t.Errorf("message %q, want %q", msg, tc.msg)
			}
		})
	}
}

func jsonNum(v any) string { return strconv.FormatInt(v.(int64), 10) }

func TestVerifyAccepts(t *testing.T) {
	valid := webhookClaims()
	iframeURL := "https://remit.test/remit/pages/issue-panel?issueKey=ACME-1&lic=active"
	iframeClaims := with(valid, map[string]any{"qsh": QSH(http.MethodGet, "/pages/issue-panel", "issueKey=ACME-1&lic=active", "")})
	formURL := "https://remit.test/pages/admin?tab=rates"
	formClaims := with(valid, map[string]any{"qsh": QSH(http.MethodPost, "/pages/admin", "tab=rates", "")})
	ctxClaims := jwt.MapClaims{"iss": "tenant-a", "sub": "557058:user", "qsh": ContextQSH, "iat": testNow.Unix(), "exp": testNow.Add(5 * time.Minute).Unix(),
		"context": map[string]any{"jira": map[string]any{"issue": map[string]any{"key": "ACME-1"}}}}

	tests := []struct {
		name     string
		kind     TokenKind
		basePath string
		req      func() *http.Request
		wantSub  string
	}{
		{"webhook with header token", RequestToken, "", func() *http.Request { return webhookRequest(hs256(t, "secret-a", valid)) }, ""},
		{"expired within leeway", RequestToken, "", func() *http.Request {
			return webhookRequest(hs256(t, "secret-a", with(valid, map[string]any{"exp": testNow.Add(-20 * time.Second).Unix()})))
		}, ""},
		{"iat slightly ahead within leeway", RequestToken, "", func() *http.Request {
			return webhookRequest(hs256(t, "secret-a", with(valid, map[string]any{"iat": testNow.Add(20 * time.Second).Unix()})))
		}, ""},
		{"string aud", RequestToken, "", func() *http.Request {
			return webhookRequest(hs256(t, "secret-a", with(valid, map[string]any{"aud": "tenant-a"})))
		}, ""},
		{"array aud", RequestToken, "", func() *http.Request {
			return webhookRequest(hs256(t, "secret-a", with(valid, map[string]any{"aud": []string{"tenant-a", "x"}})))
		}, ""},
		{"iframe load with query token under a base path", RequestToken, "/remit", func() *http.Request {
			return httptest.NewRequest(http.MethodGet, iframeURL+"&jwt="+hs256(t, "secret-a", iframeClaims), nil)
		}, ""},
		{"token in an urlencoded form body", RequestToken, "", func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, formURL, strings.NewReader("jwt="+hs256(t, "secret-a", formClaims)+"&x=1"))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return r
		}, ""},
		{"context token", ContextToken, "", func() *http.Request {
			r := httptest.NewRequest(http.MethodGet, "https://remit.test/api/v1/invoices?status=open", nil)
			r.Header.Set("Authorization", "JWT "+hs256(t, "secret-a", ctxClaims))
			return r
		}, "557058:user"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := &Verifier{Tenants: testTenants(), BasePath: tc.basePath, Now: fixedClock}
			tenant, claims, err := v.Verify(t.Context(), tc.req(), tc.kind)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if tenant.ClientKey != "tenant-a" || claims.Issuer != "tenant-a" {
				t.Errorf("tenant %q, iss %q", tenant.ClientKey, claims.Issuer)
			}
			if claims.Subject != tc.wantSub {
				t.Errorf("sub = %q, want %q", claims.Subject, tc.wantSub)
			}
			if claims.ExpiresAt.IsZero() || claims.IssuedAt.IsZero() || claims.QSH == "" {
				t.Errorf("claims incomplete: %+v", claims)
			}
		})
	}
}

func TestVerifyContextClaims(t *testing.T) {
	c := jwt.MapClaims{"iss": "tenant-a", "sub": "acc-1", "aud": "tenant-a", "qsh": ContextQSH, "iat": testNow.Unix(), "exp": testNow.Add(time.Minute).Unix(),
		"context": map[string]any{"license": "active"}}
	r := httptest.NewRequest(http.MethodGet, "https://remit.test/api/v1/me", nil)
	r.Header.Set("Authorization", "JWT "+hs256(t, "secret-a", c))
	_, got, err := (&Verifier{Tenants: testTenants(), Now: fixedClock}).Verify(t.Context(), r, ContextToken)
	if err != nil {
		t.Fatal(err)
	}
	if got.Subject != "acc-1" || len(got.Audience) != 1 || got.Audience[0] != "tenant-a" ||
		!got.IssuedAt.Equal(testNow) || !got.ExpiresAt.Equal(testNow.Add(time.Minute)) || string(got.Context) != `{"license":"active"}` {
		t.Errorf("claims = %+v (context %s)", got, got.Context)
	}
}

func TestVerifyLeeway(t *testing.T) {
	tests := []struct {
		name    string
		leeway  time.Duration
		expAgo  time.Duration
		wantErr bool
	}{
		{"default accepts 29s late", 0, 29 * time.Second, false},
		{"default refuses 31s late", 0, 31 * time.Second, true},
		{"large leeway is capped at 30s", 10 * time.Minute, 31 * time.Second, true},
		{"5s leeway refuses 6s late", 5 * time.Second, 6 * time.Second, true},
		{"5s leeway accepts 4s late", 5 * time.Second, 4 * time.Second, false},
		{"negative leeway means none", -time.Second, time.Second, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := &Verifier{Tenants: testTenants(), Now: fixedClock, Leeway: tc.leeway}
			tok := hs256(t, "secret-a", with(webhookClaims(), map[string]any{"exp": testNow.Add(-tc.expAgo).Unix()}))
			_, _, err := v.Verify(t.Context(), webhookRequest(tok), RequestToken)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			if err != nil {
				wantKind(t, err, remit.Unauthorized)
			}
		})
	}
}

func TestVerifyStoreFailureIsInternal(t *testing.T) {
	tok := hs256(t, "x", with(webhookClaims(), map[string]any{"iss": "tenant-store-down"}))
	_, _, err := (&Verifier{Tenants: testTenants(), Now: fixedClock}).Verify(t.Context(), webhookRequest(tok), RequestToken)
	wantKind(t, err, remit.Internal)
}

func TestTokenFromRequest(t *testing.T) {
	tests := []struct {
		name    string
		req     func() *http.Request
		want    string
		wantErr bool
	}{
		{"query", func() *http.Request { return httptest.NewRequest(http.MethodGet, "/p?a=1&jwt=q.q.q", nil) }, "q.q.q", false},
		{"query wins over header", func() *http.Request {
			r := httptest.NewRequest(http.MethodGet, "/p?jwt=q.q.q", nil)
			r.Header.Set("Authorization", "JWT h.h.h")
			return r
		}, "q.q.q", false},
		{"form body", func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/p", strings.NewReader("jwt=b.b.b"))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
			return r
		}, "b.b.b", false},
		{"json body is not a form", func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/p", strings.NewReader(`jwt=b.b.b`))
			r.Header.Set("Content-Type", "application/json")
			r.Header.Set("Authorization", "JWT h.h.h")
			return r
		}, "h.h.h", false},
		{"header, scheme case-insensitive", func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/p", nil)
			r.Header.Set("Authorization", "jwt h.h.h")
			return r
		}, "h.h.h", false},
		{"both query and body", func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/p?jwt=q.q.q", strings.NewReader("jwt=b.b.b"))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return r
		}, "", true},
		{"bearer", func() *http.Request {
			r := httptest.NewRequest(http.MethodGet, "/p", nil)
			r.Header.Set("Authorization", "Bearer h.h.h")
			return r
		}, "", true},
		{"none", func() *http.Request { return httptest.NewRequest(http.MethodGet, "/p", nil) }, "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := TokenFromRequest(tc.req())
			if tc.wantErr {
				wantKind(t, err, remit.Unauthorized)
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestVerifiersMisconfiguredAreInternal(t *testing.T) {
	_, _, err := (&Verifier{}).Verify(t.Context(), webhookRequest("x"), RequestToken)
	wantKind(t, err, remit.Internal)
	_, _, err = (&Verifier{Tenants: testTenants()}).Verify(t.Context(), webhookRequest("x"), TokenKind(9))
	wantKind(t, err, remit.Internal)
	_, _, err = (&InstallVerifier{BaseURL: "https://remit.test"}).Verify(t.Context(), installRequest("x"), nil)
	wantKind(t, err, remit.Internal)
}

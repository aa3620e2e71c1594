package jirasim

import (
	"net/url"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/remitapp/remit/internal/connect"
)

func TestRESTRequiresAValidJWT(t *testing.T) {
	e := newEnv(t)
	path := "/rest/api/3/project/search?keys=WORK&keys=BILL&query=a%20b"
	now := e.clock.Now()
	sign := func(claims jwt.MapClaims, secret string) func(*url.URL) string {
		return func(*url.URL) string {
			tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(secret))
			if err != nil {
				t.Fatal(err)
			}
			return "JWT " + tok
		}
	}
	u, _ := url.Parse(e.site.BaseURL() + path)
	good := func() jwt.MapClaims {
		return jwt.MapClaims{"iss": e.inst.AppKey, "iat": now.Unix(), "exp": now.Add(time.Minute).Unix(),
			"qsh": connect.QSHForURL("GET", u, e.site.ContextPath())}
	}
	with := func(k string, v any) jwt.MapClaims { c := good(); c[k] = v; return c }
	without := func(k string) jwt.MapClaims { c := good(); delete(c, k); return c }
	tests := []struct {
		name string
		auth func(*url.URL) string
		want int
	}{
		{"valid", sign(good(), e.inst.SharedSecret), 200},
		{"missing token", func(*url.URL) string { return "" }, 401},
		{"bearer prefix", func(u *url.URL) string { return "Bearer" + sign(good(), e.inst.SharedSecret)(u)[3:] }, 401},
		{"wrong secret", sign(good(), "not-the-secret"), 401},
		{"unknown issuer", sign(with("iss", "someone.else"), e.inst.SharedSecret), 401},
		{"wrong qsh", sign(with("qsh", connect.QSH("GET", "/rest/api/3/project/search", "", "")), e.inst.SharedSecret), 401},
		{"qsh without context path stripped", sign(with("qsh", connect.QSHForURL("GET", u, "")), e.inst.SharedSecret), 401},
		{"context qsh", sign(with("qsh", connect.ContextQSH), e.inst.SharedSecret), 401},
		{"expired", sign(with("exp", now.Add(-time.Minute).Unix()), e.inst.SharedSecret), 401},
		{"no exp", sign(without("exp"), e.inst.SharedSecret), 401},
		{"no iat", sign(without("iat"), e.inst.SharedSecret), 401},
		{"lifetime over an hour", sign(with("exp", now.Add(2*time.Hour).Unix()), e.inst.SharedSecret), 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body, _ := e.callWith("GET", path, nil, tt.auth)
			if status != tt.want {
				t.Fatalf("status %d, want %d: %s", status, tt.want, body)
			}
		})
	}
	// none of the rejected calls counted as served requests of the route
	if n := e.site.RequestCounts()["GET /rest/api/{ver}/project/search"]; n != len(tests) {
		t.Fatalf("request count = %d, want %d", n, len(tests))
	}
}

func TestUninstalledAndDisabledAppsAreRejected(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	if err := e.site.SetAppEnabled(ctx, e.inst.AppKey, false); err != nil {
		t.Fatal(err)
	}
	e.mustCall("GET", "/rest/api/3/myself", nil, 401, nil)
	if err := e.site.SetAppEnabled(ctx, e.inst.AppKey, true); err != nil {
		t.Fatal(err)
	}
	e.mustCall("GET", "/rest/api/3/myself", nil, 200, nil)
	if err := e.site.UninstallApp(ctx, e.inst.AppKey); err != nil {
		t.Fatal(err)
	}
	e.mustCall("GET", "/rest/api/3/myself", nil, 401, nil)
}

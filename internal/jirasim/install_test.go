package jirasim

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/remitapp/remit/internal/connect"
)

func TestInstallCallbackIsVerifiableWithServedKey(t *testing.T) {
	e := newEnv(t)
	installs := e.app.requests("/app/lifecycle/installed")
	if len(installs) != 1 {
		t.Fatalf("installed callbacks = %d", len(installs))
	}
	req := installs[0]

	resp, err := http.Get(e.srv.URL + "/connect-install-keys/" + e.sim.KeyID())
	if err != nil {
		t.Fatal(err)
	}
	pemBytes, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	pub, err := jwt.ParseRSAPublicKeyFromPEM(pemBytes)
	if err != nil {
		t.Fatalf("served key: %v", err)
	}

	raw := strings.TrimPrefix(req.Header.Get("Authorization"), "JWT ")
	claims := jwt.MapClaims{}
	tok, err := jwt.NewParser(jwt.WithValidMethods([]string{"RS256"}), jwt.WithAudience(e.app.baseURL()),
		jwt.WithExpirationRequired(), jwt.WithTimeFunc(e.clock.Now)).ParseWithClaims(raw, claims, func(tok *jwt.Token) (any, error) {
		if tok.Header["kid"] != e.sim.KeyID() {
			t.Errorf("kid = %v", tok.Header["kid"])
		}
		return pub, nil
	})
	if err != nil || !tok.Valid {
		t.Fatalf("install token does not verify: %v", err)
	}
	var payload map[string]any
	if err := json.Unmarshal(req.Body, &payload); err != nil {
		t.Fatal(err)
	}
	// The app's base path (/app) is stripped: the qsh covers POST&/lifecycle/installed&.
	if claims["qsh"] != connect.QSH("POST", "/lifecycle/installed", "", "") {
		t.Errorf("qsh = %v", claims["qsh"])
	}
	if claims["iss"] != payload["clientKey"] || payload["sharedSecret"] != e.inst.SharedSecret || payload["eventType"] != "installed" ||
		payload["baseUrl"] != e.site.BaseURL() || payload["productType"] != "jira" || payload["key"] != e.inst.AppKey {
		t.Fatalf("claims %v / payload %v", claims, payload)
	}
	exp, _ := claims.GetExpirationTime()
	if d := exp.Sub(e.clock.Now()); d != 3*time.Minute {
		t.Errorf("exp in %v, want 3m", d)
	}
	// A different key must not verify it.
	if _, err := jwt.Parse(raw, func(*jwt.Token) (any, error) { return pemBytes, nil }, jwt.WithValidMethods([]string{"HS256"})); err == nil {
		t.Fatal("RS256 token accepted as HS256")
	}
	if len(e.app.requests("/app/lifecycle/enabled")) != 1 {
		t.Error("enabled not sent after install")
	}
}

func TestReinstallKeepsClientKeyAndRotatesSecret(t *testing.T) {
	e := newEnv(t)
	again, err := e.site.InstallApp(t.Context(), e.app.baseURL())
	if err != nil {
		t.Fatal(err)
	}
	if again.ClientKey != e.inst.ClientKey || again.SharedSecret == e.inst.SharedSecret {
		t.Fatalf("reinstall: clientKey %s→%s, secret changed %v", e.inst.ClientKey, again.ClientKey, again.SharedSecret != e.inst.SharedSecret)
	}
	other := e.sim.AddSite("globex")
	inst2, err := other.InstallApp(t.Context(), e.app.baseURL())
	if err != nil || inst2.ClientKey == e.inst.ClientKey {
		t.Fatalf("second site: %v, clientKey %s", err, inst2.ClientKey)
	}

	// A failed install leaves the previous installation in place.
	e.app.mu.Lock()
	e.app.installOK = http.StatusInternalServerError
	e.app.mu.Unlock()
	if _, err := e.site.InstallApp(t.Context(), e.app.baseURL()); err == nil {
		t.Fatal("install answered 500 but succeeded")
	}
	if cur, ok := e.site.Installation(e.inst.AppKey); !ok || cur.SharedSecret != again.SharedSecret {
		t.Fatal("failed reinstall changed the installation")
	}
}

func TestLifecycleUninstallAndUnsignedDisabled(t *testing.T) {
	e := newEnv(t)
	if err := e.site.UninstallApp(t.Context(), e.inst.AppKey); err != nil {
		t.Fatal(err)
	}
	un := e.app.requests("/app/lifecycle/uninstalled")
	if len(un) != 1 || !strings.HasPrefix(un[0].Header.Get("Authorization"), "JWT ") {
		t.Fatalf("uninstalled = %+v", un)
	}
	if n := len(e.app.requests("/app/lifecycle/disabled")); n != 0 {
		t.Fatalf("disabled sent on uninstall (%d)", n)
	}
	if err := e.site.SendUnsignedDisabled(t.Context(), e.inst.AppKey); err != nil {
		t.Fatal(err)
	}
	dis := e.app.requests("/app/lifecycle/disabled")
	if len(dis) != 1 || dis[0].Header.Get("Authorization") != "" {
		t.Fatalf("unsigned disabled = %+v", dis)
	}
}

package jirasim

import (
	"crypto/rand"
	"crypto/rsa"
	"net/http"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/remitapp/remit/internal/forge"
)

// forgeState is the simulator's Forge platform: the invocation-token
// signing keys, the Forge apps installed on sites, their system tokens and
// the personal data reporting API. The zero value is ready; keys are made
// on first use.
type forgeState struct {
	mu        sync.Mutex
	kid       string
	key       *rsa.PrivateKey
	published map[string]*rsa.PublicKey // what the JWKS serves
	installs  map[string]*forgeInstall  // by installation id
	tokens    map[string]*forgeInstall  // by system token
	privacy   privacyState
}

// forgeInstall is one Forge installation of an app on a site.
type forgeInstall struct {
	ForgeInstallation
	site      *Site
	app       ForgeApp
	installed bool
	expires   time.Time // of SystemToken
}

// forgeTokenTTL is how long a system token stays valid.
const forgeTokenTTL = time.Hour

// fitTTL is the lifetime of the invocation tokens the simulator mints.
const fitTTL = 5 * time.Minute

// forgeKeys returns the current signing key, making one on first use.
func (s *Sim) forgeKeys() (string, *rsa.PrivateKey) {
	f := &s.forge
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.key == nil {
		f.rotateLocked()
	}
	return f.kid, f.key
}

func (f *forgeState) rotateLocked() {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic("jirasim: generating Forge key: " + err.Error())
	}
	f.kid, f.key = "forge-"+randomHex(6), key
	if f.published == nil {
		f.published = map[string]*rsa.PublicKey{}
	}
	f.published[f.kid] = &key.PublicKey
}

// RotateForgeKey starts signing FITs with a new key, published in the
// JWKS next to the old one, as Atlassian rotates; it returns the new kid.
func (s *Sim) RotateForgeKey() string {
	s.forgeKeys()
	s.forge.mu.Lock()
	defer s.forge.mu.Unlock()
	s.forge.rotateLocked()
	return s.forge.kid
}

// ForgeJWKSPath is where the simulator serves the Forge JWKS.
const ForgeJWKSPath = "/forge/.well-known/jwks.json"

func (s *Sim) serveForgeJWKS(w http.ResponseWriter, r *http.Request) {
	s.forgeKeys()
	s.forge.mu.Lock()
	keys := make([]map[string]string, 0, len(s.forge.published))
	for kid, k := range s.forge.published {
		keys = append(keys, forge.JWK(kid, k))
	}
	s.forge.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"keys": keys})
}

// FITClaims are the claims of the FIT Forge mints when principal, on the
// issue panel, calls the remote through invokeRemote (an empty principal
// is an anonymous user); tests change them to forge bad tokens.
func (s *Sim) FITClaims(inst ForgeInstallation, principal string) jwt.MapClaims {
	return s.FITClaimsFor(inst, issuePanelModule(), principal)
}

// TriggerFITClaims are the claims of the FIT Forge mints for the trigger
// endpoint at route (forge.RouteEvents, RouteLifecycle, RouteScheduled):
// an app token of type core:endpoint that names no user.
func (s *Sim) TriggerFITClaims(inst ForgeInstallation, route string) jwt.MapClaims {
	ep, err := forge.EndpointFor(route)
	if err != nil {
		panic("jirasim: " + err.Error())
	}
	return s.FITClaimsFor(inst, forge.Module{Key: ep.Key, Type: forge.ModuleTypeEndpoint}, "")
}

// FITClaimsFor are the claims of a valid FIT for an installation, minted
// for module (app.module) on behalf of principal, as Forge mints them.
func (s *Sim) FITClaimsFor(inst ForgeInstallation, module forge.Module, principal string) jwt.MapClaims {
	now := s.now()
	ctx := map[string]any{"cloudId": inst.CloudID, "siteUrl": inst.SiteURL}
	if module.Type != forge.ModuleTypeEndpoint {
		ctx["moduleKey"] = module.Key
	}
	c := jwt.MapClaims{
		"iss": forge.Issuer, "aud": inst.AppID, "jti": newUUID(),
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(fitTTL).Unix(),
		"app": map[string]any{
			"id": inst.AppID, "version": "1", "installationId": inst.ID, "apiBaseUrl": inst.APIBaseURL,
			"environment": map[string]any{"type": "PRODUCTION", "id": "env-1"},
			"module":      map[string]any{"key": module.Key, "type": module.Type},
			"installation": map[string]any{"id": inst.ID,
				"contexts": []any{map[string]any{"cloudId": inst.CloudID, "apiBaseUrl": inst.APIBaseURL}}},
		},
		"context": ctx,
	}
	if principal != "" {
		c["principal"] = principal
	}
	return c
}

// uiEndpoint is the endpoint Custom UI pages call through invokeRemote.
func uiEndpoint() forge.Endpoint {
	for _, ep := range forge.Endpoints() {
		if ep.UI {
			return ep
		}
	}
	panic("jirasim: the manifest has no UI endpoint")
}

// issuePanelModule is the module of the issue panel, the page that
// invokes the remote unless a test says otherwise.
func issuePanelModule() forge.Module {
	for _, m := range uiEndpoint().Modules {
		if m.Type == "jira:issueContext" {
			return m
		}
	}
	panic("jirasim: the manifest has no issue panel")
}

// SignFIT signs claims RS256 with the current Forge key.
func (s *Sim) SignFIT(claims jwt.MapClaims) string {
	kid, key := s.forgeKeys()
	return s.SignFITWith(claims, kid, key)
}

// SignFITWith signs claims RS256 with any key and kid, for tests of keys
// the JWKS does not publish.
func (s *Sim) SignFITWith(claims jwt.MapClaims, kid string, key *rsa.PrivateKey) string {
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	tok.Header["kid"] = kid
	out, err := tok.SignedString(key)
	if err != nil {
		panic("jirasim: signing FIT: " + err.Error())
	}
	return out
}

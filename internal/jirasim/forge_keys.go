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
	tokens    map[string]*systemToken   // by system token
	tokenKey  []byte                    // signs system tokens
	privacy   privacyState
}

// forgeInstall is one Forge installation of an app on a site.
type forgeInstall struct {
	ForgeInstallation // SystemToken is the newest
	site              *Site
	app               ForgeApp
	installed         bool
}

// systemToken is an app system token the gateway accepts until expires.
type systemToken struct {
	fi      *forgeInstall
	expires time.Time
}

// Lifetimes of the system tokens Forge sends: an hour with UI calls and
// events, four hours with a scheduled trigger (the longest Atlassian
// documents), so that a remote can keep one from trigger to trigger.
const (
	forgeTokenTTL     = time.Hour
	scheduledTokenTTL = 4 * time.Hour
)

// mintSystemTokenLocked gives fi a new system token valid for ttl and
// makes it the one sent with its invocations. Like Atlassian's, it is a
// JWT whose exp says when it expires; only the simulator checks its
// signature.
func (s *Sim) mintSystemTokenLocked(fi *forgeInstall, ttl time.Duration) string {
	f := &s.forge
	if f.tokenKey == nil {
		f.tokenKey = []byte(randomHex(32))
	}
	if f.tokens == nil {
		f.tokens = map[string]*systemToken{}
	}
	now := s.now()
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"sub": fi.AppID, "aud": "ari:cloud:jira::site/" + fi.CloudID, "jti": newUUID(),
		"iat": now.Unix(), "exp": now.Add(ttl).Unix(),
	}).SignedString(f.tokenKey)
	if err != nil {
		panic("jirasim: signing system token: " + err.Error())
	}
	f.tokens[tok] = &systemToken{fi: fi, expires: now.Add(ttl)}
	fi.SystemToken = tok
	return tok
}

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
	if inst.Licence != "" {
		ctx["license"] = map[string]any{"isActive": inst.Licence == "active"}
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

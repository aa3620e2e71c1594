package forge

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/remitapp/remit/internal/connect"
	"github.com/remitapp/remit/internal/remit"
)

// Issuer is the iss of every Forge Invocation Token.
const Issuer = "forge/invocation-token"

// Header names of the Forge Remote contract.
const (
	HeaderSystemToken = "X-Forge-Oauth-System" // app token for calling Jira as the app
	HeaderUserToken   = "X-Forge-Oauth-User"   // token for calling Jira as the user
)

// maxTokenBytes bounds the bearer token before any parsing.
const maxTokenBytes = 16 << 10

// Invocation is what a verified FIT says about the call: which app and
// installation it is for, where to call Jira back and as whom. Handlers
// read it instead of raw claims.
type Invocation struct {
	AppID          string // app ARI, equal to aud
	AppVersion     string
	InstallationID string // ari:cloud:ecosystem::installation/<uuid>
	APIBaseURL     string // e.g. https://api.atlassian.com/ex/jira/<cloudId>
	CloudID        string // from context.cloudId or the installation contexts
	SiteURL        string // context.siteUrl when present
	Principal      string // accountId of the user; empty for events and triggers
	// ModuleKey and ModuleType are app.module: the module the token was
	// minted for (a UI module, or core:endpoint for a trigger's endpoint).
	ModuleKey   string
	ModuleType  string
	Environment string // environment type (DEVELOPMENT, STAGING, PRODUCTION)
	ExpiresAt   time.Time
	// SystemToken is the x-forge-oauth-system header: the app's bearer
	// token for Jira calls. It is never logged.
	SystemToken string
	// Context is the context object, passed through untouched.
	Context json.RawMessage
	// Licence is context.license.isActive as the page loads' lic
	// parameter says it: LicenceActive, LicenceNone, or "" when the
	// invocation carries no licence (a free listing, an environment
	// without a licence override).
	Licence string
}

// The licence states an invocation carries, the same words as the lic
// parameter of Connect page loads.
const (
	LicenceActive = "active"
	LicenceNone   = "none"
)

// licenceOf reads context.license.isActive. Forge adds the licence to
// the context only when the app is licensed (app.licensing in the
// manifest) and the listing is paid or the environment overrides it; a
// licence Remit cannot read is no licence, never an unlicensed tenant.
func licenceOf(context json.RawMessage) string {
	var c struct {
		License *struct {
			IsActive *bool `json:"isActive"`
		} `json:"license"`
	}
	if json.Unmarshal(context, &c) != nil || c.License == nil || c.License.IsActive == nil {
		return ""
	}
	if *c.License.IsActive {
		return LicenceActive
	}
	return LicenceNone
}

// fitClaims is the FIT's wire form; typed fields make a wrong type a parse
// error rather than a panic.
type fitClaims struct {
	jwt.RegisteredClaims
	App struct {
		ID             string `json:"id"`
		Version        string `json:"version"`
		InstallationID string `json:"installationId"`
		APIBaseURL     string `json:"apiBaseUrl"`
		Environment    struct {
			Type string `json:"type"`
			ID   string `json:"id"`
		} `json:"environment"`
		Module struct {
			Key  string `json:"key"`
			Type string `json:"type"`
		} `json:"module"`
		Installation struct {
			ID       string `json:"id"`
			Contexts []struct {
				CloudID    string `json:"cloudId"`
				APIBaseURL string `json:"apiBaseUrl"`
			} `json:"contexts"`
		} `json:"installation"`
	} `json:"app"`
	Context   json.RawMessage `json:"context"`
	Principal string          `json:"principal"`
}

// Verifier authenticates Forge Remote calls. The algorithm is pinned to
// RS256 and keys come only from the JWKS, so neither an HS256 token keyed
// with a public key nor an unsigned token can pass; aud pins the app, so
// a token Forge minted for another app is refused.
type Verifier struct {
	Keys  *KeySet
	AppID string // REMIT_FORGE_APP_ID
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Leeway is the tolerated clock skew; zero means 30 s, capped at 30 s.
	Leeway time.Duration
}

// Verify checks r's FIT and returns the invocation. Every refusal is a
// remit.Unauthorized with a short reason that is safe to return.
func (v *Verifier) Verify(ctx context.Context, r *http.Request) (Invocation, error) {
	const op = "forge.Verify"
	if v.Keys == nil || v.AppID == "" {
		return Invocation{}, remit.Errorf(remit.Internal, op, "forge verifier is not configured")
	}
	h := r.Header.Get("Authorization")
	raw, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || raw == "" {
		return Invocation{}, refuse(op, "missing bearer token")
	}
	if len(raw) > maxTokenBytes {
		return Invocation{}, refuse(op, "token too large")
	}
	alg, kid, err := connect.PeekHeader(raw)
	switch {
	case err != nil:
		return Invocation{}, refuse(op, "malformed token")
	case alg != jwt.SigningMethodRS256.Alg():
		return Invocation{}, refuse(op, "token must be RS256")
	case kid == "":
		return Invocation{}, refuse(op, "token has no kid")
	}
	key, err := v.Keys.Key(ctx, kid)
	if err != nil {
		if errors.Is(err, ErrUnknownKID) {
			return Invocation{}, refuse(op, "unknown signing key")
		}
		return Invocation{}, remit.Wrap(remit.Unavailable, op, err)
	}
	now := time.Now
	if v.Now != nil {
		now = v.Now
	}
	parser := jwt.NewParser(
		jwt.WithValidMethods([]string{jwt.SigningMethodRS256.Alg()}),
		jwt.WithIssuer(Issuer),
		jwt.WithAudience(v.AppID),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(connect.ClampLeeway(v.Leeway)),
		jwt.WithTimeFunc(now),
	)
	var c fitClaims
	if _, err := parser.ParseWithClaims(raw, &c, func(*jwt.Token) (any, error) { return key, nil }); err != nil {
		return Invocation{}, refuse(op, connect.FailureReason(err))
	}
	if c.IssuedAt == nil {
		return Invocation{}, refuse(op, "token lacks iat")
	}
	return v.invocation(op, r, c)
}

// invocation checks the app claims and builds the Invocation.
func (v *Verifier) invocation(op string, r *http.Request, c fitClaims) (Invocation, error) {
	if c.App.ID != v.AppID {
		return Invocation{}, refuse(op, "token is for another app")
	}
	inst := c.App.InstallationID
	if inst == "" {
		inst = c.App.Installation.ID
	}
	if !strings.HasPrefix(inst, "ari:cloud:ecosystem::installation/") {
		return Invocation{}, refuse(op, "token lacks an installation")
	}
	var ctxClaims struct {
		CloudID   string `json:"cloudId"`
		SiteURL   string `json:"siteUrl"`
		ModuleKey string `json:"moduleKey"`
	}
	if len(c.Context) > 0 && string(c.Context) != "null" {
		if err := json.Unmarshal(c.Context, &ctxClaims); err != nil {
			return Invocation{}, refuse(op, "malformed context claim")
		}
	}
	inv := Invocation{
		AppID: c.App.ID, AppVersion: c.App.Version, InstallationID: inst,
		APIBaseURL: c.App.APIBaseURL, CloudID: ctxClaims.CloudID, SiteURL: ctxClaims.SiteURL,
		Principal: c.Principal, ModuleKey: c.App.Module.Key, ModuleType: c.App.Module.Type, Environment: c.App.Environment.Type,
		ExpiresAt: c.ExpiresAt.Time, Context: c.Context, Licence: licenceOf(c.Context),
		SystemToken: r.Header.Get(HeaderSystemToken),
	}
	if inv.ModuleKey == "" {
		inv.ModuleKey = ctxClaims.ModuleKey
	}
	for _, ic := range c.App.Installation.Contexts {
		if inv.CloudID == "" {
			inv.CloudID = ic.CloudID
		}
		if inv.APIBaseURL == "" {
			inv.APIBaseURL = ic.APIBaseURL
		}
	}
	if inv.CloudID == "" {
		return Invocation{}, refuse(op, "token lacks a cloudId")
	}
	u, err := url.Parse(inv.APIBaseURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
		return Invocation{}, refuse(op, "token lacks a valid apiBaseUrl")
	}
	return inv, nil
}

func refuse(op, msg string) error { return &remit.Error{Kind: remit.Unauthorized, Op: op, Msg: msg} }

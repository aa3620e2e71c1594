package connect

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/remitapp/remit/internal/remit"
)

// LifecyclePayload is the body Atlassian posts to the lifecycle URLs
// (installed, uninstalled, enabled, disabled). ClientKey is the tenant id;
// SharedSecret is the HS256 secret for this installation and replaces the
// stored one on every installed callback.
type LifecyclePayload struct {
	Key                      string `json:"key"`
	ClientKey                string `json:"clientKey"`
	SharedSecret             string `json:"sharedSecret"`
	BaseURL                  string `json:"baseUrl"`
	DisplayURL               string `json:"displayUrl"`
	ProductType              string `json:"productType"`
	Description              string `json:"description"`
	ServiceEntitlementNumber string `json:"serviceEntitlementNumber"`
	OAuthClientID            string `json:"oauthClientId"`
	EventType                string `json:"eventType"`
	InstallationID           string `json:"installationId"`
	EntitlementID            string `json:"entitlementId"`
	EntitlementNumber        string `json:"entitlementNumber"`
}

// InstallVerifier authenticates signed-install lifecycle callbacks:
// RS256 tokens signed by Atlassian, whose public key is fetched by kid.
// It never falls back to the shared secret, so a leaked or guessed
// secret cannot re-key a tenant.
type InstallVerifier struct {
	Keys *KeyFetcher
	// BaseURL is the app's descriptor baseUrl; the token's aud must
	// contain it (a trailing slash on either side is ignored), and its
	// path is stripped before the qsh is computed.
	BaseURL string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Leeway is the tolerated clock skew; zero means 30 s, capped at 30 s.
	Leeway time.Duration
}

// Verify authenticates r, whose already-read body is body, and returns the
// parsed payload. Authentication failures are remit.Unauthorized; a body
// that does not parse or lacks clientKey/baseUrl is remit.Invalid.
func (v *InstallVerifier) Verify(ctx context.Context, r *http.Request, body []byte) (LifecyclePayload, Claims, error) {
	const op = "connect.VerifyInstall"
	if v.Keys == nil {
		return LifecyclePayload{}, Claims{}, remit.Errorf(remit.Internal, op, "install verifier has no key fetcher")
	}
	raw, err := TokenFromRequest(r)
	if err != nil {
		return LifecyclePayload{}, Claims{}, err
	}
	if len(raw) > MaxTokenBytes {
		return LifecyclePayload{}, Claims{}, unauthorized(op, "token too large", nil)
	}

	now := time.Now
	if v.Now != nil {
		now = v.Now
	}
	alg, kid, err := PeekHeader(raw)
	switch {
	case err != nil:
		return LifecyclePayload{}, Claims{}, unauthorized(op, "malformed token", err)
	case alg != jwt.SigningMethodRS256.Alg():
		return LifecyclePayload{}, Claims{}, unauthorized(op, "install token must be RS256", nil)
	case kid == "":
		return LifecyclePayload{}, Claims{}, unauthorized(op, "install token lacks kid", nil)
	}
	key, err := v.Keys.Key(ctx, kid)
	switch {
	case errors.Is(err, ErrKeyNotFound):
		return LifecyclePayload{}, Claims{}, unauthorized(op, "unknown signing key", err)
	case errors.Is(err, ErrKeyFetchLimited):
		return LifecyclePayload{}, Claims{}, unauthorized(op, "signing key fetches over the rate limit", err)
	case err != nil:
		return LifecyclePayload{}, Claims{}, unauthorized(op, "signing key unavailable", err)
	}

	var wire tokenClaims
	parser := jwt.NewParser(
		jwt.WithValidMethods([]string{jwt.SigningMethodRS256.Alg()}),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(ClampLeeway(v.Leeway)),
		jwt.WithTimeFunc(now),
	)
	keyFunc := func(*jwt.Token) (any, error) { return key, nil }
	if _, err := parser.ParseWithClaims(raw, &wire, keyFunc); err != nil {
		return LifecyclePayload{}, Claims{}, unauthorized(op, FailureReason(err), err)
	}
	if err := v.checkClaims(op, r, &wire); err != nil {
		return LifecyclePayload{}, Claims{}, err
	}

	var p LifecyclePayload
	if err := json.Unmarshal(body, &p); err != nil {
		return LifecyclePayload{}, Claims{}, &remit.Error{Kind: remit.Invalid, Op: op, Msg: "lifecycle body is not valid JSON", Err: err}
	}
	if p.ClientKey == "" || p.BaseURL == "" {
		return LifecyclePayload{}, Claims{}, remit.Errorf(remit.Invalid, op, "lifecycle body lacks clientKey or baseUrl")
	}
	if wire.Issuer != p.ClientKey {
		return LifecyclePayload{}, Claims{}, unauthorized(op, "iss does not match clientKey", nil)
	}
	return p, wire.public(), nil
}

// checkClaims applies the claim rules golang-jwt does not: iss, aud, iat
// presence and the request-bound qsh.
func (v *InstallVerifier) checkClaims(op string, r *http.Request, c *tokenClaims) error {
	if c.Issuer == "" {
		return unauthorized(op, "token lacks iss", nil)
	}
	ours := strings.TrimSuffix(v.BaseURL, "/")
	if ours == "" || !slices.ContainsFunc(c.Audience, func(a string) bool { return strings.TrimSuffix(a, "/") == ours }) {
		return unauthorized(op, "aud does not match the app base URL", nil)
	}
	if c.IssuedAt == nil {
		return unauthorized(op, "token lacks iat", nil)
	}
	if c.QSH == "" {
		return unauthorized(op, "token lacks qsh", nil)
	}
	if c.QSH != QSH(r.Method, r.URL.EscapedPath(), r.URL.RawQuery, basePath(v.BaseURL)) {
		return unauthorized(op, "qsh mismatch", nil)
	}
	return nil
}

// basePath is the path of an app base URL, the prefix Atlassian strips
// before hashing a request to the app.
func basePath(baseURL string) string {
	u, err := url.Parse(baseURL)
	if err != nil {
		return ""
	}
	return u.EscapedPath()
}

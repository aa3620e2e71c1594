package connect

import (
	"context"
	"net/http"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/remitapp/remit/internal/remit"
)

// TokenKind says which of the two HS256 token kinds a route accepts. A
// route takes exactly one, so that a browser context token can never be
// replayed against a webhook and a URL-bound token never reaches the API.
type TokenKind int

const (
	// RequestToken is bound to one request by a computed qsh: webhooks,
	// iframe page loads and other calls Jira makes to Remit.
	RequestToken TokenKind = iota + 1
	// ContextToken carries qsh "context-qsh": tokens from
	// AP.context.getToken() that Remit's own iframes send to /api routes.
	ContextToken
)

func (k TokenKind) String() string {
	switch k {
	case RequestToken:
		return "request"
	case ContextToken:
		return "context"
	default:
		return "unknown"
	}
}

// TenantSource finds the tenant a token claims to come from. Unknown
// client keys must be reported as an error of kind remit.NotFound; any
// other error is treated as an internal failure of the store.
type TenantSource interface {
	TenantByClientKey(ctx context.Context, clientKey string) (remit.Tenant, error)
}

// Verifier authenticates HS256 tokens that Jira (or Jira's browser API)
// signs with a tenant's shared secret.
type Verifier struct {
	Tenants TenantSource
	// BasePath is the path of the app's base URL ("" when the app is
	// served at the root); Atlassian strips it before hashing.
	BasePath string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Leeway is the tolerated clock skew on exp and iat; zero means 30 s,
	// and anything above 30 s is capped to 30 s.
	Leeway time.Duration
}

// Verify authenticates r as a token of the given kind and returns the
// tenant and the claims. Every authentication failure is a *remit.Error of
// kind remit.Unauthorized; a failing tenant store yields remit.Internal.
func (v *Verifier) Verify(ctx context.Context, r *http.Request, kind TokenKind) (remit.Tenant, Claims, error) {
	const op = "connect.Verify"
	if v.Tenants == nil {
		return remit.Tenant{}, Claims{}, remit.Errorf(remit.Internal, op, "verifier has no tenant source")
	}
	if kind != RequestToken && kind != ContextToken {
		return remit.Tenant{}, Claims{}, remit.Errorf(remit.Internal, op, "unknown token kind %d", int(kind))
	}
	raw, err := TokenFromRequest(r)
	if err != nil {
		return remit.Tenant{}, Claims{}, err
	}
	if len(raw) > MaxTokenBytes {
		return remit.Tenant{}, Claims{}, unauthorized(op, "token too large", nil)
	}

	alg, _, err := PeekHeader(raw)
	switch {
	case err != nil:
		return remit.Tenant{}, Claims{}, unauthorized(op, "malformed token", err)
	case alg != jwt.SigningMethodHS256.Alg():
		return remit.Tenant{}, Claims{}, unauthorized(op, "token must be HS256", nil)
	}

	now := time.Now
	if v.Now != nil {
		now = v.Now
	}
	var (
		tenant    remit.Tenant
		lookupErr error
	)
	keyFunc := func(t *jwt.Token) (any, error) {
		iss, err := t.Claims.GetIssuer()
		if err != nil || iss == "" {
			lookupErr = unauthorized(op, "token lacks iss", err)
			return nil, lookupErr
		}
		tenant, lookupErr = v.tenant(ctx, op, iss)
		if lookupErr != nil {
			return nil, lookupErr
		}
		return []byte(tenant.SharedSecret), nil
	}
	var wire tokenClaims
	parser := jwt.NewParser(
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(ClampLeeway(v.Leeway)),
		jwt.WithTimeFunc(now),
	)
	if _, err := parser.ParseWithClaims(raw, &wire, keyFunc); err != nil {
		if lookupErr != nil {
			return remit.Tenant{}, Claims{}, lookupErr
		}
		return remit.Tenant{}, Claims{}, unauthorized(op, FailureReason(err), err)
	}
	if wire.IssuedAt == nil {
		return remit.Tenant{}, Claims{}, unauthorized(op, "token lacks iat", nil)
	}
	if err := v.checkQSH(op, r, kind, wire.QSH); err != nil {
		return remit.Tenant{}, Claims{}, err
	}
	return tenant, wire.public(), nil
}

// tenant loads the issuer and refuses tenants Remit must not act for.
func (v *Verifier) tenant(ctx context.Context, op, clientKey string) (remit.Tenant, error) {
	t, err := v.Tenants.TenantByClientKey(ctx, clientKey)
	switch {
	case remit.IsKind(err, remit.NotFound):
		return remit.Tenant{}, unauthorized(op, "unknown tenant", err)
	case err != nil:
		return remit.Tenant{}, remit.Wrap(remit.Internal, op, err)
	case t.State != remit.TenantInstalled:
		return remit.Tenant{}, unauthorized(op, "tenant not installed", nil)
	case !t.Enabled:
		return remit.Tenant{}, unauthorized(op, "tenant disabled", nil)
	case t.SharedSecret == "":
		// An empty HMAC key would let anyone sign; never verify with it.
		return remit.Tenant{}, unauthorized(op, "tenant has no shared secret", nil)
	}
	return t, nil
}

// checkQSH binds the token to this request (RequestToken) or to the
// browser API (ContextToken).
func (v *Verifier) checkQSH(op string, r *http.Request, kind TokenKind, qsh string) error {
	switch {
	case qsh == "":
		return unauthorized(op, "token lacks qsh", nil)
	case kind == ContextToken && qsh != ContextQSH:
		return unauthorized(op, "context token required", nil)
	case kind == RequestToken && qsh == ContextQSH:
		return unauthorized(op, "context token not accepted here", nil)
	case kind == RequestToken && qsh != QSH(r.Method, r.URL.EscapedPath(), r.URL.RawQuery, v.BasePath):
		return unauthorized(op, "qsh mismatch", nil)
	}
	return nil
}

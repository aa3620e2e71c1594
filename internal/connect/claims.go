package connect

import (
	"encoding/json"
	"errors"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Claims is what a verified Connect token says, in plain types, so that
// handlers never touch the JWT library or type-assert raw claim maps.
type Claims struct {
	Issuer    string          // clientKey of the tenant (Jira as caller)
	Subject   string          // accountId of the acting user, when there is one
	QSH       string          // computed hash or ContextQSH
	Audience  []string        // empty on Jira-issued request tokens
	IssuedAt  time.Time       // iat
	ExpiresAt time.Time       // exp
	Context   json.RawMessage // Jira's context object, passed through untouched
}

// tokenClaims is the wire form. Decoding into typed fields (rather than
// jwt.MapClaims) makes a numeric iss or an object qsh a parse error instead
// of a panic, while ClaimStrings accepts aud as a string or an array.
type tokenClaims struct {
	jwt.RegisteredClaims
	QSH     string          `json:"qsh"`
	Context json.RawMessage `json:"context,omitempty"`
}

// public converts the wire claims into Claims.
func (c *tokenClaims) public() Claims {
	out := Claims{
		Issuer:   c.Issuer,
		Subject:  c.Subject,
		QSH:      c.QSH,
		Audience: []string(c.Audience),
		Context:  c.Context,
	}
	if c.IssuedAt != nil {
		out.IssuedAt = c.IssuedAt.Time
	}
	if c.ExpiresAt != nil {
		out.ExpiresAt = c.ExpiresAt.Time
	}
	return out
}

// maxLeeway is the most clock skew Remit tolerates, as Atlassian's own JWT
// readers do; a longer leeway would stretch a stolen token's life.
const maxLeeway = 30 * time.Second

// effectiveLeeway applies the default (zero means 30 s) and the cap.
func effectiveLeeway(l time.Duration) time.Duration {
	switch {
	case l == 0 || l > maxLeeway:
		return maxLeeway
	case l < 0:
		return 0
	default:
		return l
	}
}

// jwtFailure maps a golang-jwt error onto a short message safe to return.
func jwtFailure(err error) string {
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return "token expired"
	case errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return "token issued in the future"
	case errors.Is(err, jwt.ErrTokenNotValidYet):
		return "token not valid yet"
	case errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		return "token lacks a required claim"
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		return "invalid signature"
	case errors.Is(err, jwt.ErrTokenMalformed):
		return "malformed token"
	default:
		return "invalid token"
	}
}

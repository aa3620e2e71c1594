package connect

import (
	"encoding/json"
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

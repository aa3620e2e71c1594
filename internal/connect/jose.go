package connect

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// The token helpers every verifier of Atlassian tokens shares (Connect
// install and request tokens here, Forge invocation tokens in forge).

// MaxLeeway is the clock skew tolerated on exp, nbf and iat, as
// Atlassian's own JWT readers allow.
const MaxLeeway = 30 * time.Second

// ClampLeeway applies the default (zero means MaxLeeway) and the cap.
func ClampLeeway(l time.Duration) time.Duration {
	switch {
	case l == 0 || l > MaxLeeway:
		return MaxLeeway
	case l < 0:
		return 0
	}
	return l
}

// PeekHeader reads alg and kid from the unverified JOSE header, so that a
// verifier can pin the algorithm and pick the key before verifying.
func PeekHeader(raw string) (alg, kid string, err error) {
	head, _, ok := strings.Cut(raw, ".")
	if !ok {
		return "", "", errors.New("not a JWS")
	}
	b, err := base64.RawURLEncoding.DecodeString(head)
	if err != nil {
		return "", "", err
	}
	var h struct {
		Alg string `json:"alg"`
		Kid string `json:"kid"`
	}
	if err := json.Unmarshal(b, &h); err != nil {
		return "", "", err
	}
	return h.Alg, h.Kid, nil
}

// FailureReason maps a golang-jwt error onto a short reason safe to
// return to the caller.
func FailureReason(err error) string {
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return "token expired"
	case errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return "token issued in the future"
	case errors.Is(err, jwt.ErrTokenNotValidYet):
		return "token not valid yet"
	case errors.Is(err, jwt.ErrTokenInvalidIssuer):
		return "wrong issuer"
	case errors.Is(err, jwt.ErrTokenInvalidAudience):
		return "wrong audience"
	case errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		return "token lacks a required claim"
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		return "invalid signature"
	case errors.Is(err, jwt.ErrTokenMalformed):
		return "malformed token"
	}
	return "invalid token"
}

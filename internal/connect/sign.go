package connect

import (
	"net/url"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// SignRequest mints the HS256 token for one HTTP request: iss is the
// caller's identity (the app key when Remit calls Jira, the clientKey when
// Jira calls Remit), qsh covers the exact method, path and query of u with
// prefix (the receiver's context path) stripped, and the token expires
// after ttl. aud, when non-empty, is set as a one-element array.
func SignRequest(secret, iss, aud, method string, u *url.URL, prefix string, now time.Time, ttl time.Duration) (string, error) {
	claims := requestClaims(iss, method, u, prefix, now, ttl)
	if aud != "" {
		claims["aud"] = []string{aud}
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(secret))
}

// SignContext mints a context token as AP.context.getToken() returns it:
// iss = clientKey, sub = the user's accountId, qsh = "context-qsh".
func SignContext(secret, clientKey, accountID string, now time.Time, ttl time.Duration) (string, error) {
	claims := jwt.MapClaims{
		"iss": clientKey,
		"sub": accountID,
		"iat": now.Unix(),
		"exp": now.Add(ttl).Unix(),
		"qsh": ContextQSH,
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(secret))
}

// SignPageLoad mints the token Jira puts in an iframe URL for a signed-in
// user: a request token (qsh of the exact GET) that also names the user
// in sub. An anonymous viewer's token has no sub.
func SignPageLoad(secret, clientKey, accountID string, u *url.URL, prefix string, now time.Time, ttl time.Duration) (string, error) {
	claims := requestClaims(clientKey, "GET", u, prefix, now, ttl)
	if accountID != "" {
		claims["sub"] = accountID
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(secret))
}

// requestClaims are a request token's claims: issuer, times, and the qsh
// of the exact request.
func requestClaims(iss, method string, u *url.URL, prefix string, now time.Time, ttl time.Duration) jwt.MapClaims {
	return jwt.MapClaims{"iss": iss, "iat": now.Unix(), "exp": now.Add(ttl).Unix(), "qsh": QSHForURL(method, u, prefix)}
}

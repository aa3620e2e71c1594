package forge

import (
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// MaxSystemTokenLifetime is the longest an app system token lives: the
// four hours of the tokens Forge sends with scheduled triggers, so that a
// remote can keep one from one hourly trigger to the next.
const MaxSystemTokenLifetime = 4 * time.Hour

// SystemTokenExpiry reads when an app system token (x-forge-oauth-system)
// expires. Atlassian documents the token as a JWT whose exp claim is its
// expiry (Forge Remote, "Calling Atlassian app APIs from a remote"). The
// signature is not checked: Jira checks the token when Remit uses it,
// and Remit only decides how long to keep it. ok is false for a token
// that is not a JWT with an exp.
func SystemTokenExpiry(token string) (time.Time, bool) {
	if token == "" || len(token) > maxTokenBytes {
		return time.Time{}, false
	}
	var c jwt.RegisteredClaims
	if _, _, err := jwt.NewParser().ParseUnverified(token, &c); err != nil || c.ExpiresAt == nil {
		return time.Time{}, false
	}
	return c.ExpiresAt.Time, true
}

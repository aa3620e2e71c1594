package jirasim

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/remitapp/remit/internal/connect"
)

// maxTokenLifetime is the longest exp-iat span Jira accepts from an app.
const maxTokenLifetime = time.Hour

const msgNotAuthenticated = "You are not authenticated. Authentication required to perform this operation."

// authenticate verifies a REST call's Connect JWT as Jira does: header
// `Authorization: JWT <token>`, HS256 with the sharedSecret of the
// installed, enabled app named by iss, exp required and in the future
// (30 s leeway), a lifetime of at most an hour, and a qsh equal to the
// canonical request with the site's context path stripped.
func (st *Site) authenticate(r *http.Request) (*installation, error) {
	h := r.Header.Get("Authorization")
	if !strings.HasPrefix(h, "JWT ") {
		return nil, errors.New("no JWT in Authorization header")
	}
	raw := strings.TrimPrefix(h, "JWT ")
	unverified := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(raw, unverified); err != nil {
		return nil, errors.New("malformed token")
	}
	iss, _ := unverified["iss"].(string)
	st.mu.Lock()
	inst, ok := st.installs[iss]
	st.mu.Unlock()
	if !ok || !inst.installed || !inst.enabled {
		return nil, errors.New("unknown issuer")
	}
	claims := jwt.MapClaims{}
	parser := jwt.NewParser(
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(30*time.Second),
		jwt.WithTimeFunc(st.sim.now),
	)
	if _, err := parser.ParseWithClaims(raw, claims, func(*jwt.Token) (any, error) {
		return []byte(inst.SharedSecret), nil
	}); err != nil {
		return nil, err
	}
	exp, _ := claims.GetExpirationTime()
	iat, _ := claims.GetIssuedAt()
	if iat == nil {
		return nil, errors.New("iat required")
	}
	if exp.Sub(iat.Time) > maxTokenLifetime {
		return nil, errors.New("token lifetime exceeds one hour")
	}
	qsh, _ := claims["qsh"].(string)
	if want := connect.QSHForURL(r.Method, r.URL, st.ContextPath()); qsh != want {
		return nil, errors.New("qsh mismatch")
	}
	return inst, nil
}

package jirasim

import (
	"net/http"
	"strings"
	"time"

	"github.com/remitapp/remit/internal/connect"
)

// forgeRoutes registers the Forge side of the simulator: the JWKS, the
// API gateway that takes bearer system tokens at /ex/jira/<cloudId>, and
// the personal data reporting API.
func (s *Sim) forgeRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET "+ForgeJWKSPath, s.serveForgeJWKS)
	mux.HandleFunc("/ex/jira/{cloudId}/{rest...}", s.forgeGateway)
	mux.HandleFunc("POST /app/report-accounts/", s.reportAccountsBearer)
	mux.HandleFunc("POST /jira/{site}/app/report-accounts/", s.reportAccountsConnect)
}

// systemTokenInstall returns the installation whose unexpired system token
// the request carries as a bearer token.
func (s *Sim) systemTokenInstall(r *http.Request) (*forgeInstall, bool) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || tok == "" {
		return nil, false
	}
	s.forge.mu.Lock()
	defer s.forge.mu.Unlock()
	st, ok := s.forge.tokens[tok]
	if !ok || !st.fi.installed || !s.now().Before(st.expires) {
		return nil, false
	}
	return st.fi, true
}

// ExpireForgeTokens makes every system token expire now, as when Remit
// has not been invoked for longer than their lifetime.
func (s *Sim) ExpireForgeTokens() {
	s.forge.mu.Lock()
	defer s.forge.mu.Unlock()
	for _, st := range s.forge.tokens {
		st.expires = s.now().Add(-time.Second)
	}
}

// forgeGateway serves Jira's REST API at <sim>/ex/jira/<cloudId>/rest/…
// for bearer system tokens, as api.atlassian.com does for Forge apps. A
// token is good only for its own site. The call is then served exactly as
// the same app's Connect call would be (same handlers, rate limits, fault
// rules and request log), by re-signing it internally for the site.
func (s *Sim) forgeGateway(w http.ResponseWriter, r *http.Request) {
	fi, ok := s.systemTokenInstall(r)
	if !ok {
		writeError(w, http.StatusUnauthorized, msgNotAuthenticated)
		return
	}
	if fi.CloudID != r.PathValue("cloudId") {
		writeError(w, http.StatusUnauthorized, msgNotAuthenticated)
		return
	}
	st := fi.site
	st.mu.Lock()
	inst, ok := st.installs[fi.app.ConnectKey]
	st.mu.Unlock()
	if !ok || !inst.installed || !inst.enabled {
		writeError(w, http.StatusUnauthorized, msgNotAuthenticated)
		return
	}
	inner := r.Clone(r.Context())
	inner.URL.Path = st.ContextPath() + "/" + r.PathValue("rest")
	inner.URL.RawPath = ""
	inner.RequestURI = inner.URL.RequestURI()
	tok, err := connect.SignRequest(inst.SharedSecret, inst.AppKey, inst.ClientKey, inner.Method, inner.URL, st.ContextPath(), s.now(), time.Minute)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	inner.Header.Set("Authorization", "JWT "+tok)
	s.handler.ServeHTTP(w, inner)
}

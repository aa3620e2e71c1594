package demohost

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/remitapp/remit/internal/connect"
	"github.com/remitapp/remit/internal/jirasim"
)

// ConnectJSPath is where, below the simulator's URL, the stand-in Connect
// JS API is served.
const ConnectJSPath = "/_demo/all.js"

// Host is the demo host of one simulator.
type Host struct {
	sim *jirasim.Sim
	log *slog.Logger
}

// Mount serves the demo host's pages, its context-token endpoint and the
// stand-in all.js on the simulator's server. log receives the host's
// warnings; nil discards them.
func Mount(sim *jirasim.Sim, log *slog.Logger) *Host {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	h := &Host{sim: sim, log: log}
	sim.Handle("GET "+ConnectJSPath, http.HandlerFunc(serveConnectJS))
	site := func(pattern string, fn func(w http.ResponseWriter, r *http.Request, st *jirasim.Site)) {
		sim.Handle(pattern, h.siteHandler(fn))
	}
	site("GET /jira/{site}/browse/{key}", h.issueView)
	site("GET /jira/{site}/projects/{key}/remit", h.projectPage)
	site("GET /jira/{site}/admin/remit", h.adminPage("admin"))
	site("GET /jira/{site}/admin/remit/get-started", h.adminPage("get-started"))
	site("POST /jira/{site}/_demo/context-token", h.contextToken)
	return h
}

// ConnectJSURL is where the stand-in Connect JS API is served; apps under
// test point REMIT_CONNECT_JS_URL (or their equivalent) at it.
func (h *Host) ConnectJSURL() string { return h.sim.URL() + ConnectJSPath }

// siteHandler resolves {site}.
func (h *Host) siteHandler(fn func(w http.ResponseWriter, r *http.Request, st *jirasim.Site)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		st, ok := h.sim.Site(r.PathValue("site"))
		if !ok {
			writeError(w, http.StatusNotFound, "no site "+r.PathValue("site"))
			return
		}
		fn(w, r, st)
	}
}

// user is the user the host acts as.
func user(r *http.Request, st *jirasim.Site) jirasim.User {
	if id := r.URL.Query().Get("user"); id != "" {
		if u, ok := st.User(id); ok {
			return u
		}
		return jirasim.User{AccountID: id, DisplayName: id}
	}
	admins := st.GlobalAdmins()
	if len(admins) == 0 {
		return jirasim.User{}
	}
	if u, ok := st.User(admins[0]); ok {
		return u
	}
	return jirasim.User{AccountID: admins[0], DisplayName: admins[0]}
}

// iframeURL is the module's URL as Jira renders it into an iframe: the
// context variables filled in, the standard Connect parameters added, and
// a request token whose qsh covers exactly that URL and whose sub is the
// viewing user, as Jira signs iframe URLs for a signed-in user.
func (h *Host) iframeURL(st *jirasim.Site, app jirasim.Installation, m module, vars map[string]string, lic, accountID string) (string, error) {
	raw := m.URL
	for k, v := range vars {
		raw = strings.ReplaceAll(raw, "{"+k+"}", url.QueryEscape(v))
	}
	base := strings.TrimSuffix(app.AppBaseURL, "/")
	u, err := url.Parse(base + raw)
	if err != nil {
		return "", err
	}
	simURL, _ := url.Parse(h.sim.URL())
	q := u.Query()
	q.Set("xdm_e", simURL.Scheme+"://"+simURL.Host)
	q.Set("xdm_c", "channel-"+app.AppKey+"__"+m.Key)
	q.Set("cp", st.ContextPath())
	q.Set("xdm_deprecated_addon_key_do_not_use", app.AppKey)
	q.Set("lic", lic)
	q.Set("cv", "1001.0.0-SNAPSHOT")
	q.Set("loc", "en-US")
	u.RawQuery = q.Encode()
	appBase, _ := url.Parse(base)
	tok, err := connect.SignPageLoad(app.SharedSecret, app.ClientKey, accountID, u, appBase.Path, h.sim.Now(), 3*time.Minute)
	if err != nil {
		return "", err
	}
	q.Set("jwt", tok)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// contextToken mints a context token for the host's user, as
// AP.context.getToken gets one from Jira. {"expired": true} mints one
// that expired five minutes ago.
func (h *Host) contextToken(w http.ResponseWriter, r *http.Request, st *jirasim.Site) {
	var req struct {
		App     string `json:"app"`
		User    string `json:"user"`
		Expired bool   `json:"expired"`
	}
	if decodeJSON(r, &req) != nil {
		writeError(w, http.StatusBadRequest, "invalid JSON body")
		return
	}
	app, ok := enabledApp(st, req.App)
	if !ok {
		writeError(w, http.StatusNotFound, "app "+req.App+" is not installed and enabled")
		return
	}
	now := h.sim.Now()
	if req.Expired {
		now = now.Add(-10 * time.Minute)
	}
	tok, err := connect.SignContext(app.SharedSecret, app.ClientKey, req.User, now, 5*time.Minute)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{"token": tok, "expiresAt": now.Add(5 * time.Minute).Unix()})
}

// enabledApp is the installed and enabled app of that key.
func enabledApp(st *jirasim.Site, appKey string) (jirasim.Installation, bool) {
	for _, app := range st.EnabledApps() {
		if app.AppKey == appKey {
			return app, true
		}
	}
	return jirasim.Installation{}, false
}

// maxBody bounds request bodies, as the simulator bounds its own.
const maxBody = 10 << 20

func decodeJSON(r *http.Request, v any) error {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		return err
	}
	if len(body) == 0 {
		return errors.New("empty body")
	}
	return json.Unmarshal(body, v)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError answers with Jira's error shape (an ErrorCollection), as
// Jira's own pages and the simulator do.
func writeError(w http.ResponseWriter, status int, msgs ...string) {
	writeJSON(w, status, struct {
		ErrorMessages []string          `json:"errorMessages"`
		Errors        map[string]string `json:"errors"`
	}{msgs, map[string]string{}})
}

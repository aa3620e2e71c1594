package jirasim

import (
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/remitapp/remit/internal/connect"
)

// The demo host: pages that look like a simplified Jira (an issue view, a
// project page, the admin pages) and embed an installed app's real
// iframes, signed with request tokens as Jira signs them, talking to the
// stand-in Connect JS API (connectjs.go). A person sees the app the way a
// Jira user would; browser tests drive the same pages. The host acts as
// one user: ?user=<accountId>, else the first user with global ADMINISTER.
//
// Query parameters on every host page: app (app key; default the first
// installed app with the module), user, lic (active|none, default
// active), staleTokens (hand the iframe that many already-expired context
// tokens first, to exercise a client's refresh path).

// demoHostRoutes registers the demo host's pages, its token endpoint and
// the stand-in all.js.
func (s *Sim) demoHostRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /_demo/all.js", s.serveConnectJS)
	site := func(pattern string, h func(w http.ResponseWriter, r *http.Request, st *Site)) {
		mux.HandleFunc(pattern, s.siteHandler(h))
	}
	site("GET /jira/{site}/browse/{key}", s.demoIssueView)
	site("GET /jira/{site}/projects/{key}/remit", s.demoProjectPage)
	site("GET /jira/{site}/admin/remit", s.demoAdminPage("admin"))
	site("GET /jira/{site}/admin/remit/get-started", s.demoAdminPage("get-started"))
	site("POST /jira/{site}/_demo/context-token", s.demoContextToken)
}

// demoModule is one iframe module of an installed app's descriptor.
type demoModule struct {
	Key  string
	Name string
	URL  string // relative to the app's baseUrl, with {…} context variables
	Icon string
}

// demoDescriptor is the part of a descriptor the demo host renders.
type demoDescriptor struct {
	Name    string `json:"name"`
	Modules struct {
		IssueContexts []struct {
			Key    string                 `json:"key"`
			Name   struct{ Value string } `json:"name"`
			Icon   struct{ URL string }   `json:"icon"`
			Target struct{ URL string }   `json:"target"`
		} `json:"jiraIssueContexts"`
		ProjectPages []struct {
			Key     string                 `json:"key"`
			Name    struct{ Value string } `json:"name"`
			URL     string                 `json:"url"`
			IconURL string                 `json:"iconUrl"`
		} `json:"jiraProjectPages"`
		AdminPages []struct {
			Key  string                 `json:"key"`
			Name struct{ Value string } `json:"name"`
			URL  string                 `json:"url"`
		} `json:"adminPages"`
		PostInstall *struct {
			Key  string                 `json:"key"`
			Name struct{ Value string } `json:"name"`
			URL  string                 `json:"url"`
		} `json:"postInstallPage"`
	} `json:"modules"`
}

// module finds the module of the given kind ("issue", "project", "admin",
// "get-started") of the app the request names, or of the first installed
// app (by key) that has one.
func (st *Site) demoModule(appKey, kind string) (*installation, demoModule, bool) {
	st.mu.Lock()
	var insts []*installation
	for k, inst := range st.installs {
		if inst.installed && inst.enabled && (appKey == "" || k == appKey) {
			insts = append(insts, inst)
		}
	}
	st.mu.Unlock()
	sort.Slice(insts, func(i, j int) bool { return insts[i].AppKey < insts[j].AppKey })
	for _, inst := range insts {
		var d demoDescriptor
		if json.Unmarshal(inst.Descriptor, &d) != nil {
			continue
		}
		m := d.Modules
		switch {
		case kind == "issue" && len(m.IssueContexts) > 0:
			ic := m.IssueContexts[0]
			return inst, demoModule{Key: ic.Key, Name: ic.Name.Value, URL: ic.Target.URL, Icon: ic.Icon.URL}, true
		case kind == "project" && len(m.ProjectPages) > 0:
			p := m.ProjectPages[0]
			return inst, demoModule{Key: p.Key, Name: p.Name.Value, URL: p.URL, Icon: p.IconURL}, true
		case kind == "admin" && len(m.AdminPages) > 0:
			p := m.AdminPages[0]
			return inst, demoModule{Key: p.Key, Name: p.Name.Value, URL: p.URL}, true
		case kind == "get-started" && m.PostInstall != nil:
			return inst, demoModule{Key: m.PostInstall.Key, Name: m.PostInstall.Name.Value, URL: m.PostInstall.URL}, true
		}
	}
	return nil, demoModule{}, false
}

// demoUser is the user the host acts as.
func (st *Site) demoUser(r *http.Request) User {
	st.mu.Lock()
	defer st.mu.Unlock()
	if id := r.URL.Query().Get("user"); id != "" {
		if u, ok := st.users[id]; ok {
			return *u
		}
		return User{AccountID: id, DisplayName: id}
	}
	var admins []string
	for id, g := range st.grants {
		if g.global["ADMINISTER"] {
			admins = append(admins, id)
		}
	}
	sort.Strings(admins)
	if len(admins) == 0 {
		return User{}
	}
	if u, ok := st.users[admins[0]]; ok {
		return *u
	}
	return User{AccountID: admins[0], DisplayName: admins[0]}
}

// iframeURL is the module's URL as Jira renders it into an iframe: the
// context variables filled in, the standard Connect parameters added, and
// a request token whose qsh covers exactly that URL and whose sub is the
// viewing user, as Jira signs iframe URLs for a signed-in user.
func (s *Sim) iframeURL(st *Site, inst *installation, m demoModule, vars map[string]string, lic, accountID string) (string, error) {
	raw := m.URL
	for k, v := range vars {
		raw = strings.ReplaceAll(raw, "{"+k+"}", url.QueryEscape(v))
	}
	base := strings.TrimSuffix(inst.desc.BaseURL, "/")
	u, err := url.Parse(base + raw)
	if err != nil {
		return "", err
	}
	simURL, _ := url.Parse(s.URL())
	q := u.Query()
	q.Set("xdm_e", simURL.Scheme+"://"+simURL.Host)
	q.Set("xdm_c", "channel-"+inst.AppKey+"__"+m.Key)
	q.Set("cp", st.ContextPath())
	q.Set("xdm_deprecated_addon_key_do_not_use", inst.AppKey)
	q.Set("lic", lic)
	q.Set("cv", "1001.0.0-SNAPSHOT")
	q.Set("loc", "en-US")
	u.RawQuery = q.Encode()
	appBase, _ := url.Parse(base)
	tok, err := connect.SignPageLoad(inst.SharedSecret, inst.ClientKey, accountID, u, appBase.Path, s.now(), 3*time.Minute)
	if err != nil {
		return "", err
	}
	q.Set("jwt", tok)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// demoContextToken mints a context token for the host's user, as
// AP.context.getToken gets one from Jira. {"expired": true} mints one
// that expired five minutes ago.
func (s *Sim) demoContextToken(w http.ResponseWriter, r *http.Request, st *Site) {
	var req struct {
		App     string `json:"app"`
		User    string `json:"user"`
		Expired bool   `json:"expired"`
	}
	if !decodeOr400(w, r, &req) {
		return
	}
	inst, err := st.installed(req.App)
	if err != nil || !inst.enabled {
		writeError(w, http.StatusNotFound, "app "+req.App+" is not installed and enabled")
		return
	}
	now := s.now()
	if req.Expired {
		now = now.Add(-10 * time.Minute)
	}
	tok, err := connect.SignContext(inst.SharedSecret, inst.ClientKey, req.User, now, 5*time.Minute)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{"token": tok, "expiresAt": now.Add(5 * time.Minute).Unix()})
}

package demohost

import (
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"github.com/remitapp/remit/internal/jirasim"
)

// view is what a demo host page is rendered from.
type view struct {
	Site     string
	SitePath string
	Title    string
	Kind     string // issue, project, admin, get-started
	Issue    jirasim.IssueView
	// DescriptionHTML is the issue's description rendered from its ADF.
	DescriptionHTML template.HTML
	Project         jirasim.Project
	User            jirasim.User
	Module          module
	AppName         string
	IconURL         string
	FrameURL        string
	Config          template.JS // JSON for the host script
	Projects        []jirasim.Project
	NoApp           string
	FrameName       string
}

// hostConfig is what the host page's script needs.
type hostConfig struct {
	TokenURL    string `json:"tokenUrl"`
	App         string `json:"app"`
	User        string `json:"user"`
	AppOrigin   string `json:"appOrigin"`
	SitePath    string `json:"sitePath"`
	StaleTokens int    `json:"staleTokens"`
}

func (h *Host) issueView(w http.ResponseWriter, r *http.Request, st *jirasim.Site) {
	is, ok := st.Issue(r.PathValue("key"))
	if !ok {
		writeError(w, http.StatusNotFound, "Issue does not exist or you do not have permission to see it.")
		return
	}
	v := baseView(r, st, "issue", is.Key+": "+is.Summary)
	v.Issue = is
	v.DescriptionHTML = adfToHTML(is.DescriptionADF)
	for _, p := range v.Projects {
		if p.Key == is.Project {
			v.Project = p
		}
	}
	h.render(w, r, st, v, map[string]string{"issue.key": is.Key, "issue.id": is.ID, "project.key": is.Project, "project.id": v.Project.ID})
}

func (h *Host) projectPage(w http.ResponseWriter, r *http.Request, st *jirasim.Site) {
	key := r.PathValue("key")
	v := baseView(r, st, "project", "")
	for _, p := range v.Projects {
		if p.Key == key {
			v.Project = p
		}
	}
	if v.Project.Key == "" {
		writeError(w, http.StatusNotFound, "No project could be found with key '"+key+"'.")
		return
	}
	v.Title = v.Project.Name
	h.render(w, r, st, v, map[string]string{"project.key": v.Project.Key, "project.id": v.Project.ID})
}

func (h *Host) adminPage(kind string) func(w http.ResponseWriter, r *http.Request, st *jirasim.Site) {
	return func(w http.ResponseWriter, r *http.Request, st *jirasim.Site) {
		v := baseView(r, st, kind, "Apps")
		h.render(w, r, st, v, map[string]string{})
	}
}

func baseView(r *http.Request, st *jirasim.Site, kind, title string) view {
	return view{Site: st.Name(), SitePath: st.ContextPath(), Kind: kind, Title: title, User: user(r, st), Projects: st.Projects()}
}

// render finds the app's module, signs its iframe URL and renders the
// page; without an installed app the page says so instead of an iframe.
func (h *Host) render(w http.ResponseWriter, r *http.Request, st *jirasim.Site, v view, vars map[string]string) {
	q := r.URL.Query()
	app, m, appName, ok := findModule(st, q.Get("app"), v.Kind)
	if !ok {
		v.NoApp = "No installed app provides this page."
	} else {
		lic := q.Get("lic")
		if lic != "none" {
			lic = "active"
		}
		frame, err := h.iframeURL(st, app, m, vars, lic, v.User.AccountID)
		if err != nil {
			writeError(w, http.StatusInternalServerError, err.Error())
			return
		}
		stale, _ := strconv.Atoi(q.Get("staleTokens"))
		cfg, _ := json.Marshal(hostConfig{
			TokenURL: st.ContextPath() + "/_demo/context-token", App: app.AppKey, User: v.User.AccountID,
			AppOrigin: originOf(app.AppBaseURL), SitePath: st.ContextPath(), StaleTokens: stale,
		})
		v.Module, v.AppName, v.FrameURL, v.Config = m, appName, frame, template.JS(cfg)
		v.FrameName = app.AppKey + "__" + m.Key
		if m.Icon != "" {
			v.IconURL = app.AppBaseURL + m.Icon
		}
		if v.Kind != "issue" && v.Kind != "project" {
			v.Title = m.Name
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := pageTemplate.Execute(w, v); err != nil {
		h.log.WarnContext(r.Context(), "demo page", "error", err.Error())
	}
}

// originOf is scheme://host of an absolute URL.
func originOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

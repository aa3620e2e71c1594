package jirasim

import (
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
)

// demoView is what a demo host page is rendered from.
type demoView struct {
	Site     string
	SitePath string
	Title    string
	Kind     string // issue, project, admin
	Issue    IssueView
	// DescriptionHTML is the issue's description rendered from its ADF.
	DescriptionHTML template.HTML
	Project         Project
	User            User
	Module          demoModule
	AppName         string
	IconURL         string
	FrameURL        string
	Config          template.JS // JSON for the host script
	Projects        []Project
	NoApp           string
	FrameName       string
}

// demoHostConfig is what the host page's script needs.
type demoHostConfig struct {
	TokenURL    string `json:"tokenUrl"`
	App         string `json:"app"`
	User        string `json:"user"`
	AppOrigin   string `json:"appOrigin"`
	SitePath    string `json:"sitePath"`
	StaleTokens int    `json:"staleTokens"`
}

func (s *Sim) demoIssueView(w http.ResponseWriter, r *http.Request, st *Site) {
	is, ok := st.Issue(r.PathValue("key"))
	if !ok {
		writeError(w, http.StatusNotFound, "Issue does not exist or you do not have permission to see it.")
		return
	}
	v := s.demoBase(r, st, "issue", is.Key+": "+is.Summary)
	v.Issue = is
	v.DescriptionHTML = adfToHTML(is.DescriptionADF)
	for _, p := range st.Projects() {
		if p.Key == is.Project {
			v.Project = p
		}
	}
	s.renderDemo(w, r, st, v, map[string]string{"issue.key": is.Key, "issue.id": is.ID, "project.key": is.Project, "project.id": v.Project.ID})
}

func (s *Sim) demoProjectPage(w http.ResponseWriter, r *http.Request, st *Site) {
	key := r.PathValue("key")
	v := s.demoBase(r, st, "project", "")
	for _, p := range st.Projects() {
		if p.Key == key {
			v.Project = p
		}
	}
	if v.Project.Key == "" {
		writeError(w, http.StatusNotFound, "No project could be found with key '"+key+"'.")
		return
	}
	v.Title = v.Project.Name
	s.renderDemo(w, r, st, v, map[string]string{"project.key": v.Project.Key, "project.id": v.Project.ID})
}

func (s *Sim) demoAdminPage(kind string) func(w http.ResponseWriter, r *http.Request, st *Site) {
	return func(w http.ResponseWriter, r *http.Request, st *Site) {
		v := s.demoBase(r, st, kind, "Apps")
		s.renderDemo(w, r, st, v, map[string]string{})
	}
}

func (s *Sim) demoBase(r *http.Request, st *Site, kind, title string) demoView {
	return demoView{Site: st.Name(), SitePath: st.ContextPath(), Kind: kind, Title: title, User: st.demoUser(r), Projects: st.Projects()}
}

// renderDemo finds the app's module, signs its iframe URL and renders the
// page; without an installed app the page says so instead of an iframe.
func (s *Sim) renderDemo(w http.ResponseWriter, r *http.Request, st *Site, v demoView, vars map[string]string) {
	q := r.URL.Query()
	inst, m, ok := st.demoModule(q.Get("app"), v.Kind)
	if !ok {
		v.NoApp = "No installed app provides this page."
	} else {
		lic := q.Get("lic")
		if lic != "none" {
			lic = "active"
		}
		frame, err := s.iframeURL(st, inst, m, vars, lic, v.User.AccountID)
		if err != nil {
			writeError(w, http.StatusInternalServerError, err.Error())
			return
		}
		stale, _ := strconv.Atoi(q.Get("staleTokens"))
		cfg, _ := json.Marshal(demoHostConfig{
			TokenURL: st.ContextPath() + "/_demo/context-token", App: inst.AppKey, User: v.User.AccountID,
			AppOrigin: originOf(inst.desc.BaseURL), SitePath: st.ContextPath(), StaleTokens: stale,
		})
		v.Module, v.AppName, v.FrameURL, v.Config = m, inst.desc.Name, frame, template.JS(cfg)
		v.FrameName = inst.AppKey + "__" + m.Key
		if m.Icon != "" {
			v.IconURL = inst.desc.BaseURL + m.Icon
		}
		if v.Kind != "issue" && v.Kind != "project" {
			v.Title = m.Name
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := demoTemplate.Execute(w, v); err != nil {
		s.log.WarnContext(r.Context(), "demo page", "error", err.Error())
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

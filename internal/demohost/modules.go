package demohost

import (
	"encoding/json"

	"github.com/remitapp/remit/internal/jirasim"
)

// module is one iframe module of an installed app's descriptor.
type module struct {
	Key  string
	Name string
	URL  string // relative to the app's baseUrl, with {…} context variables
	Icon string
}

// descriptor is the part of a Connect descriptor the demo host renders.
type descriptor struct {
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

// findModule finds the module of the given kind ("issue", "project",
// "admin", "get-started") of the app the request names, or of the first
// installed and enabled app (by key) that has one. It returns the app,
// the module and the app's name.
func findModule(st *jirasim.Site, appKey, kind string) (jirasim.Installation, module, string, bool) {
	for _, app := range st.EnabledApps() {
		if appKey != "" && app.AppKey != appKey {
			continue
		}
		var d descriptor
		if json.Unmarshal(app.Descriptor, &d) != nil {
			continue
		}
		m := d.Modules
		switch {
		case kind == "issue" && len(m.IssueContexts) > 0:
			ic := m.IssueContexts[0]
			return app, module{Key: ic.Key, Name: ic.Name.Value, URL: ic.Target.URL, Icon: ic.Icon.URL}, d.Name, true
		case kind == "project" && len(m.ProjectPages) > 0:
			p := m.ProjectPages[0]
			return app, module{Key: p.Key, Name: p.Name.Value, URL: p.URL, Icon: p.IconURL}, d.Name, true
		case kind == "admin" && len(m.AdminPages) > 0:
			p := m.AdminPages[0]
			return app, module{Key: p.Key, Name: p.Name.Value, URL: p.URL}, d.Name, true
		case kind == "get-started" && m.PostInstall != nil:
			return app, module{Key: m.PostInstall.Key, Name: m.PostInstall.Name.Value, URL: m.PostInstall.URL}, d.Name, true
		}
	}
	return jirasim.Installation{}, module{}, "", false
}

package jirasim

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/remitapp/remit/internal/connect"
)

// TestIssueViewFramesTheAppWithASignedPageLoad checks the iframe URL the
// issue view renders: the context parameters Jira adds, and a request
// token whose qsh covers that URL and whose sub is the viewing user, as
// Jira signs page loads for a signed-in user.
func TestIssueViewFramesTheAppWithASignedPageLoad(t *testing.T) {
	e := newEnv(t)
	e.app.desc["modules"].(map[string]any)["jiraIssueContexts"] = []map[string]any{{
		"key": "panel", "name": map[string]string{"value": "Remit"}, "icon": map[string]string{"url": "/icon.svg"},
		"target": map[string]any{"type": "web_panel", "url": "/pages/issue-panel?issueKey={issue.key}&projectKey={project.key}"},
	}}
	inst, err := e.site.InstallApp(context.Background(), e.app.baseURL())
	if err != nil {
		t.Fatal(err)
	}
	if err := e.site.SetPermissions("alice", []string{"ADMINISTER"}, nil); err != nil {
		t.Fatal(err)
	}
	key := e.issue(IssueSpec{Project: "WORK", Summary: "Build it"})
	frame := func(query string) *url.URL {
		t.Helper()
		resp, err := http.Get(e.srv.URL + "/jira/acme/browse/" + key + query)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		m := regexp.MustCompile(`<iframe id="app-frame"[^>]* src="([^"]+)"`).FindSubmatch(body)
		if m == nil {
			t.Fatalf("no app iframe in the issue view (%d):\n%s", resp.StatusCode, body)
		}
		u, err := url.Parse(html.UnescapeString(string(m[1])))
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	for _, c := range []struct{ query, sub string }{{"", "alice"}, {"?user=bob", "bob"}} {
		u := frame(c.query)
		q := u.Query()
		if q.Get("issueKey") != key || q.Get("projectKey") != "WORK" || q.Get("lic") != "active" || q.Get("xdm_e") == "" || q.Get("cp") != "/jira/acme" {
			t.Fatalf("iframe URL %s", u)
		}
		claims := jwt.MapClaims{}
		if _, err := jwt.ParseWithClaims(q.Get("jwt"), claims, func(*jwt.Token) (any, error) { return []byte(inst.SharedSecret), nil }, jwt.WithTimeFunc(e.clock.Now)); err != nil {
			t.Fatalf("page token: %v", err)
		}
		if claims["iss"] != inst.ClientKey || claims["sub"] != c.sub || claims["qsh"] != connect.QSHForURL("GET", u, "/app") {
			t.Fatalf("page token claims %v for %s (want sub %s)", claims, u, c.sub)
		}
	}
}

package httpapi

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/remitapp/remit/internal/connect"
	"github.com/remitapp/remit/internal/remit"
)

type oneTenant struct{ t remit.Tenant }

func (o oneTenant) TenantByClientKey(_ context.Context, ck string) (remit.Tenant, error) {
	if ck != o.t.ClientKey {
		return remit.Tenant{}, remit.Errorf(remit.NotFound, "test", "no tenant")
	}
	return o.t, nil
}

const testManifest = `{
  "src/entries/issue-panel.tsx": {"file": "assets/issue-panel-AAAA.js", "name": "issue-panel", "isEntry": true,
    "imports": ["_react-BBBB.js", "_client-CCCC.js"], "css": ["assets/issue-panel-DDDD.css"]},
  "src/entries/admin.tsx": {"file": "assets/admin-EEEE.js", "name": "admin", "isEntry": true, "imports": ["_react-BBBB.js"]},
  "_react-BBBB.js": {"file": "assets/react-BBBB.js"},
  "_client-CCCC.js": {"file": "assets/client-CCCC.js", "imports": ["_react-BBBB.js"], "css": ["assets/client-FFFF.css"]},
  "src/lazy.tsx": {"file": "assets/lazy-GGGG.js", "isDynamicEntry": true}
}`

func testAssets() fstest.MapFS {
	return fstest.MapFS{
		".vite/manifest.json":         {Data: []byte(testManifest)},
		"assets/issue-panel-AAAA.js":  {Data: []byte("console.log(1)")},
		"assets/admin-EEEE.js":        {Data: []byte("console.log(2)")},
		"assets/react-BBBB.js":        {Data: []byte("export{}")},
		"assets/client-CCCC.js":       {Data: []byte("export{}")},
		"assets/issue-panel-DDDD.css": {Data: []byte("body{}")},
		"remit-icon.svg":              {Data: []byte("<svg xmlns='http://www.w3.org/2000/svg'/>")},
		"assets/react-BBBB.js.gz":     {Data: gzipped("export{}")},
	}
}

type pageFixture struct {
	srv    *httptest.Server
	tenant remit.Tenant
	now    time.Time
}

func newPageFixture(t *testing.T, assets fstest.MapFS) *pageFixture {
	t.Helper()
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	tenant := remit.Tenant{ClientKey: "ck-1", SharedSecret: "s3cret-s3cret-s3cret", BaseURL: "https://acme.atlassian.net/jira",
		DisplayURL: "https://jira.acme.example", State: remit.TenantInstalled, Enabled: true}
	base, _ := url.Parse("http://remit.test")
	deps := Deps{
		Logger: slog.New(slog.DiscardHandler), Now: func() time.Time { return now }, BaseURL: base,
		Requests: &connect.Verifier{Tenants: oneTenant{tenant}, Now: func() time.Time { return now }},
		Registry: prometheus.NewRegistry(), ConnectJSURL: "https://connect.example/all.js",
	}
	if assets != nil {
		deps.Assets = assets
	}
	srv := httptest.NewServer(New(deps).Handler())
	t.Cleanup(srv.Close)
	return &pageFixture{srv: srv, tenant: tenant, now: now}
}

// signed is a page URL with the request token Jira appends.
func (f *pageFixture) signed(t *testing.T, pathAndQuery string) string {
	t.Helper()
	u, _ := url.Parse(f.srv.URL + pathAndQuery)
	tok, err := connect.SignRequest(f.tenant.SharedSecret, f.tenant.ClientKey, "", http.MethodGet, u, "", f.now, 3*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("jwt", tok)
	u.RawQuery = q.Encode()
	return u.String()
}

func get(t *testing.T, u string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestPageShell(t *testing.T) {
	f := newPageFixture(t, testAssets())
	resp, body := get(t, f.signed(t, `/pages/issue-panel?issueKey=BILL-7&projectKey=BILL&lic=active&xdm_e=https%3A%2F%2Facme.atlassian.net&cp=%2Fjira`))
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	for _, want := range []string{
		`<script defer src="https://connect.example/all.js"`,
		`<script type="module" src="/static/assets/issue-panel-AAAA.js">`,
		`<link rel="modulepreload" href="/static/assets/client-CCCC.js">`,
		`<link rel="modulepreload" href="/static/assets/react-BBBB.js">`,
		`<link rel="stylesheet" href="/static/assets/client-FFFF.css">`,
		`<link rel="stylesheet" href="/static/assets/issue-panel-DDDD.css">`,
		`data-page="issue-panel"`, `data-issue-key="BILL-7"`, `data-project-key="BILL"`, `data-lic="active"`,
		`data-site-url="https://jira.acme.example"`, `data-timezone="UTC"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("shell lacks %s\n%s", want, body)
		}
	}
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{
		"frame-ancestors https://acme.atlassian.net https://jira.acme.example;",
		"script-src 'self' https://connect.example;", "default-src 'none'", "connect-src 'self'",
	} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("page Cache-Control %q", cc)
	}
}

func TestPageContextIsEscaped(t *testing.T) {
	f := newPageFixture(t, testAssets())
	_, body := get(t, f.signed(t, `/pages/admin?projectKey=`+url.QueryEscape(`"><script>alert(1)</script>`)+`&lic=bogus`))
	if strings.Contains(body, "<script>alert(1)") {
		t.Fatalf("context not escaped:\n%s", body)
	}
	if !strings.Contains(body, `data-lic=""`) {
		t.Errorf("unknown lic value kept:\n%s", body)
	}
}

func TestPageRefusesBadTokens(t *testing.T) {
	f := newPageFixture(t, testAssets())
	ctxTok, _ := connect.SignContext(f.tenant.SharedSecret, f.tenant.ClientKey, "u1", f.now, time.Minute)
	forOther := f.signed(t, "/pages/admin")
	u, _ := url.Parse(forOther)
	tests := map[string]string{
		"no token":                    f.srv.URL + "/pages/issue-panel?issueKey=BILL-1",
		"context token":               f.srv.URL + "/pages/issue-panel?jwt=" + ctxTok,
		"token of another page":       f.srv.URL + "/pages/project?" + u.RawQuery,
		"query changed after signing": strings.Replace(f.signed(t, "/pages/issue-panel?issueKey=BILL-1"), "BILL-1", "BILL-2", 1),
	}
	for name, u := range tests {
		t.Run(name, func(t *testing.T) {
			resp, body := get(t, u)
			if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "must be opened from Jira") {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			if strings.Contains(body, "issue-panel-AAAA.js") {
				t.Fatal("refused page still names the bundle")
			}
		})
	}
}

func TestPageWithoutBundle(t *testing.T) {
	f := newPageFixture(t, fstest.MapFS{"remit-icon.svg": {Data: []byte("<svg/>")}})
	resp, body := get(t, f.signed(t, "/pages/get-started"))
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "make frontend") {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	// The icon the descriptor names is served all the same.
	if resp, _ := get(t, f.srv.URL+"/static/remit-icon.svg"); resp.StatusCode != 200 {
		t.Fatalf("icon: %d", resp.StatusCode)
	}
}

func TestStaticAssets(t *testing.T) {
	f := newPageFixture(t, testAssets())
	tests := []struct {
		path, status, cache, ctype string
	}{
		{"/static/assets/issue-panel-AAAA.js", "200", "public, max-age=31536000, immutable", "text/javascript"},
		{"/static/assets/issue-panel-DDDD.css", "200", "public, max-age=31536000, immutable", "text/css"},
		{"/static/remit-icon.svg", "200", "public, max-age=300", "image/svg+xml"},
		{"/static/.vite/manifest.json", "404", "", ""},
		{"/static/assets/", "404", "", ""},
		{"/static/assets", "404", "", ""},
		{"/static/../go.mod", "404", "", ""},
		{"/static/assets/missing.js", "404", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, body := get(t, f.srv.URL+tt.path)
			if got := resp.Status[:3]; got != tt.status {
				t.Fatalf("status %s, want %s: %s", resp.Status, tt.status, body)
			}
			if tt.status != "200" {
				if ct := resp.Header.Get("Content-Type"); ct != problemContentType {
					t.Errorf("404 content type %q", ct)
				}
				return
			}
			if cc := resp.Header.Get("Cache-Control"); cc != tt.cache {
				t.Errorf("Cache-Control %q, want %q", cc, tt.cache)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, tt.ctype) {
				t.Errorf("Content-Type %q, want %q", ct, tt.ctype)
			}
		})
	}
}

func TestReadBundles(t *testing.T) {
	got, err := readBundles(testAssets())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bundle{
		"issue-panel": {Script: "assets/issue-panel-AAAA.js", Preloads: []string{"assets/client-CCCC.js", "assets/react-BBBB.js"},
			Styles: []string{"assets/client-FFFF.css", "assets/issue-panel-DDDD.css"}},
		"admin": {Script: "assets/admin-EEEE.js", Preloads: []string{"assets/react-BBBB.js"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("bundles\n got %+v\nwant %+v", got, want)
	}

	broken := testAssets()
	delete(broken, "assets/admin-EEEE.js")
	bad := fstest.MapFS{".vite/manifest.json": {Data: []byte("{")}}
	for name, fsys := range map[string]fstest.MapFS{"entry file missing": broken, "malformed manifest": bad} {
		if _, err := readBundles(fsys); err == nil || err == errNoBundle {
			t.Errorf("%s: err %v", name, err)
		}
	}
	if _, err := readBundles(fstest.MapFS{}); err != errNoBundle {
		t.Errorf("no manifest: %v", err)
	}
}

func TestPageCSPOrigins(t *testing.T) {
	tests := []struct {
		name    string
		tenant  remit.Tenant
		connect string
		frame   string
		scripts string
	}{
		{"context path dropped", remit.Tenant{BaseURL: "http://127.0.0.1:9090/jira/demo"}, "http://127.0.0.1:9090/_demo/all.js",
			"frame-ancestors http://127.0.0.1:9090;", "script-src 'self' http://127.0.0.1:9090;"},
		{"display URL added once", remit.Tenant{BaseURL: "https://a.atlassian.net", DisplayURL: "https://a.atlassian.net"}, "https://cdn.example/all.js",
			"frame-ancestors https://a.atlassian.net;", "script-src 'self' https://cdn.example;"},
		{"no usable site", remit.Tenant{BaseURL: "javascript:alert(1)"}, "not a url",
			"frame-ancestors 'none';", "script-src 'self';"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			csp := pageCSP(tt.connect, tt.tenant)
			if !strings.Contains(csp+";", tt.frame) || !strings.Contains(csp, tt.scripts) {
				t.Fatalf("CSP %q", csp)
			}
		})
	}
}

// TestInlineScripts: a built script is inlined with the hash source that
// lets it run under the page's CSP, and one that could end its own script
// element is refused.
func TestInlineScripts(t *testing.T) {
	assets := fstest.MapFS{
		"ok.js":      {Data: []byte("(function(){document.title='a<b'})();\n")},
		"closing.js": {Data: []byte("x='</SCRIPT>'")},
		"comment.js": {Data: []byte("x='<!--'")},
	}
	s, err := readInlineScript(assets, "ok.js")
	sum := sha256.Sum256(assets["ok.js"].Data)
	if err != nil || string(s.Code) != string(assets["ok.js"].Data) || s.Hash != "sha256-"+base64.StdEncoding.EncodeToString(sum[:]) {
		t.Fatalf("ok.js: %+v, %v", s, err)
	}
	if csp := pageCSP("https://cdn.example/all.js", remit.Tenant{}, s); !strings.Contains(csp, "script-src 'self' https://cdn.example '"+s.Hash+"';") {
		t.Fatalf("CSP %q lacks the script's hash", csp)
	}
	for _, name := range []string{"closing.js", "comment.js", "missing.js"} {
		if _, err := readInlineScript(assets, name); err == nil {
			t.Errorf("%s inlined", name)
		}
	}
}

func gzipped(s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	_, _ = w.Write([]byte(s))
	_ = w.Close()
	return b.Bytes()
}

func TestStaticServesPrecompressed(t *testing.T) {
	f := newPageFixture(t, testAssets())
	tests := []struct {
		accept, encoding, body string
	}{
		{"gzip, deflate, br", "gzip", "export{}"},
		{"br", "", "export{}"},
		{"gzip;q=0", "", "export{}"},
	}
	for _, tt := range tests {
		t.Run(tt.accept, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/static/assets/react-BBBB.js", nil)
			req.Header.Set("Accept-Encoding", tt.accept)
			resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			raw, _ := io.ReadAll(resp.Body)
			if got := resp.Header.Get("Content-Encoding"); got != tt.encoding {
				t.Fatalf("Content-Encoding %q, want %q", got, tt.encoding)
			}
			if tt.encoding == "gzip" {
				zr, err := gzip.NewReader(bytes.NewReader(raw))
				if err != nil {
					t.Fatal(err)
				}
				raw, _ = io.ReadAll(zr)
			}
			if string(raw) != tt.body || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/javascript") {
				t.Fatalf("body %q, type %q", raw, resp.Header.Get("Content-Type"))
			}
			if !strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding") {
				t.Fatal("no Vary: Accept-Encoding")
			}
		})
	}
}

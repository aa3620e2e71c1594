package connect

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/remitapp/remit/internal/golden"
	"github.com/remitapp/remit/internal/remit"
)

func renderTestDescriptor(t *testing.T) []byte {
	t.Helper()
	out, err := RenderDescriptor(DescriptorTemplate, "io.remit.jira", "https://remit.example.com/")
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRenderDescriptorGolden(t *testing.T) {
	golden.Check(t, "descriptor.golden.json", renderTestDescriptor(t))
}

// descriptorDoc is the part of the descriptor the checks below read.
type descriptorDoc struct {
	Key            string `json:"key"`
	BaseURL        string `json:"baseUrl"`
	Authentication struct{ Type string }
	Lifecycle      map[string]string `json:"lifecycle"`
	APIMigrations  map[string]bool   `json:"apiMigrations"`
	Scopes         []string          `json:"scopes"`
	Licensing      bool              `json:"enableLicensing"`
	Modules        map[string]json.RawMessage
}

func TestRenderedDescriptorRules(t *testing.T) {
	var d descriptorDoc
	out := renderTestDescriptor(t)
	if err := json.Unmarshal(out, &d); err != nil {
		t.Fatal(err)
	}
	if d.Key != "io.remit.jira" || d.BaseURL != "https://remit.example.com" {
		t.Errorf("key %q baseUrl %q", d.Key, d.BaseURL)
	}
	if d.Authentication.Type != "jwt" || !d.Licensing {
		t.Errorf("authentication %q, licensing %v", d.Authentication.Type, d.Licensing)
	}
	for _, m := range []string{"signed-install", "context-qsh", "gdpr"} {
		if !d.APIMigrations[m] {
			t.Errorf("apiMigrations.%s not true", m)
		}
	}
	allowed := map[string]bool{"NONE": true, "READ": true, "WRITE": true, "DELETE": true, "PROJECT_ADMIN": true,
		"SPACE_ADMIN": true, "ADMIN": true, "ACT_AS_USER": true, "ACCESS_EMAIL_ADDRESSES": true}
	for _, s := range d.Scopes {
		if !allowed[strings.ToUpper(s)] {
			t.Errorf("scope %q is not in the Connect enum", s)
		}
	}
	for _, event := range []string{"installed", "uninstalled", "enabled", "disabled"} {
		if d.Lifecycle[event] != "/lifecycle/"+event {
			t.Errorf("lifecycle.%s = %q", event, d.Lifecycle[event])
		}
	}

	// Every URL anywhere in the document must be relative to baseUrl, so a
	// deployment can never point Jira (and its tokens) at another host.
	var urls []string
	var walk func(key string, v any)
	walk = func(key string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, c := range x {
				walk(k, c)
			}
		case []any:
			for _, c := range x {
				walk(key, c)
			}
		case string:
			if strings.EqualFold(key, "url") || strings.HasSuffix(key, "Url") || key == "installed" || key == "uninstalled" || key == "enabled" || key == "disabled" {
				urls = append(urls, x)
			}
		}
	}
	var all map[string]any
	if err := json.Unmarshal(out, &all); err != nil {
		t.Fatal(err)
	}
	delete(all, "baseUrl")
	walk("", all)
	if len(urls) < 12 {
		t.Fatalf("found only %d URLs: %v", len(urls), urls)
	}
	for _, raw := range urls {
		u, err := url.Parse(raw)
		if err != nil || u.IsAbs() || u.Host != "" || !strings.HasPrefix(raw, "/") || strings.HasPrefix(raw, "//") {
			t.Errorf("URL %q is not a relative path", raw)
		}
	}

	var hooks []struct{ Event, URL string }
	if err := json.Unmarshal(d.Modules["webhooks"], &hooks); err != nil {
		t.Fatal(err)
	}
	events := map[string]bool{}
	for _, h := range hooks {
		events[h.Event] = h.URL == "/webhooks/jira"
	}
	for _, e := range []string{"jira:issue_updated", "jira:issue_deleted", "worklog_updated", "worklog_deleted"} {
		if !events[e] {
			t.Errorf("webhook %s missing or not at /webhooks/jira", e)
		}
	}
}

func TestRenderDescriptorValidates(t *testing.T) {
	tpl := []byte(`{"key":"x","name":"Remit","baseUrl":"x","modules":{"a":[1,2]}}`)
	tests := []struct {
		name, key, baseURL string
		wantField          string
	}{
		{"empty key", "", "https://r.test", "key"},
		{"key too long", strings.Repeat("k", 65), "https://r.test", "key"},
		{"key with a space", "io remit", "https://r.test", "key"},
		{"key with a quote", `io"remit`, "https://r.test", "key"},
		{"relative base URL", "io.remit", "/remit", "baseUrl"},
		{"no host", "io.remit", "https://", "baseUrl"},
		{"ftp base URL", "io.remit", "ftp://r.test", "baseUrl"},
		{"base URL with query", "io.remit", "https://r.test/?a=1", "baseUrl"},
		{"base URL with credentials", "io.remit", "https://u:p@r.test", "baseUrl"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := RenderDescriptor(tpl, tc.key, tc.baseURL)
			wantKind(t, err, remit.Invalid)
			if _, ok := err.(*remit.Error).Fields[tc.wantField]; !ok {
				t.Errorf("fields %v lack %q", err.(*remit.Error).Fields, tc.wantField)
			}
		})
	}
	out, err := RenderDescriptor(tpl, strings.Repeat("k", 64), "http://localhost:8080")
	if err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"key\": \"" + strings.Repeat("k", 64) + "\",\n  \"name\": \"Remit\",\n  \"baseUrl\": \"http://localhost:8080\",\n  \"modules\": {\n    \"a\": [\n      1,\n      2\n    ]\n  }\n}\n"
	if string(out) != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
	if _, err := RenderDescriptor([]byte(`[1]`), "k", "https://r.test"); !remit.IsKind(err, remit.Internal) {
		t.Errorf("array template: %v", err)
	}
	out, err = RenderDescriptor([]byte(`{"name":"n"}`), "k", "https://r.test")
	if err != nil || string(out) != "{\n  \"name\": \"n\",\n  \"key\": \"k\",\n  \"baseUrl\": \"https://r.test\"\n}\n" {
		t.Errorf("missing fields not added: %s %v", out, err)
	}
}

package forge

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/remitapp/remit/internal/connect"
)

// TestManifestMatchesDescriptor fails when manifest.yml and
// atlassian-connect.json drift apart: the committed manifest must be
// exactly what `make manifest` generates from the descriptor.
func TestManifestMatchesDescriptor(t *testing.T) {
	committed, err := os.ReadFile("../../manifest.yml")
	if err != nil {
		t.Fatal(err)
	}
	want, err := ManifestFromTemplate(connect.DescriptorTemplate, connect.RenderDescriptor,
		DefaultManifestAppKey, DefaultManifestBaseURL, ManifestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(committed, want) {
		t.Fatalf("manifest.yml is out of date with atlassian-connect.json: run `make manifest`\n--- generated ---\n%s", want)
	}
}

// plain turns the ordered tree into ordinary maps for comparison.
func plain(v any) any {
	switch t := v.(type) {
	case *omap:
		m := map[string]any{}
		for _, k := range t.keys {
			m[k] = plain(t.vals[k])
		}
		return m
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = plain(x)
		}
		return out
	}
	return v
}

func renderedDescriptor(t *testing.T) []byte {
	t.Helper()
	desc, err := connect.RenderDescriptor(connect.DescriptorTemplate, "io.remit.test", "https://remit.test")
	if err != nil {
		t.Fatal(err)
	}
	return desc
}

// TestConnectModulesCopyDescriptor checks the mapping itself: every
// descriptor module is either copied 1:1 into connectModules or replaced
// by the Forge-native module ReplacedModules names, and the lifecycle
// URLs arrive unchanged.
func TestConnectModulesCopyDescriptor(t *testing.T) {
	desc := renderedDescriptor(t)
	var d struct {
		Key       string                     `json:"key"`
		BaseURL   string                     `json:"baseUrl"`
		Modules   map[string]json.RawMessage `json:"modules"`
		Lifecycle map[string]string          `json:"lifecycle"`
	}
	if err := json.Unmarshal(desc, &d); err != nil {
		t.Fatal(err)
	}
	v, _ := decodeOrdered(desc)
	cm, err := connectModulesOf(v.(*omap))
	if err != nil {
		t.Fatal(err)
	}
	tree := manifestTree("ari:cloud:ecosystem::app/x", d.Key, d.BaseURL, cm)
	modules, _ := getMap(tree, "modules")
	for name, raw := range d.Modules {
		var want any
		_ = json.Unmarshal(raw, &want)
		if _, isList := want.([]any); !isList {
			want = []any{want}
		}
		if native, ok := ReplacedModules[name]; ok {
			if len(getList(modules, native)) == 0 {
				t.Errorf("descriptor module %s is replaced by %s, which the manifest lacks", name, native)
			}
			if _, copied := cm.vals["jira:"+name]; copied {
				t.Errorf("replaced module %s is also in connectModules", name)
			}
			continue
		}
		got, ok := cm.vals["jira:"+name]
		if !ok {
			t.Errorf("descriptor module %s is missing from connectModules", name)
			continue
		}
		gotJSON, _ := json.Marshal(plain(got))
		var gotAny any
		_ = json.Unmarshal(gotJSON, &gotAny)
		if !reflect.DeepEqual(gotAny, want) {
			t.Errorf("connectModules jira:%s = %s, descriptor has %s", name, gotJSON, raw)
		}
	}
	lc := getList(cm, "jira:lifecycle")
	if len(lc) != 1 {
		t.Fatalf("jira:lifecycle = %v", lc)
	}
	for event, path := range d.Lifecycle {
		if got := lc[0].(*omap).vals[event]; got != path {
			t.Errorf("lifecycle %s = %v, descriptor has %s", event, got, path)
		}
	}
	app, _ := getMap(tree, "app")
	conn, _ := getMap(app, "connect")
	if conn.vals["key"] != "io.remit.test" {
		t.Errorf("app.connect.key = %v, want the descriptor key", conn.vals["key"])
	}
	remote := getList(tree, "remotes")[0].(*omap)
	if remote.vals["baseUrl"] != "https://remit.test" {
		t.Errorf("remote baseUrl = %v, want the descriptor baseUrl", remote.vals["baseUrl"])
	}
}

// TestManifestRoutesEveryEventAndTrigger checks the Forge-native wiring:
// the product events map onto handled webhooks, lifecycle and scheduled
// triggers reach the remote routes Remit serves.
func TestManifestRoutesEveryEventAndTrigger(t *testing.T) {
	out, err := GenerateManifest(renderedDescriptor(t), ManifestOptions{AppID: "ari:cloud:ecosystem::app/1234"})
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	for _, want := range []string{
		"id: ari:cloud:ecosystem::app/1234", "key: io.remit.test", "baseUrl: https://remit.test",
		"path: " + RouteEvents, "path: " + RouteLifecycle, "path: " + RouteScheduled, "path: " + RouteAPI,
		EventInstalled, EventUpgraded, "interval: hour", "jira:issueContext:", "jira:projectPage:", "jira:adminPage:",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("manifest lacks %q", want)
		}
	}
	for e := range ProductEvents {
		if !strings.Contains(s, "- "+e+"\n") {
			t.Errorf("manifest does not subscribe to %s", e)
		}
	}
}

func TestGenerateManifestRefusesUnrenderedDescriptor(t *testing.T) {
	if _, err := GenerateManifest(connect.DescriptorTemplate, ManifestOptions{}); err == nil {
		t.Fatal("a template with ${REMIT_APP_KEY} produced a manifest")
	}
	if _, err := GenerateManifest([]byte(`[1]`), ManifestOptions{}); err == nil {
		t.Fatal("a non-object descriptor produced a manifest")
	}
}

// TestValidate breaks one rule of the manifest reference per case.
func TestValidate(t *testing.T) {
	fresh := func() *omap {
		v, _ := decodeOrdered(renderedDescriptor(t))
		cm, _ := connectModulesOf(v.(*omap))
		return manifestTree("ari:cloud:ecosystem::app/x", "io.remit.test", "https://remit.test", cm)
	}
	if err := Validate(fresh()); err != nil {
		t.Fatalf("generated manifest invalid: %v", err)
	}
	modules := func(m *omap) *omap { x, _ := getMap(m, "modules"); return x }
	cases := map[string]func(m *omap){
		"app id not an ARI":      func(m *omap) { app, _ := getMap(m, "app"); app.set("id", "1234") },
		"no connect key":         func(m *omap) { app, _ := getMap(m, "app"); app.set("connect", newOmap().set("remote", "remit")) },
		"remote key too long":    func(m *omap) { getList(m, "remotes")[0].(*omap).set("key", strings.Repeat("r", 24)) },
		"remote without url":     func(m *omap) { getList(m, "remotes")[0].(*omap).set("baseUrl", "/relative") },
		"storing remote, no EUD": func(m *omap) { delete(getList(m, "remotes")[0].(*omap).vals, "storage") },
		"endpoint bad remote":    func(m *omap) { getList(modules(m), "endpoint")[0].(*omap).set("remote", "elsewhere") },
		"UI endpoint no route":   func(m *omap) { delete(getList(modules(m), "endpoint")[0].(*omap).vals, "route") },
		"trigger bad endpoint":   func(m *omap) { getList(modules(m), "trigger")[0].(*omap).set("endpoint", "nowhere") },
		"resolver bad endpoint": func(m *omap) {
			getList(modules(m), "jira:adminPage")[0].(*omap).set("resolver", newOmap().set("endpoint", "x"))
		},
		"bad interval":        func(m *omap) { getList(modules(m), "scheduledTrigger")[0].(*omap).set("interval", "minute") },
		"trigger no events":   func(m *omap) { getList(modules(m), "trigger")[1].(*omap).set("events", []any{}) },
		"repeated module key": func(m *omap) { getList(modules(m), "jira:adminPage")[1].(*omap).set("key", "remit-admin") },
		"no permissions":      func(m *omap) { delete(m.vals, "permissions") },
	}
	for name, breakIt := range cases {
		t.Run(name, func(t *testing.T) {
			m := fresh()
			breakIt(m)
			if err := Validate(m); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

func TestScalarQuoting(t *testing.T) {
	cases := []struct {
		in   any
		want string
	}{
		{"io.remit.jira", "io.remit.jira"},
		{"avi:jira:updated:issue", "avi:jira:updated:issue"},
		{"/pages/issue-panel?issueKey={issue.key}&projectKey={project.key}", "/pages/issue-panel?issueKey={issue.key}&projectKey={project.key}"},
		{"Remit settings", "Remit settings"},
		{"true", `"true"`},
		{"no", `"no"`},
		{"100", `"100"`},
		{"1.5", `"1.5"`},
		{"", `""`},
		{"a: b", `"a: b"`},
		{"x #y", `"x #y"`},
		{"-dash", `"-dash"`},
		{"*star", `"*star"`},
		{"resource:main;icon.svg", `"resource:main;icon.svg"`},
		{"trailing:", `"trailing:"`},
		{true, "true"},
		{json.Number("24"), "24"},
		{nil, "null"},
	}
	for _, c := range cases {
		if got := scalar(c.in); got != c.want {
			t.Errorf("scalar(%#v) = %s, want %s", c.in, got, c.want)
		}
	}
}

// TestManifestPointsModulesAtPageResources: each Forge UI module shows its
// own page, a resource at frontend/dist/forge/<page> (the frontend build
// writes its index.html there) for a page the frontend has an entry for;
// a module naming an undeclared resource is refused.
func TestManifestPointsModulesAtPageResources(t *testing.T) {
	out, err := GenerateManifest(renderedDescriptor(t), ManifestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"remit-issue-context": "frontend/dist/forge/issue-panel",
		"remit-invoices":      "frontend/dist/forge/project",
		"remit-admin":         "frontend/dist/forge/admin",
		"remit-get-started":   "frontend/dist/forge/get-started",
	}
	m := manifestTree(placeholderAppID, "io.remit.test", "https://remit.test", newOmap())
	paths := map[string]string{}
	for _, r := range getList(m, "resources") {
		rm := r.(*omap)
		paths[rm.vals["key"].(string)] = rm.vals["path"].(string)
	}
	modules, _ := getMap(m, "modules")
	got := map[string]string{}
	for _, typ := range []string{"jira:issueContext", "jira:projectPage", "jira:adminPage"} {
		for _, item := range getList(modules, typ) {
			im := item.(*omap)
			got[im.vals["key"].(string)] = paths[im.vals["resource"].(string)]
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("module resources %v, want %v", got, want)
	}
	for _, p := range want {
		page := strings.TrimPrefix(p, "frontend/dist/forge/")
		if _, err := os.Stat("../../frontend/src/entries/" + page + ".tsx"); err != nil {
			t.Errorf("resource %s is for a page the frontend does not build: %v", p, err)
		}
		if !strings.Contains(string(out), "path: "+p+"\n") {
			t.Errorf("manifest lacks resource path %s", p)
		}
	}
	im := getList(modules, "jira:projectPage")[0].(*omap)
	im.set("resource", "nowhere")
	if err := Validate(m); err == nil || !strings.Contains(err.Error(), `undeclared resource "nowhere"`) {
		t.Fatalf("a module naming an undeclared resource: %v", err)
	}
}

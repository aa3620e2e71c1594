package deploy

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// obj is one parsed YAML or JSON object.
type obj = map[string]any

// dig walks nested maps and lists (list steps are decimal indexes).
func dig(v any, path ...string) any {
	for _, p := range path {
		switch x := v.(type) {
		case obj:
			v = x[p]
		case []any:
			i, err := strconv.Atoi(p)
			if err != nil || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

func str(v any, path ...string) string { s, _ := dig(v, path...).(string); return s }

// readYAML parses every document of a YAML file.
func readYAML(t *testing.T, path string) []obj {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	var docs []obj
	for {
		var d obj
		err := dec.Decode(&d)
		if errors.Is(err, io.EOF) {
			return docs
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if d != nil {
			docs = append(docs, d)
		}
	}
}

// remitEnv is every environment variable name internal/config reads.
func remitEnv(t *testing.T) map[string]bool {
	t.Helper()
	src, err := os.ReadFile("../internal/config/config.go")
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, re := range []*regexp.Regexp{
		regexp.MustCompile(`getenv\("([A-Z0-9_]+)"\)`),
		regexp.MustCompile(`positiveInt\(getenv, "([A-Z0-9_]+)"`),
	} {
		for _, m := range re.FindAllStringSubmatch(string(src), -1) {
			names[m[1]] = true
		}
	}
	for _, must := range []string{"DATABASE_URL", "REMIT_ENCRYPTION_KEY", "REMIT_BASE_URL", "REMIT_LISTEN"} {
		if !names[must] {
			t.Fatalf("config.go parse found %v, missing %s: the pattern no longer matches how config reads the environment", names, must)
		}
	}
	return names
}

func TestREADMEConfigurationTableNamesWhatRemitReads(t *testing.T) {
	known := remitEnv(t)
	raw, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("(?m)^\\| `([A-Z0-9_]+)` \\|")
	rows := row.FindAllStringSubmatch(string(raw), -1)
	if len(rows) < 10 {
		t.Fatalf("found %d configuration rows in README.md", len(rows))
	}
	for _, m := range rows {
		if !known[m[1]] {
			t.Errorf("README documents %s, which internal/config never reads", m[1])
		}
	}
}

// k8s loads every manifest under k8s/ by kind/name.
func k8s(t *testing.T) map[string]obj {
	t.Helper()
	files, _ := filepath.Glob("k8s/*.yaml")
	if len(files) == 0 {
		t.Fatal("no manifests under k8s/")
	}
	all := map[string]obj{}
	for _, f := range files {
		for _, d := range readYAML(t, f) {
			kind, name := str(d, "kind"), str(d, "metadata", "name")
			if kind == "" || (name == "" && kind != "Kustomization") {
				t.Errorf("%s: a document without kind or metadata.name", f)
				continue
			}
			all[kind+"/"+name] = d
		}
	}
	return all
}

func TestKustomizationListsEveryManifest(t *testing.T) {
	kz := readYAML(t, "k8s/kustomization.yaml")[0]
	var listed []string
	for _, r := range dig(kz, "resources").([]any) {
		listed = append(listed, r.(string))
		if _, err := os.Stat(filepath.Join("k8s", r.(string))); err != nil {
			t.Errorf("kustomization lists %s: %v", r, err)
		}
	}
	files, _ := filepath.Glob("k8s/*.yaml")
	for _, f := range files {
		if b := filepath.Base(f); b != "kustomization.yaml" && !slices.Contains(listed, b) {
			t.Errorf("%s is not in kustomization.yaml", b)
		}
	}
}

// podChecks are what every Remit pod template must satisfy.
func checkPod(t *testing.T, what string, pod obj, containerPort int) {
	t.Helper()
	if dig(pod, "securityContext", "runAsNonRoot") != true {
		t.Errorf("%s: pod securityContext.runAsNonRoot is not true", what)
	}
	if uid, _ := dig(pod, "securityContext", "runAsUser").(int); uid == 0 {
		t.Errorf("%s: runAsUser is root or unset", what)
	}
	if str(pod, "securityContext", "seccompProfile", "type") != "RuntimeDefault" {
		t.Errorf("%s: no RuntimeDefault seccomp profile", what)
	}
	containers, _ := dig(pod, "containers").([]any)
	if len(containers) != 1 {
		t.Fatalf("%s: %d containers, want 1", what, len(containers))
	}
	c := containers[0]
	if dig(c, "securityContext", "readOnlyRootFilesystem") != true || dig(c, "securityContext", "allowPrivilegeEscalation") != false {
		t.Errorf("%s: container must have a read-only root filesystem and no privilege escalation", what)
	}
	if drop, _ := dig(c, "securityContext", "capabilities", "drop").([]any); !slices.Contains(drop, any("ALL")) {
		t.Errorf("%s: capabilities.drop lacks ALL", what)
	}
	for _, r := range []string{"requests", "limits"} {
		for _, res := range []string{"cpu", "memory"} {
			if dig(c, "resources", r, res) == nil {
				t.Errorf("%s: resources.%s.%s is not set", what, r, res)
			}
		}
	}
	if containerPort > 0 {
		if p, _ := dig(c, "ports", "0", "containerPort").(int); p != containerPort || str(c, "ports", "0", "name") != "http" {
			t.Errorf("%s: container port %v named %q, want %d named http", what, dig(c, "ports", "0", "containerPort"), str(c, "ports", "0", "name"), containerPort)
		}
	}
}

// envNames are the variable names a container gets from env and envFrom
// (resolving ConfigMaps and Secrets from the manifests).
func envNames(t *testing.T, all map[string]obj, container any) []string {
	t.Helper()
	var names []string
	for _, e := range asList(dig(container, "env")) {
		names = append(names, str(e, "name"))
	}
	for _, from := range asList(dig(container, "envFrom")) {
		for kind, ref := range map[string]string{"ConfigMap": "configMapRef", "Secret": "secretRef"} {
			name := str(from, ref, "name")
			if name == "" {
				continue
			}
			src, ok := all[kind+"/"+name]
			if !ok {
				t.Errorf("envFrom %s %s is not among the manifests", kind, name)
				continue
			}
			for _, field := range []string{"data", "stringData"} {
				for k := range asMap(dig(src, field)) {
					names = append(names, k)
				}
			}
		}
	}
	return names
}

// portOf is the port of a listen address (":9090", "0.0.0.0:9090").
func portOf(t *testing.T, what, addr string) int {
	t.Helper()
	_, port, _ := strings.Cut(addr, ":")
	n, err := strconv.Atoi(port)
	if err != nil {
		t.Fatalf("%s %q has no port", what, addr)
	}
	return n
}

// containerPorts are a container's ports by name.
func containerPorts(c any) map[string]int {
	named := map[string]int{}
	for _, p := range asList(dig(c, "ports")) {
		n, _ := dig(p, "containerPort").(int)
		named[str(p, "name")] = n
	}
	return named
}

func asList(v any) []any { l, _ := v.([]any); return l }
func asMap(v any) obj    { m, _ := v.(obj); return m }

func TestKubernetesManifests(t *testing.T) {
	all := k8s(t)
	known := remitEnv(t)
	cfg := all["ConfigMap/remit-config"]
	_, port, _ := strings.Cut(str(cfg, "data", "REMIT_LISTEN"), ":")
	listenPort, err := strconv.Atoi(port)
	if err != nil {
		t.Fatalf("ConfigMap REMIT_LISTEN %q has no port", str(cfg, "data", "REMIT_LISTEN"))
	}
	for _, src := range []string{"ConfigMap/remit-config", "Secret/remit-secrets"} {
		for _, field := range []string{"data", "stringData"} {
			for k := range asMap(dig(all[src], field)) {
				if !known[k] {
					t.Errorf("%s sets %s, which Remit does not read", src, k)
				}
			}
		}
	}

	dep, ok := all["Deployment/remit"]
	if !ok {
		t.Fatal("no Deployment/remit")
	}
	pod := asMap(dig(dep, "spec", "template", "spec"))
	checkPod(t, "Deployment", pod, listenPort)
	c := dig(pod, "containers", "0")
	opsPort := portOf(t, "ConfigMap REMIT_OPS_LISTEN", str(cfg, "data", "REMIT_OPS_LISTEN"))
	if opsPort == listenPort {
		t.Fatalf("REMIT_OPS_LISTEN port %d is the public port", opsPort)
	}
	if named := containerPorts(c); named["ops"] != opsPort {
		t.Errorf("container ports %v: want one named ops on REMIT_OPS_LISTEN's %d", named, opsPort)
	}
	// Readiness lives on the ops port only; liveness and startup probe the
	// public port, which keeps /healthz.
	probes := map[string]struct {
		path string
		port int
		name string
	}{
		"readinessProbe": {"/readyz", opsPort, "ops"},
		"livenessProbe":  {"/healthz", listenPort, "http"},
		"startupProbe":   {"/healthz", listenPort, "http"},
	}
	for probe, want := range probes {
		if got := str(c, probe, "httpGet", "path"); got != want.path {
			t.Errorf("%s on %q, want %s", probe, got, want.path)
		}
		if p := dig(c, probe, "httpGet", "port"); p != want.name && p != want.port {
			t.Errorf("%s on port %v, want %s (%d)", probe, p, want.name, want.port)
		}
	}
	ann := asMap(dig(dep, "spec", "template", "metadata", "annotations"))
	if ann["prometheus.io/port"] != strconv.Itoa(opsPort) || ann["prometheus.io/path"] != "/metrics" {
		t.Errorf("prometheus.io annotations %v: want /metrics on the ops port %d", ann, opsPort)
	}
	if args := asList(dig(c, "args")); len(args) == 0 || args[0] != "serve" {
		t.Errorf("Deployment args %v, want serve first", args)
	}
	env := envNames(t, all, c)
	for _, n := range env {
		if !known[n] {
			t.Errorf("Deployment passes %s, which Remit does not read", n)
		}
	}
	for _, must := range []string{"DATABASE_URL", "REMIT_ENCRYPTION_KEY", "REMIT_BASE_URL"} {
		if !slices.Contains(env, must) {
			t.Errorf("Deployment does not set %s, which serve requires", must)
		}
	}
	// SIGTERM drains for -grace; the kubelet must wait longer than that.
	grace := 25
	if args := asList(dig(c, "args")); slices.Contains(args, any("-grace")) {
		i := slices.Index(args, any("-grace"))
		grace, _ = strconv.Atoi(strings.TrimSuffix(args[i+1].(string), "s"))
	}
	if tg, _ := dig(pod, "terminationGracePeriodSeconds").(int); tg <= grace {
		t.Errorf("terminationGracePeriodSeconds %d is not above the drain grace %ds", tg, grace)
	}
	labels := asMap(dig(dep, "spec", "selector", "matchLabels"))
	if len(labels) == 0 {
		t.Fatal("Deployment has no selector")
	}
	for k, v := range labels {
		if dig(dep, "spec", "template", "metadata", "labels", k) != v {
			t.Errorf("pod template lacks selector label %s=%v", k, v)
		}
	}

	svc := all["Service/remit"]
	if !equalMaps(asMap(dig(svc, "spec", "selector")), labels) {
		t.Errorf("Service selector %v, want the Deployment's %v", dig(svc, "spec", "selector"), labels)
	}
	if tp := dig(svc, "spec", "ports", "0", "targetPort"); tp != "http" && tp != listenPort {
		t.Errorf("Service targetPort %v", tp)
	}
	for _, p := range asList(dig(svc, "spec", "ports")) {
		if tp := dig(p, "targetPort"); tp == "ops" || tp == opsPort || dig(p, "port") == opsPort {
			t.Errorf("Service exposes the ops port (%v): /metrics and /readyz must stay off it", p)
		}
	}
	np := all["NetworkPolicy/remit"]
	if !equalMaps(asMap(dig(np, "spec", "podSelector", "matchLabels")), labels) {
		t.Errorf("NetworkPolicy selects %v, want %v", dig(np, "spec", "podSelector", "matchLabels"), labels)
	}
	for _, rule := range asList(dig(np, "spec", "ingress")) {
		for _, p := range asList(dig(rule, "ports")) {
			if port := dig(p, "port"); (port == "ops" || port == opsPort) && dig(rule, "from") == nil {
				t.Errorf("NetworkPolicy opens the ops port to every source: %v", rule)
			}
		}
	}
	scrape := readYAML(t, "prometheus/scrape.yml")[0]
	if job := dig(scrape, "scrape_configs", "0"); str(job, "metrics_path") != "/metrics" ||
		!strings.Contains(fmt.Sprint(dig(job, "relabel_configs")), "remit;ops") {
		t.Errorf("prometheus/scrape.yml does not scrape /metrics on the port named ops: %v", job)
	}
	pdb := all["PodDisruptionBudget/remit"]
	if !equalMaps(asMap(dig(pdb, "spec", "selector", "matchLabels")), labels) {
		t.Errorf("PodDisruptionBudget selects %v, want %v", dig(pdb, "spec", "selector", "matchLabels"), labels)
	}
	if dig(pdb, "spec", "minAvailable") == nil && dig(pdb, "spec", "maxUnavailable") == nil {
		t.Error("PodDisruptionBudget sets neither minAvailable nor maxUnavailable")
	}
	hpa := all["HorizontalPodAutoscaler/remit"]
	if str(hpa, "apiVersion") != "autoscaling/v2" || str(hpa, "spec", "scaleTargetRef", "kind") != "Deployment" || str(hpa, "spec", "scaleTargetRef", "name") != "remit" {
		t.Errorf("HPA targets %v", dig(hpa, "spec", "scaleTargetRef"))
	}
	minR, _ := dig(hpa, "spec", "minReplicas").(int)
	maxR, _ := dig(hpa, "spec", "maxReplicas").(int)
	if minR < 2 || maxR < minR {
		t.Errorf("HPA replicas %d..%d: want at least 2 so one disruption leaves a replica", minR, maxR)
	}

	job, ok := all["Job/remit-migrate"]
	if !ok {
		t.Fatal("no migration Job")
	}
	jpod := asMap(dig(job, "spec", "template", "spec"))
	checkPod(t, "migration Job", jpod, 0)
	jc := dig(jpod, "containers", "0")
	if args := asList(dig(jc, "args")); len(args) != 1 || args[0] != "migrate" {
		t.Errorf("migration Job args %v, want [migrate]", args)
	}
	if r := str(jpod, "restartPolicy"); r != "Never" && r != "OnFailure" {
		t.Errorf("migration Job restartPolicy %q", r)
	}
	jenv := envNames(t, all, jc)
	if !slices.Contains(jenv, "DATABASE_URL") {
		t.Error("migration Job lacks DATABASE_URL")
	}
	// config validates SMTP settings for every command: a Job given the
	// SMTP URL must get the sender too, or migrate refuses to start.
	if slices.Contains(jenv, "REMIT_SMTP_URL") && !slices.Contains(jenv, "REMIT_MAIL_FROM") {
		t.Error("migration Job gets REMIT_SMTP_URL without REMIT_MAIL_FROM; migrate would refuse to start")
	}
	for _, n := range jenv {
		if !known[n] {
			t.Errorf("migration Job passes %s, which Remit does not read", n)
		}
	}
}

func equalMaps(a, b obj) bool {
	if len(a) != len(b) || len(a) == 0 {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestCompose(t *testing.T) {
	known := remitEnv(t)
	docs := readYAML(t, "docker-compose.yml")
	if len(docs) != 1 {
		t.Fatalf("%d documents", len(docs))
	}
	svcs := asMap(dig(docs[0], "services"))
	for _, name := range []string{"postgres", "migrate", "remit"} {
		if svcs[name] == nil {
			t.Fatalf("no %s service", name)
		}
	}
	if cmd := asList(dig(svcs["migrate"], "command")); len(cmd) != 1 || cmd[0] != "migrate" {
		t.Errorf("migrate command %v", cmd)
	}
	if str(svcs["migrate"], "depends_on", "postgres", "condition") != "service_healthy" {
		t.Error("migrate does not wait for a healthy postgres")
	}
	if str(svcs["remit"], "depends_on", "migrate", "condition") != "service_completed_successfully" {
		t.Error("remit does not wait for migrate to succeed")
	}
	if str(svcs["migrate"], "build", "dockerfile") != "deploy/Dockerfile" {
		t.Error("the image is not built from deploy/Dockerfile")
	}
	if u := str(svcs["remit"], "user"); u == "" || strings.HasPrefix(u, "0") || u == "root" {
		t.Errorf("remit runs as %q", u)
	}
	_, port, _ := strings.Cut(str(svcs["remit"], "environment", "REMIT_LISTEN"), ":")
	ports := asList(dig(svcs["remit"], "ports"))
	if len(ports) == 0 || !strings.HasSuffix(ports[0].(string), ":"+port) {
		t.Errorf("published ports %v do not reach REMIT_LISTEN port %s", ports, port)
	}
	opsPort := portOf(t, "compose REMIT_OPS_LISTEN", str(svcs["remit"], "environment", "REMIT_OPS_LISTEN"))
	for _, p := range ports {
		if mapping := p.(string); strings.HasSuffix(mapping, ":"+strconv.Itoa(opsPort)) && !strings.HasPrefix(mapping, "127.0.0.1:") {
			t.Errorf("compose publishes the ops port beyond loopback: %s", mapping)
		}
	}
	for _, name := range []string{"migrate", "remit"} {
		env := asMap(dig(svcs[name], "environment"))
		if env["DATABASE_URL"] == nil {
			t.Errorf("%s lacks DATABASE_URL", name)
		}
		for k := range env {
			if !known[k] {
				t.Errorf("%s passes %s, which Remit does not read", name, k)
			}
		}
	}
	if env := asMap(dig(svcs["remit"], "environment")); env["REMIT_ENCRYPTION_KEY"] == nil || env["REMIT_BASE_URL"] == nil {
		t.Error("remit lacks REMIT_ENCRYPTION_KEY or REMIT_BASE_URL")
	}
}

// dockerfile is the instructions of each stage, continuation lines joined.
func dockerfile(t *testing.T) [][]string {
	t.Helper()
	f, err := os.Open("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var stages [][]string
	var cur strings.Builder
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasSuffix(line, "\\") {
			cur.WriteString(strings.TrimSuffix(line, "\\") + " ")
			continue
		}
		cur.WriteString(line)
		ins := cur.String()
		cur.Reset()
		if strings.HasPrefix(strings.ToUpper(ins), "FROM ") {
			stages = append(stages, nil)
		}
		if len(stages) > 0 {
			stages[len(stages)-1] = append(stages[len(stages)-1], ins)
		}
	}
	return stages
}

func TestDockerfile(t *testing.T) {
	stages := dockerfile(t)
	if len(stages) < 3 {
		t.Fatalf("%d stages, want frontend, build and final", len(stages))
	}
	all := strings.Join(slices.Concat(stages...), "\n")
	for _, want := range []string{"npm ci", "npm run build", "CGO_ENABLED=0", "-trimpath", `-ldflags "-s -w -X github.com/remitapp/remit/internal/app.Version=`, "./cmd/remit"} {
		if !strings.Contains(all, want) {
			t.Errorf("the build lacks %q", want)
		}
	}
	final := stages[len(stages)-1]
	var user, health, expose, entry, env string
	for _, ins := range final {
		word, rest, _ := strings.Cut(ins, " ")
		switch strings.ToUpper(word) {
		case "USER":
			user = rest
		case "HEALTHCHECK":
			health = rest
		case "EXPOSE":
			expose = rest
		case "ENTRYPOINT":
			entry = rest
		case "ENV":
			env += " " + rest
		case "RUN":
			t.Errorf("the final stage runs %q: it has no shell", rest)
		}
	}
	uid, _, _ := strings.Cut(user, ":")
	if n, err := strconv.Atoi(uid); err != nil || n == 0 {
		t.Errorf("final USER %q: want a numeric non-root id (runAsNonRoot cannot check names)", user)
	}
	if !strings.Contains(health, `"healthcheck"`) {
		t.Errorf("final HEALTHCHECK %q does not run `remit healthcheck`", health)
	}
	if expose != "8080 9090" || !strings.Contains(entry, "/remit") {
		t.Errorf("EXPOSE %q ENTRYPOINT %q", expose, entry)
	}
	if !strings.Contains(env, "REMIT_LISTEN=:8080") || !strings.Contains(env, "REMIT_OPS_LISTEN=:9090") {
		t.Errorf("final ENV %q: want REMIT_LISTEN=:8080 and REMIT_OPS_LISTEN=:9090, the ports EXPOSE names", env)
	}
	main, err := os.ReadFile("../cmd/remit/main.go")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(main), `case "healthcheck":`) {
		t.Error("cmd/remit has no healthcheck command for the HEALTHCHECK to run")
	}
	ignore, err := os.ReadFile("Dockerfile.dockerignore")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{".git", "**/node_modules", "frontend/dist"} {
		if !slices.Contains(strings.Split(string(ignore), "\n"), want) {
			t.Errorf("Dockerfile.dockerignore lacks %s", want)
		}
	}
}

// TestDashboardMetricsExist checks every metric the Grafana dashboard
// queries is one Remit (or the Go client's standard collectors) exports.
func TestDashboardMetricsExist(t *testing.T) {
	raw, err := os.ReadFile("grafana/remit-dashboard.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Panels []struct {
			Title   string
			Targets []struct{ Expr string }
		}
	}
	if err := json.Unmarshal(raw, &dash); err != nil {
		t.Fatal(err)
	}
	exported := map[string]bool{"process_resident_memory_bytes": true, "go_goroutines": true}
	decl := regexp.MustCompile(`Name:\s+"(remit_[a-z_]+)"`)
	err = filepath.WalkDir("../internal", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		src, err := os.ReadFile(path)
		for _, m := range decl.FindAllStringSubmatch(string(src), -1) {
			exported[m[1]] = true
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	metric := regexp.MustCompile(`\b((?:remit|process|go)_[a-z_]+?)(?:_bucket|_count|_sum)?\{`)
	queried := 0
	for _, p := range dash.Panels {
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		for _, tg := range p.Targets {
			for _, m := range metric.FindAllStringSubmatch(tg.Expr, -1) {
				queried++
				if !exported[m[1]] {
					t.Errorf("panel %q queries %s, which Remit does not export", p.Title, m[1])
				}
			}
		}
	}
	if queried < 10 {
		t.Fatalf("only %d metric references found in the dashboard", queried)
	}
}

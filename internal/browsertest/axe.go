package browsertest

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// axeSource is axe-core from the frontend's dev dependencies (npm ci in
// frontend/ installs it; make test does that first).
func axeSource() (string, error) {
	_, file, _, _ := runtime.Caller(0)
	p := filepath.Join(filepath.Dir(file), "..", "..", "frontend", "node_modules", "axe-core", "axe.min.js")
	b, err := os.ReadFile(p)
	if err != nil {
		return "", fmt.Errorf("axe-core not installed (run make frontend): %w", err)
	}
	return string(b), nil
}

// AxeViolation is one failed accessibility rule.
type AxeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []string `json:"target"`
		HTML   string   `json:"html"`
	} `json:"nodes"`
}

func (v AxeViolation) String() string {
	var targets []string
	for _, n := range v.Nodes {
		targets = append(targets, strings.Join(n.Target, " ")+" "+n.HTML)
	}
	return fmt.Sprintf("%s (%s): %s\n    %s", v.ID, v.Impact, v.Help, strings.Join(targets, "\n    "))
}

// Axe runs axe-core's WCAG 2 A and AA rules on the iframe whose URL
// contains part (the top-level page when part is "") and fails the test
// on any violation.
func (b *Browser) Axe(part string) {
	b.t.Helper()
	src, err := axeSource()
	if err != nil {
		b.t.Fatal(err)
	}
	var violations []AxeViolation
	js := src + `;
axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}, resultTypes: ["violations"]})
  .then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => ({target: n.target.map(String), html: n.html.slice(0, 160)}))})))`
	if part == "" {
		err = b.InPage(js, &violations)
	} else {
		err = b.InFrame(part, js, &violations)
	}
	if err != nil {
		b.t.Fatalf("axe: %v", err)
	}
	for _, v := range violations {
		b.t.Errorf("accessibility: %s", v)
	}
}

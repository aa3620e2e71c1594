package forge

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestManifestPassesAtlassianValidation runs the committed manifest.yml
// through @forge/manifest's validate() (tools/forgemanifest), the checks
// `forge deploy` applies, and fails on any error it reports: Validate
// above encodes our reading of the manifest reference, this is
// Atlassian's own. It fails, never skips, when Node or the package is
// missing.
func TestManifestPassesAtlassianValidation(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	tool := filepath.Join(root, "tools", "forgemanifest")
	if _, err := os.Stat(filepath.Join(tool, "node_modules", "@forge", "manifest", "package.json")); err != nil {
		t.Fatalf("@forge/manifest is not installed (%v); run: npm ci --prefix tools/forgemanifest", err)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is not on PATH (%v); install Node.js, then run: npm ci --prefix tools/forgemanifest", err)
	}
	manifest := stageManifest(t, root)

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join(tool, "validate.js"), manifest)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var res struct {
		Success bool `json:"success"`
		Errors  []struct {
			Level, Message, Reference string
			Line                      int
		} `json:"errors"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		t.Fatalf("validator output (%v): %v\n%s%s", runErr, err, stdout.String(), stderr.String())
	}
	for _, e := range res.Errors {
		if e.Level == "error" {
			t.Errorf("manifest.yml line %d: %s (%s)", e.Line, e.Message, e.Reference)
		} else {
			t.Logf("manifest.yml line %d: %s: %s (%s)", e.Line, e.Level, e.Message, e.Reference)
		}
	}
	if !res.Success || runErr != nil {
		t.Fatalf("@forge/manifest refuses manifest.yml (%v)", runErr)
	}
}

// stageManifest copies manifest.yml into a scratch directory laid out as
// the Forge CLI sees the repository, and returns its path. The Custom UI
// resources are the frontend build: when it has been built (make
// frontend, which make test runs first) they are the real pages, so
// Atlassian's checks of the pages run too; otherwise each page is a
// placeholder index.html, so the rest of the manifest is still checked.
func stageManifest(t *testing.T, root string) string {
	t.Helper()
	dir := t.TempDir()
	committed, err := os.ReadFile(filepath.Join(root, "manifest.yml"))
	if err != nil {
		t.Fatal(err)
	}
	manifest := filepath.Join(dir, "manifest.yml")
	if err := os.WriteFile(manifest, committed, 0o644); err != nil {
		t.Fatal(err)
	}
	built := true
	for _, p := range UIPages {
		if _, err := os.Stat(filepath.Join(root, forgeResourcePath+p.Page, "index.html")); err != nil {
			built = false
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(resourcePath)), 0o755); err != nil {
		t.Fatal(err)
	}
	if built {
		if err := os.Symlink(filepath.Join(root, resourcePath), filepath.Join(dir, resourcePath)); err != nil {
			t.Fatal(err)
		}
		return manifest
	}
	t.Logf("the frontend is not built (make frontend): Custom UI pages are placeholders")
	for _, p := range UIPages {
		page := filepath.Join(dir, forgeResourcePath+p.Page)
		if err := os.MkdirAll(page, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(page, "index.html"), []byte("<!doctype html><title>Remit</title>\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return manifest
}

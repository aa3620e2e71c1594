package httpapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"sort"
)

// viteManifestPath is where Vite writes its build manifest inside dist/.
const viteManifestPath = ".vite/manifest.json"

// errNoBundle means the binary was built before the frontend was: the
// pages answer with a page that says how to build it.
var errNoBundle = errors.New("the frontend bundle is not built into this binary (run `make frontend`, then rebuild)")

// manifestChunk is one entry of Vite's build manifest.
type manifestChunk struct {
	File    string   `json:"file"`
	Name    string   `json:"name"`
	IsEntry bool     `json:"isEntry"`
	Imports []string `json:"imports"`
	CSS     []string `json:"css"`
}

// bundle is what a page's HTML shell loads: its entry script, the chunks
// the entry imports statically (preloaded so the browser fetches them in
// parallel) and the stylesheets of all of them. Paths are relative to
// /static/.
type bundle struct {
	Script   string
	Preloads []string
	Styles   []string
}

// readBundles reads Vite's manifest from assets and resolves one bundle
// per entry, keyed by the entry's name (the rollup input name, e.g.
// "issue-panel").
func readBundles(assets fs.FS) (map[string]bundle, error) {
	if assets == nil {
		return nil, errNoBundle
	}
	raw, err := fs.ReadFile(assets, viteManifestPath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errNoBundle
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", viteManifestPath, err)
	}
	var m map[string]manifestChunk
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("parse %s: %w", viteManifestPath, err)
	}
	out := map[string]bundle{}
	for _, c := range m {
		if !c.IsEntry || c.Name == "" {
			continue
		}
		b := bundle{Script: c.File}
		seen := map[string]bool{}
		styles := map[string]bool{}
		var walk func(c manifestChunk)
		walk = func(c manifestChunk) {
			for _, css := range c.CSS {
				styles[css] = true
			}
			for _, imp := range c.Imports {
				if seen[imp] {
					continue
				}
				seen[imp] = true
				dep, ok := m[imp]
				if !ok {
					continue
				}
				b.Preloads = append(b.Preloads, dep.File)
				walk(dep)
			}
		}
		walk(c)
		for s := range styles {
			b.Styles = append(b.Styles, s)
		}
		sort.Strings(b.Preloads)
		sort.Strings(b.Styles)
		if _, err := fs.Stat(assets, path.Clean(b.Script)); err != nil {
			return nil, fmt.Errorf("manifest names %s, which is missing: %w", b.Script, err)
		}
		out[c.Name] = b
	}
	return out, nil
}

// firstPaintScript is the issue panel's first-paint script in the build
// (frontend/src/summary/first-paint.ts, `vite build --mode first-paint`).
const firstPaintScript = "first-paint.js"

// inlineScript is a script the page shell carries inline, with the CSP
// hash source that lets it run.
type inlineScript struct {
	Code template.JS
	Hash string // sha256-<base64>
}

// readInlineScript reads a built script to inline into pages. A script
// that could end its own element is refused.
func readInlineScript(assets fs.FS, name string) (inlineScript, error) {
	b, err := fs.ReadFile(assets, name)
	if err != nil {
		return inlineScript{}, fmt.Errorf("read %s: %w", name, err)
	}
	if bytes.Contains(bytes.ToLower(b), []byte("</script")) || bytes.Contains(b, []byte("<!--")) {
		return inlineScript{}, fmt.Errorf("%s cannot be inlined: it contains </script or <!--", name)
	}
	sum := sha256.Sum256(b)
	// The text is the build's own, not user input.
	return inlineScript{Code: template.JS(b), Hash: "sha256-" + base64.StdEncoding.EncodeToString(sum[:])}, nil
}

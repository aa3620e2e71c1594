// Package frontend embeds Remit's built pages (the Vite output in dist/)
// so the one binary serves its own iframes. dist/ holds only .gitkeep in a
// clean clone; `make frontend` fills it. The icon the descriptor names is
// embedded from public/ as well, so Jira can show it even before a build.
package frontend

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

//go:embed public/remit-icon.svg
var icon []byte

// IconName is the file, under /static/, that the descriptor's icons point at.
const IconName = "remit-icon.svg"

// Assets is the tree served under /static/: the build output (hashed
// bundles in assets/ and the Vite manifest in .vite/manifest.json) plus
// the icon, whether or not the bundle has been built.
func Assets() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil { // cannot happen: dist is embedded
		panic(err)
	}
	return withIcon{sub}
}

// withIcon overlays the embedded icon on the build output.
type withIcon struct{ fs.FS }

func (w withIcon) Open(name string) (fs.File, error) {
	if name == IconName {
		return &memFile{name: name, data: icon}, nil
	}
	return w.FS.Open(name)
}

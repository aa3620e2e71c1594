package docs

import (
	"bufio"
	"flag"
	"go/doc"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/remitapp/remit"

var update = flag.Bool("update", false, "rewrite the imports column of architecture.md's package table from the code, adding rows for unlisted packages")

// packageRow matches a row of the package table in architecture.md:
// | `internal/x` | what it holds | `a`, `b` |
var packageRow = regexp.MustCompile("^\\| `([a-z0-9/]+|\\.)` \\|(.*)\\|(.*)\\|$")

// tableEdges reads the package table of architecture.md: for each package
// (a path relative to the module root, "." for the root), the packages of
// ours it says it imports.
func tableEdges(t *testing.T) map[string][]string {
	t.Helper()
	f, err := os.Open("architecture.md")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	out := map[string][]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		m := packageRow.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		var deps []string
		for _, d := range regexp.MustCompile("`([a-z0-9/]+|\\.)`").FindAllStringSubmatch(m[3], -1) {
			deps = append(deps, d[1])
		}
		slices.Sort(deps)
		if _, dup := out[m[1]]; dup {
			t.Errorf("architecture.md lists %s twice", m[1])
		}
		out[m[1]] = deps
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// codeEdges parses the imports of every non-test Go file under the
// module root: for each package directory, the packages of ours it
// imports (paths relative to the module root).
func codeEdges(t *testing.T, root string) (edges map[string][]string, docs map[string]string) {
	t.Helper()
	out := map[string][]string{}
	docs = map[string]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "node_modules", "testdata", "bench", "tools", "deploy", "docs":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly|parser.ParseComments)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, filepath.Dir(path))
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if f.Doc != nil {
			docs[rel] = new(doc.Package).Synopsis(f.Doc.Text())
		}
		deps := out[rel]
		if deps == nil {
			deps = []string{}
		}
		for _, imp := range f.Imports {
			p := strings.Trim(imp.Path.Value, `"`)
			var ours string
			switch {
			case p == module:
				ours = "."
			case strings.HasPrefix(p, module+"/"):
				ours = strings.TrimPrefix(p, module+"/")
			default:
				continue
			}
			if !slices.Contains(deps, ours) {
				deps = append(deps, ours)
			}
		}
		slices.Sort(deps)
		out[rel] = deps
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out, docs
}

// TestArchitectureTableIsTheCode holds the package table of
// architecture.md to the imports the code has: every package is listed,
// and each row's imports are exactly the packages of ours it imports. A
// new edge is then a visible change to the document, reviewed as such.
func TestArchitectureTableIsTheCode(t *testing.T) {
	code, docs := codeEdges(t, "..")
	if *update {
		rewriteTable(t, code, docs)
	}
	table := tableEdges(t)
	if len(code) < 20 {
		t.Fatalf("found only %d packages; the walk is not reading the code base", len(code))
	}
	for pkg, deps := range code {
		want, ok := table[pkg]
		if !ok {
			t.Errorf("architecture.md does not list package %s (imports %s)", pkg, list(deps))
			continue
		}
		if !slices.Equal(want, deps) {
			t.Errorf("architecture.md says %s imports %s; the code imports %s", pkg, list(want), list(deps))
		}
	}
	for pkg := range table {
		if _, ok := code[pkg]; !ok {
			t.Errorf("architecture.md lists %s, which is not a package with Go files", pkg)
		}
	}
}

func list(deps []string) string {
	if len(deps) == 0 {
		return "nothing of ours"
	}
	q := make([]string, len(deps))
	for i, d := range deps {
		q[i] = "`" + d + "`"
	}
	return strings.Join(q, ", ")
}

// rewriteTable sets each row's imports column to what the code imports
// and appends a row, described by its package comment, for each package
// the table lacks; rows of packages that are gone are dropped.
func rewriteTable(t *testing.T, code map[string][]string, docs map[string]string) {
	t.Helper()
	data, err := os.ReadFile("architecture.md")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	listed := map[string]bool{}
	last := -1
	var out []string
	for _, line := range lines {
		m := packageRow.FindStringSubmatch(line)
		if m == nil {
			out = append(out, line)
			continue
		}
		deps, ok := code[m[1]]
		if !ok {
			continue
		}
		listed[m[1]] = true
		out = append(out, "| `"+m[1]+"` |"+m[2]+"| "+list(deps)+" |")
		last = len(out) - 1
	}
	if last < 0 {
		t.Fatal("architecture.md has no package table")
	}
	var missing []string
	for pkg := range code {
		if !listed[pkg] {
			missing = append(missing, pkg)
		}
	}
	slices.Sort(missing)
	var rows []string
	for _, pkg := range missing {
		rows = append(rows, "| `"+pkg+"` | "+docs[pkg]+" | "+list(code[pkg])+" |")
	}
	out = slices.Insert(out, last+1, rows...)
	if err := os.WriteFile("architecture.md", []byte(strings.Join(out, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
}

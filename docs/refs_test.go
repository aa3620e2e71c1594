// Package docs holds Remit's written contracts: the product specification
// (SPEC.md), the wire facts of Connect and Forge (connect.md) and the
// notes beside them. Its test keeps every "SPEC §n" and "docs/x.md §n"
// reference in the code base pointing at a section that exists.
package docs

import (
	"bufio"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var (
	// SPEC §4, SPEC §4.2, docs/connect.md §1.3
	specRef = regexp.MustCompile(`\bSPEC(?:\.md)? §([0-9]+(?:\.[0-9]+)*)`)
	docRef  = regexp.MustCompile(`\bdocs/([a-z0-9-]+\.md) §([0-9]+(?:\.[0-9]+)*)`)
	heading = regexp.MustCompile(`^#{2,4} ([0-9]+(?:\.[0-9]+)*)[. ]`)
)

// sections lists the numbered headings of a markdown file ("4", "1.3").
func sections(t *testing.T, name string) map[string]bool {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatalf("open %s: %v", name, err)
	}
	defer func() { _ = f.Close() }()
	out := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if m := heading.FindStringSubmatch(sc.Text()); m != nil {
			out[m[1]] = true
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	return out
}

// sourceFiles walks the repository for the files that cite sections.
func sourceFiles(t *testing.T, root string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "node_modules", "dist", "bin", "testdata":
				return filepath.SkipDir
			}
			return nil
		}
		switch filepath.Ext(path) {
		case ".go", ".ts", ".tsx", ".md", ".sql", ".yaml", ".yml", ".sh":
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestSectionReferencesResolve(t *testing.T) {
	docs := map[string]map[string]bool{
		"SPEC.md":    sections(t, "SPEC.md"),
		"connect.md": sections(t, "connect.md"),
	}
	if len(docs["SPEC.md"]) < 10 || len(docs["connect.md"]) < 10 {
		t.Fatalf("too few numbered sections found: SPEC.md %d, connect.md %d", len(docs["SPEC.md"]), len(docs["connect.md"]))
	}
	refs := 0
	for _, path := range sourceFiles(t, "..") {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(data), "\n") {
			check := func(doc, sec string) {
				refs++
				secs, ok := docs[doc]
				if !ok {
					if _, err := os.Stat(doc); err != nil {
						t.Errorf("%s:%d cites docs/%s, which does not exist", path, i+1, doc)
					}
					return
				}
				// "§4 step 3" and "§4.2" resolve to the section or its parent.
				for s := sec; s != ""; s = parent(s) {
					if secs[s] {
						return
					}
				}
				t.Errorf("%s:%d cites %s §%s, which has no such section", path, i+1, doc, sec)
			}
			for _, m := range specRef.FindAllStringSubmatch(line, -1) {
				check("SPEC.md", m[1])
			}
			for _, m := range docRef.FindAllStringSubmatch(line, -1) {
				check(m[1], m[2])
			}
		}
	}
	if refs < 30 {
		t.Fatalf("found only %d section references; the scan is not reading the code base", refs)
	}
}

func parent(sec string) string {
	if i := strings.LastIndexByte(sec, '.'); i >= 0 {
		return sec[:i]
	}
	return ""
}

func TestParent(t *testing.T) {
	for in, want := range map[string]string{"4": "", "1.3": "1", "1.3.2": "1.3"} {
		if got := parent(in); got != want {
			t.Errorf("parent(%q) = %q, want %q", in, got, want)
		}
	}
}

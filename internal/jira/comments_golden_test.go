package jira_test

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/remitapp/remit/internal/followup"
	"github.com/remitapp/remit/internal/jira"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(want) != string(got) {
		t.Errorf("%s differs from the golden file:\n got: %s\nwant: %s", name, got, want)
	}
}

// TestDefaultCommentsGolden pins the default ladder's comments as Jira's
// REST v3 receives them, for a sample invoice: documents of paragraphs
// whose text nodes are never empty. Read testdata/comments/*.json to
// review them; events keep these bodies, so a change here is a change to
// what a retried action looks for.
func TestDefaultCommentsGolden(t *testing.T) {
	t.Parallel()
	d := followup.SampleData()
	for _, s := range followup.DefaultPolicy().Steps {
		if !s.Has(followup.ActionComment) {
			continue
		}
		c, err := followup.RenderComment(s, d)
		if err != nil {
			t.Fatal(err)
		}
		doc := jira.CommentDoc(c)
		walkADF(t, s.Key, doc)
		b, err := json.MarshalIndent(doc, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		golden(t, "comments/"+s.Key+".json", append(b, '\n'))
	}
}

func walkADF(t *testing.T, key string, n map[string]any) {
	t.Helper()
	if n["type"] == "text" && n["text"] == "" {
		t.Errorf("%s: empty text node", key)
	}
	if c, ok := n["content"].([]any); ok {
		for _, child := range c {
			walkADF(t, key, child.(map[string]any))
		}
	}
}

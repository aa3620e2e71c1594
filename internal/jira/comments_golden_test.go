package jira_test

import (
	"encoding/json"
	"testing"

	"github.com/remitapp/remit/internal/followup"
	"github.com/remitapp/remit/internal/golden"
	"github.com/remitapp/remit/internal/jira"
)

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
		golden.Check(t, "comments/"+s.Key+".json", append(b, '\n'))
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

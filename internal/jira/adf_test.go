package jira_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/remitapp/remit/internal/jira"
)

// TestDocumentADF pins how plain documents become ADF: lines joined by
// hard breaks with no empty text node, and tables of header and body
// cells each holding a paragraph.
func TestDocumentADF(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		doc  jira.Document
		want string
	}{
		{"empty", jira.Document{}, `{"content":[],"type":"doc","version":1}`},
		{"lines", jira.Document{jira.Paragraph{"a", "", "<b>"}},
			`{"content":[{"content":[{"text":"a","type":"text"},{"type":"hardBreak"},{"type":"hardBreak"},{"text":"\u003cb\u003e","type":"text"}],"type":"paragraph"}],"type":"doc","version":1}`},
		{"table", jira.Document{jira.Table{Header: []string{"H"}, Rows: [][]string{{""}}}},
			`{"content":[{"content":[{"content":[{"content":[{"content":[{"text":"H","type":"text"}],"type":"paragraph"}],"type":"tableHeader"}],"type":"tableRow"},` +
				`{"content":[{"content":[{"content":[],"type":"paragraph"}],"type":"tableCell"}],"type":"tableRow"}],"type":"table"}],"type":"doc","version":1}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := json.Marshal(tc.doc.ADF())
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

// TestDescriptionRest checks that a description too long for Jira keeps
// its header and the text around the table, and says what it left out.
func TestDescriptionRest(t *testing.T) {
	t.Parallel()
	rows := make([][]string, 2000)
	for i := range rows {
		rows[i] = []string{strings.Repeat("x", 40)}
	}
	var restShown int
	d := jira.Description{
		Before: jira.Document{jira.Paragraph{"before"}},
		Table:  jira.Table{Header: []string{"H"}, Rows: rows},
		Rest:   func(shown int) jira.Paragraph { restShown = shown; return jira.Paragraph{"rest"} },
		After:  jira.Document{jira.Paragraph{"after"}},
	}
	raw, err := json.Marshal(d.ADF())
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) > 32767 {
		t.Fatalf("%d bytes, over Jira's limit", len(raw))
	}
	s := string(raw)
	for _, want := range []string{`"before"`, `"H"`, `"rest"`, `"after"`} {
		if !strings.Contains(s, want) {
			t.Errorf("description lacks %s", want)
		}
	}
	if listed := strings.Count(s, `"tableCell"`); restShown == 0 || listed != restShown {
		t.Errorf("lists %d rows, Rest was told %d", listed, restShown)
	}
}

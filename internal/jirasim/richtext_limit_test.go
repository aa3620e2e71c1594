package jirasim

import (
	"encoding/json"
	"strings"
	"testing"
)

// tooLongBody is Jira Cloud's answer to a text field over 32,767
// characters, word for word.
func tooLongBody(field string) string {
	return `{"errorMessages":[],"errors":{"` + field + `":"The entered text is too long. It exceeds the allowed limit of 32,767 characters."}}`
}

// adfOfLength is a one-paragraph ADF document whose compact JSON is
// exactly n characters long.
func adfOfLength(t *testing.T, n int) map[string]any {
	t.Helper()
	empty, err := json.Marshal(adfDoc(""))
	if err != nil {
		t.Fatal(err)
	}
	return adfDoc(strings.Repeat("x", n-len(empty)))
}

func sameJSON(t *testing.T, got []byte, want string) {
	t.Helper()
	var g, w any
	if json.Unmarshal(got, &g) != nil || json.Unmarshal([]byte(want), &w) != nil {
		t.Fatalf("body %s, want %s", got, want)
	}
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(w)
	if string(gb) != string(wb) {
		t.Fatalf("body %s, want %s", got, want)
	}
}

// TestRichTextLimit holds descriptions and comment bodies to Jira
// Cloud's 32,767-character limit, counted on the serialised ADF document
// (v3) or the string (v2), and answered with Jira's field error.
func TestRichTextLimit(t *testing.T) {
	e := newEnv(t)
	create := func(ver string, desc any) (int, []byte) {
		t.Helper()
		status, body, _ := e.call("POST", "/rest/api/"+ver+"/issue", map[string]any{"fields": map[string]any{
			"project": map[string]string{"key": "BILL"}, "issuetype": map[string]string{"name": "Task"},
			"summary": "INV-1", "description": desc}})
		return status, body
	}

	if status, body := create("3", adfOfLength(t, 32767)); status != 201 {
		t.Fatalf("ADF of exactly the limit: %d %s", status, body)
	}
	status, body := create("3", adfOfLength(t, 32768))
	if status != 400 {
		t.Fatalf("ADF one over the limit: %d %s", status, body)
	}
	sameJSON(t, body, tooLongBody("description"))

	// The serialised document counts, not its text: 2,000 two-letter
	// paragraphs are 4,000 characters of text in about 100 KB of ADF.
	var paras []any
	for range 2000 {
		paras = append(paras, map[string]any{"type": "paragraph", "content": []any{map[string]any{"type": "text", "text": "ab"}}})
	}
	if status, body := create("3", map[string]any{"type": "doc", "version": 1, "content": paras}); status != 400 {
		t.Fatalf("short text in long ADF: %d %s", status, body)
	}
	// The sender's indentation does not count: Jira re-serialises.
	pretty, _ := json.MarshalIndent(adfOfLength(t, 32767), "", "    ")
	if status, body := create("3", json.RawMessage(pretty)); status != 201 {
		t.Fatalf("indented ADF of exactly the limit: %d %s", status, body)
	}

	// v2 counts the string, a character being a UTF-16 code unit.
	if status, body := create("2", strings.Repeat("y", 32767)); status != 201 {
		t.Fatalf("v2 string of exactly the limit: %d %s", status, body)
	}
	if status, body := create("2", strings.Repeat("😀", 16384)); status != 400 { // 32,768 code units
		t.Fatalf("v2 string one over the limit: %d %s", status, body)
	}

	// An edit is held to the same limit and leaves the issue as it was.
	key := e.issue(IssueSpec{Project: "BILL", Summary: "INV-2"})
	status, body, _ = e.call("PUT", "/rest/api/3/issue/"+key, map[string]any{"fields": map[string]any{"description": adfOfLength(t, 32768)}})
	if status != 400 {
		t.Fatalf("edit over the limit: %d %s", status, body)
	}
	sameJSON(t, body, tooLongBody("description"))
	if v, _ := e.site.Issue(key); v.Description != "" {
		t.Fatalf("the refused edit was stored: %q", v.Description[:20])
	}

	// Comment bodies, added directly or with a transition.
	e.mustCall("POST", "/rest/api/3/issue/"+key+"/comment", map[string]any{"body": adfOfLength(t, 32767)}, 201, nil)
	status, body, _ = e.call("POST", "/rest/api/3/issue/"+key+"/comment", map[string]any{"body": adfOfLength(t, 32768)})
	if status != 400 {
		t.Fatalf("comment over the limit: %d %s", status, body)
	}
	sameJSON(t, body, tooLongBody("comment"))
	status, body, _ = e.call("POST", "/rest/api/3/issue/"+key+"/transitions", map[string]any{"transition": map[string]string{"id": "11"},
		"update": map[string]any{"comment": []any{map[string]any{"add": map[string]any{"body": adfOfLength(t, 32768)}}}}})
	if status != 400 {
		t.Fatalf("transition comment over the limit: %d %s", status, body)
	}
	sameJSON(t, body, tooLongBody("comment"))
	if n := len(e.site.Comments(key)); n != 1 {
		t.Fatalf("comments stored = %d, want 1", n)
	}
}

package jirasim

import (
	"encoding/json"
	"fmt"
	"strings"
)

// adfNodes are the ADF node types Jira accepts, with whether they hold
// child content. Unknown types make Jira answer 400, and so do we.
var adfNodes = map[string]bool{
	"doc": true, "paragraph": true, "text": false, "hardBreak": false,
	"heading": true, "bulletList": true, "orderedList": true, "listItem": true,
	"blockquote": true, "codeBlock": true, "rule": false, "panel": true,
	"table": true, "tableRow": true, "tableHeader": true, "tableCell": true,
	"mention": false, "emoji": false, "inlineCard": false, "date": false,
	"status": false, "mediaSingle": true, "mediaGroup": true, "media": false,
	"expand": true, "nestedExpand": true, "taskList": true, "taskItem": true,
	"decisionList": true, "decisionItem": true, "blockCard": false,
}

type adfNode struct {
	Type    string          `json:"type"`
	Version *int            `json:"version,omitempty"`
	Text    *string         `json:"text,omitempty"`
	Content []adfNode       `json:"content,omitempty"`
	Attrs   json.RawMessage `json:"attrs,omitempty"`
	Marks   json.RawMessage `json:"marks,omitempty"`
}

// validateADF checks raw is an ADF document Jira would accept: a doc node
// of version 1 whose nodes are all known and whose text nodes have text.
func validateADF(raw json.RawMessage) error {
	var doc adfNode
	if err := json.Unmarshal(raw, &doc); err != nil {
		return fmt.Errorf("not a JSON object")
	}
	if doc.Type != "doc" {
		return fmt.Errorf("top-level node must be of type doc")
	}
	if doc.Version == nil || *doc.Version != 1 {
		return fmt.Errorf("doc version must be 1")
	}
	return validateADFChildren(doc.Content)
}

func validateADFChildren(nodes []adfNode) error {
	for _, n := range nodes {
		hasContent, ok := adfNodes[n.Type]
		if !ok || n.Type == "doc" {
			return fmt.Errorf("unknown node type %q", n.Type)
		}
		if n.Type == "text" && (n.Text == nil || *n.Text == "") {
			return fmt.Errorf("text node without text")
		}
		if !hasContent && len(n.Content) > 0 {
			return fmt.Errorf("node %q cannot have content", n.Type)
		}
		if err := validateADFChildren(n.Content); err != nil {
			return err
		}
	}
	return nil
}

// textToADF turns plain text (v2 bodies) into an ADF doc: one paragraph per
// line, so v2 writes read back identically through v2.
func textToADF(text string) json.RawMessage {
	type node struct {
		Type    string `json:"type"`
		Version int    `json:"version,omitempty"`
		Text    string `json:"text,omitempty"`
		Content []node `json:"content,omitempty"`
	}
	doc := node{Type: "doc", Version: 1, Content: []node{}}
	for _, line := range strings.Split(text, "\n") {
		p := node{Type: "paragraph"}
		if line != "" {
			p.Content = []node{{Type: "text", Text: line}}
		}
		doc.Content = append(doc.Content, p)
	}
	raw, _ := json.Marshal(doc)
	return raw
}

// adfToText renders an ADF doc as plain text (the v2 representation):
// block nodes end lines, hard breaks are newlines.
func adfToText(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var doc adfNode
	if json.Unmarshal(raw, &doc) != nil {
		return ""
	}
	var lines []string
	var cur strings.Builder
	var walk func(n adfNode)
	walk = func(n adfNode) {
		switch n.Type {
		case "text":
			if n.Text != nil {
				cur.WriteString(*n.Text)
			}
			return
		case "hardBreak":
			cur.WriteString("\n")
			return
		}
		for _, c := range n.Content {
			walk(c)
		}
		if n.Type == "paragraph" || n.Type == "heading" || n.Type == "codeBlock" {
			lines = append(lines, cur.String())
			cur.Reset()
		}
	}
	walk(doc)
	if cur.Len() > 0 {
		lines = append(lines, cur.String())
	}
	return strings.Join(lines, "\n")
}

// richText reads a description, comment or worklog body as v2 (string)
// or v3 (ADF) sends it and returns the stored ADF, or an error message.
func richText(raw json.RawMessage, v2 bool) (json.RawMessage, string) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, ""
	}
	if v2 {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return nil, "Operation value must be a string"
		}
		return textToADF(s), ""
	}
	if err := validateADF(raw); err != nil {
		return nil, "Operation value must be an Atlassian Document (see the Atlassian Document Format): " + err.Error()
	}
	return raw, ""
}

// renderRich is the inverse of richText for responses.
func renderRich(raw json.RawMessage, v2 bool) any {
	if len(raw) == 0 {
		return nil
	}
	if v2 {
		return adfToText(raw)
	}
	return raw
}

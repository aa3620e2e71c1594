package followup

import (
	"bytes"
	"fmt"
	"html"
	htmltemplate "html/template"
	"strings"
	"text/template"
	"text/template/parse"
)

// Email is a rendered e-mail: subject, plain text, and HTML.
type Email struct {
	Subject string
	Text    string
	HTML    string
}

// texts are the step's sources: its built-in tone with the step's own
// texts in place of the tone's where given.
func (s Step) texts() Texts {
	t := builtin[s.Template]
	if s.Comment != "" {
		t.Comment = s.Comment
	}
	if s.Subject != "" {
		t.Subject = s.Subject
	}
	if s.Text != "" {
		t.Text = s.Text
	}
	return t
}

// Comment is a rendered Jira comment as plain text: paragraphs, each a
// list of lines, none of them markup. Package jira encodes it for Jira
// (jira.CommentDoc).
type Comment [][]string

// RenderComment renders the step's Jira comment: a paragraph per block
// of text between blank lines, never an empty one.
func RenderComment(s Step, d Data) (Comment, error) {
	src := s.texts().Comment
	if src == "" {
		return nil, fmt.Errorf("step %s has no comment template", s.Key)
	}
	out, err := renderText(src, d)
	if err != nil {
		return nil, err
	}
	c := Comment(paragraphs(out))
	if len(c) == 0 {
		return nil, fmt.Errorf("step %s: the comment renders empty", s.Key)
	}
	return c, nil
}

// RenderEmail renders the step's e-mail. Values are escaped in the HTML
// part by html/template and left literal in the text part.
func RenderEmail(s Step, d Data) (Email, error) {
	t := s.texts()
	if t.Subject == "" || t.Text == "" {
		return Email{}, fmt.Errorf("step %s has no e-mail subject or text template", s.Key)
	}
	subject, err := renderText(t.Subject, d)
	if err != nil {
		return Email{}, fmt.Errorf("subject: %w", err)
	}
	subject = strings.Join(strings.Fields(subject), " ")
	if subject == "" {
		return Email{}, fmt.Errorf("step %s: the subject renders empty", s.Key)
	}
	text, err := renderText(t.Text, d)
	if err != nil {
		return Email{}, fmt.Errorf("text: %w", err)
	}
	var body string
	if s.HTML != "" {
		body, err = renderHTML(s.HTML, d)
	} else {
		body, err = textAsHTML(t.Text, d)
	}
	if err != nil {
		return Email{}, fmt.Errorf("html: %w", err)
	}
	return Email{Subject: subject, Text: text, HTML: body}, nil
}

// parseText parses a text template with the common definitions beside it
// (not before it, so errors point at the author's own lines).
func parseText(src string) (*template.Template, error) {
	t, err := template.New("body").Option("missingkey=error").Parse(src)
	if err != nil {
		return nil, err
	}
	if _, err := t.New("common").Parse(commonDefs); err != nil {
		return nil, err
	}
	return t, nil
}

func renderText(src string, d Data) (string, error) {
	t, err := parseText(src)
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	if err := t.Execute(&b, d); err != nil {
		return "", err
	}
	return tidy(b.String()), nil
}

// renderHTML renders an HTML template the step brings itself.
func renderHTML(src string, d Data) (string, error) {
	t, err := htmltemplate.New("body").Option("missingkey=error").Parse(src)
	if err != nil {
		return "", err
	}
	if _, err := t.New("common").Parse(commonDefs); err != nil {
		return "", err
	}
	var b bytes.Buffer
	if err := t.Execute(&b, d); err != nil {
		return "", err
	}
	return b.String(), nil
}

// textAsHTML renders a plain text template as HTML: its literal text is
// escaped as text, its values by html/template, and each paragraph (text
// between blank lines) becomes a <p>.
func textAsHTML(src string, d Data) (string, error) {
	tt, err := parseText(src)
	if err != nil {
		return "", err
	}
	ht := htmltemplate.New("html").Option("missingkey=error")
	for _, t := range tt.Templates() {
		tree := t.Tree.Copy()
		escapeLiterals(tree.Root)
		if _, err := ht.AddParseTree(t.Name(), tree); err != nil {
			return "", err
		}
	}
	var b bytes.Buffer
	if err := ht.ExecuteTemplate(&b, "body", d); err != nil {
		return "", err
	}
	var out strings.Builder
	out.WriteString("<!DOCTYPE html>\n<html><body style=\"font-family: sans-serif; line-height: 1.5\">\n")
	for _, p := range paragraphs(tidy(b.String())) {
		out.WriteString("<p>" + strings.Join(p, "<br>\n") + "</p>\n")
	}
	out.WriteString("</body></html>\n")
	return out.String(), nil
}

// escapeLiterals HTML-escapes the literal text of a parsed text template.
func escapeLiterals(n parse.Node) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			escapeLiterals(c)
		}
	case *parse.TextNode:
		n.Text = []byte(html.EscapeString(string(n.Text)))
	case *parse.IfNode:
		escapeLiterals(n.List)
		escapeLiterals(n.ElseList)
	case *parse.RangeNode:
		escapeLiterals(n.List)
		escapeLiterals(n.ElseList)
	case *parse.WithNode:
		escapeLiterals(n.List)
		escapeLiterals(n.ElseList)
	}
}

// tidy drops trailing spaces, runs of blank lines and outer blank space,
// which optional parts of a template leave behind.
func tidy(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var out []string
	blank := false
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimRight(l, " \t")
		if l == "" {
			blank = true
			continue
		}
		if blank && len(out) > 0 {
			out = append(out, "")
		}
		blank = false
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

// paragraphs splits tidy text into paragraphs of lines.
func paragraphs(s string) [][]string {
	var out [][]string
	for _, p := range strings.Split(s, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, strings.Split(p, "\n"))
		}
	}
	return out
}

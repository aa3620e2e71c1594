package demohost

import (
	"encoding/json"
	"html"
	"html/template"
	"net/url"
	"strconv"
	"strings"
)

// adfNode is the part of an Atlassian Document Format node the issue
// view renders.
type adfNode struct {
	Type    string          `json:"type"`
	Text    *string         `json:"text,omitempty"`
	Content []adfNode       `json:"content,omitempty"`
	Attrs   json.RawMessage `json:"attrs,omitempty"`
	Marks   json.RawMessage `json:"marks,omitempty"`
}

// adfToHTML renders an ADF document as HTML for the demo host's issue
// view: paragraphs, headings, lists, tables, code, rules and panels, with
// strong, em, code and link marks. Every text is escaped; attributes come
// only from a fixed set (heading levels, http(s) links).
func adfToHTML(raw json.RawMessage) template.HTML {
	var doc adfNode
	if len(raw) == 0 || json.Unmarshal(raw, &doc) != nil {
		return ""
	}
	var b strings.Builder
	var walk func(n adfNode)
	children := func(n adfNode) {
		for _, c := range n.Content {
			walk(c)
		}
	}
	wrap := func(tag string, n adfNode) {
		b.WriteString("<" + tag + ">")
		children(n)
		b.WriteString("</" + tag + ">")
	}
	walk = func(n adfNode) {
		switch n.Type {
		case "text":
			if n.Text != nil {
				b.WriteString(markText(*n.Text, n.Marks))
			}
		case "hardBreak":
			b.WriteString("<br>")
		case "rule":
			b.WriteString("<hr>")
		case "paragraph":
			wrap("p", n)
		case "heading":
			var a struct{ Level int }
			_ = json.Unmarshal(n.Attrs, &a)
			level := min(max(a.Level, 1), 6)
			tag := "h" + strconv.Itoa(level)
			wrap(tag, n)
		case "bulletList":
			wrap("ul", n)
		case "orderedList":
			wrap("ol", n)
		case "listItem":
			wrap("li", n)
		case "blockquote":
			wrap("blockquote", n)
		case "codeBlock":
			b.WriteString("<pre><code>")
			children(n)
			b.WriteString("</code></pre>")
		case "table":
			b.WriteString(`<table class="adf-table"><tbody>`)
			children(n)
			b.WriteString("</tbody></table>")
		case "tableRow":
			wrap("tr", n)
		case "tableHeader":
			wrap("th", n)
		case "tableCell":
			wrap("td", n)
		case "panel":
			b.WriteString(`<div class="adf-panel">`)
			children(n)
			b.WriteString("</div>")
		default:
			children(n)
		}
	}
	children(doc)
	return template.HTML(b.String()) // #nosec: built from escaped text and fixed tags
}

// markText escapes text and applies its marks.
func markText(text string, raw json.RawMessage) string {
	out := html.EscapeString(text)
	var marks []struct {
		Type  string
		Attrs struct{ Href string }
	}
	_ = json.Unmarshal(raw, &marks)
	for _, m := range marks {
		switch m.Type {
		case "strong":
			out = "<strong>" + out + "</strong>"
		case "em":
			out = "<em>" + out + "</em>"
		case "code":
			out = "<code>" + out + "</code>"
		case "link":
			if u, err := url.Parse(m.Attrs.Href); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
				out = `<a href="` + html.EscapeString(u.String()) + `" rel="noopener noreferrer">` + out + "</a>"
			}
		}
	}
	return out
}

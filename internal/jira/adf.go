package jira

import (
	"encoding/json"
	"math"
)

// A Document is text for one of Jira's rich-text fields (an issue's
// description, a comment) as the use cases write it: paragraphs and
// tables of plain text. Jira's REST v3 takes such fields as Atlassian
// Document Format; ADF encodes a Document, putting every string in a text
// node so that nothing in it (a customer's name, an issue summary) is
// ever read as markup.
type Document []Block

// Block is one block of a Document: a Paragraph or a Table.
type Block interface {
	adf() adfNode
}

// Paragraph is a paragraph of lines, joined by hard breaks. An empty line
// gets no text node (Jira refuses empty ones); a paragraph of one empty
// line is an empty paragraph.
type Paragraph []string

// Table is a table of plain-text cells under a header row.
type Table struct {
	Header []string
	Rows   [][]string
}

// adfNode is one node of an ADF document as it goes on the wire; a map,
// so that its JSON lists the keys in order whatever built it.
type adfNode = map[string]any

// ADF is the document in Atlassian Document Format, ready to marshal as
// a REST v3 rich-text field.
func (d Document) ADF() map[string]any {
	content := make([]any, 0, len(d))
	for _, b := range d {
		content = append(content, b.adf())
	}
	return docNode(content)
}

func docNode(content []any) adfNode {
	return adfNode{"type": "doc", "version": 1, "content": content}
}

func (p Paragraph) adf() adfNode {
	nodes := []any{}
	for i, line := range p {
		if i > 0 {
			nodes = append(nodes, adfNode{"type": "hardBreak"})
		}
		if line != "" {
			nodes = append(nodes, adfNode{"type": "text", "text": line})
		}
	}
	return adfNode{"type": "paragraph", "content": nodes}
}

func (t Table) adf() adfNode { return tableNode(t.Header, t.rowNodes(), len(t.Rows)) }

// rowNodes encodes the body rows once, for the description's fitting.
func (t Table) rowNodes() []any {
	rows := make([]any, len(t.Rows))
	for i, r := range t.Rows {
		rows[i] = rowNode(false, r)
	}
	return rows
}

func tableNode(header []string, rows []any, shown int) adfNode {
	content := append([]any{rowNode(true, header)}, rows[:shown]...)
	return adfNode{"type": "table", "content": content}
}

func rowNode(header bool, cells []string) adfNode {
	typ := "tableCell"
	if header {
		typ = "tableHeader"
	}
	cs := make([]any, len(cells))
	for i, c := range cells {
		cs[i] = adfNode{"type": typ, "content": []any{Paragraph{c}.adf()}}
	}
	return adfNode{"type": "tableRow", "content": cs}
}

// descriptionLimit is Jira Cloud's limit on a description: 32,767
// characters of the stored value, which for ADF is the serialised
// document, node types and attributes included (a table of a few hundred
// rows runs to some 80 KB). Jira refuses a longer one with a 400.
const descriptionLimit = 32767

// Description is an issue description built around one table that may
// be too long for Jira's limit on a description: Before, the table, then
// After. When the whole table does not fit, ADF lists the first rows that
// do and puts Rest(shown) after them: the use case's words for the rows
// left out.
type Description struct {
	Before Document
	Table  Table
	Rest   func(shown int) Paragraph
	After  Document
}

// ADF is the description in Atlassian Document Format, within Jira's
// limit whenever Before, After and the header fit in it.
func (d Description) ADF() map[string]any {
	rows := d.Table.rowNodes()
	n := len(rows)
	if adfLen(d.doc(rows, n)) > descriptionLimit {
		n = d.fitting(rows)
	}
	for ; ; n-- {
		doc := d.doc(rows, n)
		if n == 0 || adfLen(doc) <= descriptionLimit {
			return doc
		}
	}
}

// fitting estimates how many rows fit under the limit from the size of
// each row (a row and its comma) and of the document without them; the
// caller checks the estimate on the whole document.
func (d Description) fitting(rows []any) int {
	room := descriptionLimit - adfLen(d.doc(rows, 0))
	for i, r := range rows {
		if room -= adfLen(r) + 1; room < 0 {
			return i
		}
	}
	return len(rows)
}

// doc is the document listing the first shown rows.
func (d Description) doc(rows []any, shown int) adfNode {
	content := make([]any, 0, len(d.Before)+len(d.After)+2)
	for _, b := range d.Before {
		content = append(content, b.adf())
	}
	content = append(content, tableNode(d.Table.Header, rows, shown))
	if shown < len(rows) && d.Rest != nil {
		content = append(content, d.Rest(shown).adf())
	}
	for _, b := range d.After {
		content = append(content, b.adf())
	}
	return docNode(content)
}

// adfLen bounds from above the length Jira gives a node: the bytes of
// its JSON as Remit sends it. Jira counts UTF-16 code units of the
// document it re-serialises, which is never more (a character is one to
// four bytes but at most two code units, and Go's escapes of <, > and &
// are longer than the characters).
func adfLen(node any) int {
	b, err := json.Marshal(node)
	if err != nil {
		return math.MaxInt
	}
	return len(b)
}

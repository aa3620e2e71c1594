package invoicepdf

import (
	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/money"
)

// Table typography, in points and millimetres.
const (
	tablePt   = 9.0
	headerPt  = 8.0
	cellPad   = 1.2 // above and below the text of a row
	keepLines = 3   // a row is only split across pages after this many lines
)

// column is one column of a table: its title, width and alignment.
type column struct {
	title string
	w     float64
	align string
}

// lineColumns are the columns of the work table. The description takes
// what the fixed-width columns leave.
func (r *renderer) lineColumns() []column {
	cols := []column{
		{"Issue", 27, "L"},
		{"Description", 0, "L"},
		{"Hours", 18, "R"},
		{"Rate", 27, "R"},
		{"Amount (" + string(r.d.Currency) + ")", 32, "R"},
	}
	fixed := 0.0
	for _, c := range cols {
		fixed += c.w
	}
	cols[1].w = contentW - fixed
	return cols
}

// bottom is the lowest y that content may reach on a page.
func (r *renderer) bottom() float64 {
	_, h := r.pdf.GetPageSize()
	return h - margin - footerH
}

// tableHeader draws the column titles on a shaded band.
func (r *renderer) tableHeader(cols []column) {
	pdf := r.pdf
	r.font(true, headerPt, muted)
	pdf.SetFillColor(shade[0], shade[1], shade[2])
	h := lineHeight(headerPt) + 2*cellPad
	pdf.SetX(margin)
	for _, c := range cols {
		pdf.CellFormat(c.w, h, c.title, "", 0, c.align, true, 0, "")
	}
	pdf.Ln(h)
}

// lineItems draws the work table. A row whose description wraps grows
// downwards; a row that no longer fits moves to the next page, where the
// column titles are repeated, and only a row taller than keepLines lines
// is split across pages.
func (r *renderer) lineItems() {
	pdf := r.pdf
	cols := r.lineColumns()
	r.tableHeader(cols)
	lh := lineHeight(tablePt)
	if len(r.d.Lines) == 0 {
		r.font(false, tablePt, muted)
		pdf.CellFormat(contentW, lh+2*cellPad, "No billable work in this invoice.", "B", 1, "L", false, 0, "")
		return
	}
	pdf.SetDrawColor(rule[0], rule[1], rule[2])
	pdf.SetLineWidth(0.2)
	for _, l := range r.d.Lines {
		r.font(false, tablePt, ink)
		keys := r.wrap(r.txt.line(l.IssueKey), cols[0].w)
		desc := r.wrap(r.txt.line(l.Description), cols[1].w)
		n := max(len(keys), len(desc))
		for start := 0; start < n; {
			avail := int((r.bottom() - pdf.GetY() - 2*cellPad) / lh)
			if avail < min(n-start, keepLines) {
				pdf.AddPage()
				r.tableHeader(cols)
				r.font(false, tablePt, ink)
				pdf.SetDrawColor(rule[0], rule[1], rule[2])
				pdf.SetLineWidth(0.2)
				continue
			}
			end := min(n, start+avail)
			r.rowChunk(cols, l, keys, desc, start, end)
			start = end
		}
	}
	pdf.Ln(3)
}

// rowChunk draws lines [start, end) of one table row; the figures go on
// the row's first line only.
func (r *renderer) rowChunk(cols []column, l invoice.Line, keys, desc []string, start, end int) {
	pdf := r.pdf
	lh := lineHeight(tablePt)
	top := pdf.GetY()
	pdf.SetY(top + cellPad)
	for i := start; i < end; i++ {
		pdf.SetX(margin)
		cells := []string{at(keys, i), at(desc, i), "", "", ""}
		if i == 0 {
			cells[2] = hours(l.Hours)
			cells[3] = money.FormatRate(l.Rate, r.d.Currency)
			cells[4] = money.Format(l.Amount, r.d.Currency)
		}
		for c, col := range cols {
			pdf.CellFormat(col.w, lh, cells[c], "", 0, col.align, false, 0, "")
		}
		pdf.Ln(lh)
	}
	y := pdf.GetY() + cellPad
	pdf.Line(margin, y, pageW-margin, y)
	pdf.SetY(y)
}

// wrap splits already-cleaned text into lines that fit a cell of width w
// in the current font; empty text is one empty line.
func (r *renderer) wrap(s string, w float64) []string {
	if s == "" {
		return []string{""}
	}
	return r.pdf.SplitText(s, w)
}

func at(lines []string, i int) string {
	if i < len(lines) {
		return lines[i]
	}
	return ""
}

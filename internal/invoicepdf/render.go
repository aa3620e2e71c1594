package invoicepdf

import (
	"io"
	"strconv"
	"time"

	"github.com/go-pdf/fpdf"

	"github.com/remitapp/remit/internal/remit"
)

// Page geometry of an A4 portrait page, in millimetres.
const (
	pageW    = 210.0
	margin   = 15.0
	footerH  = 14.0 // reserved at the foot of every page for the footer
	contentW = pageW - 2*margin
)

// producer is written into every PDF instead of the library's default, so
// the bytes do not change with the library version string.
const producer = "Remit"

// pagesAlias stands for the page count until the document is closed. It
// holds control characters, which cleaned user text never contains, so a
// summary that says "{nb}" is printed as written.
const pagesAlias = "\x01nb\x01"

// Colours, as RGB.
var (
	ink   = [3]int{33, 37, 41}
	muted = [3]int{108, 117, 125}
	rule  = [3]int{206, 212, 218}
	shade = [3]int{241, 243, 245}
)

// renderer draws one Document; it lives for one Render call.
type renderer struct {
	pdf   *fpdf.Fpdf
	d     Document
	txt   cleaner
	title string // what the document is: "Invoice" or "Credit note"
}

// Render writes d as a PDF to w. It refuses a Document it cannot draw
// faithfully (an unknown currency, no issue date) with an Invalid error;
// anything else that fails is Internal. Render is safe for concurrent use.
func Render(w io.Writer, d Document) error {
	const op = "invoicepdf.Render"
	if err := d.validate(); err != nil {
		return err
	}
	r := newRenderer(d, "Invoice")
	r.header()
	r.parties()
	r.lineItems()
	r.totals()
	r.payment()
	r.installments()
	if err := r.pdf.Output(w); err != nil {
		return remit.Wrap(remit.Internal, op, err)
	}
	return nil
}

func newRenderer(d Document, title string) *renderer {
	pdf := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", SizeStr: "A4"})
	r := &renderer{pdf: pdf, d: d, txt: cleaner{has: fontCoverage().has}, title: title}
	// The alias must be set before the fonts are added: fpdf sizes the
	// font subsets by it.
	pdf.AliasNbPages(pagesAlias)
	addFonts(pdf)
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(true, margin+footerH)
	pdf.SetCellMargin(1.2)

	at := d.IssueDate.Start(time.UTC)
	pdf.SetCreationDate(at)
	pdf.SetModificationDate(at)
	pdf.SetProducer(producer, false)
	pdf.SetCreator(producer, false)
	pdf.SetCatalogSort(true)
	pdf.SetTitle(title+" "+r.txt.line(d.Number), true)
	pdf.SetAuthor(r.txt.line(d.Seller.Name), true)

	pdf.SetHeaderFunc(r.runningHeader)
	pdf.SetFooterFunc(r.footer)
	pdf.AddPage()
	return r
}

// font selects the embedded font: bold or regular, size in points, colour.
func (r *renderer) font(bold bool, size float64, color [3]int) {
	style := ""
	if bold {
		style = "B"
	}
	r.pdf.SetFont(fontFamily, style, size)
	r.pdf.SetTextColor(color[0], color[1], color[2])
}

// lineHeight is a comfortable line height in millimetres for a font size
// in points.
func lineHeight(pt float64) float64 { return pt * 0.3528 * 1.35 }

// runningHeader reminds the reader of continued pages whose invoice they
// hold; the first page has the full header instead.
func (r *renderer) runningHeader() {
	if r.pdf.PageNo() == 1 {
		return
	}
	r.font(false, 8, muted)
	r.pdf.SetXY(margin, margin-6)
	r.pdf.CellFormat(contentW/2, 4, r.txt.line(r.d.Seller.Name), "", 0, "L", false, 0, "")
	r.pdf.CellFormat(contentW/2, 4, r.title+" "+r.txt.line(r.d.Number), "", 1, "R", false, 0, "")
	r.pdf.SetY(margin)
}

// footer prints "Page n of m" on every page, with the invoice number and
// the optional site address, so loose printed pages can be put back together.
func (r *renderer) footer() {
	pdf := r.pdf
	_, pageH := pdf.GetPageSize()
	y := pageH - margin - footerH + 6
	pdf.SetDrawColor(rule[0], rule[1], rule[2])
	pdf.SetLineWidth(0.2)
	pdf.Line(margin, y, pageW-margin, y)
	r.font(false, 7.5, muted)
	third := contentW / 3
	pdf.SetXY(margin, y+1.5)
	pdf.CellFormat(third, 4, r.fit(r.txt.line(r.d.SiteURL), third), "", 0, "L", false, 0, "")
	pdf.CellFormat(third, 4, "Page "+strconv.Itoa(pdf.PageNo())+" of "+pagesAlias, "", 0, "C", false, 0, "")
	pdf.CellFormat(third, 4, r.fit(r.title+" "+r.txt.line(r.d.Number), third), "", 0, "R", false, 0, "")
}

// fit shortens s with an ellipsis until it fits in a cell of width w in
// the current font, for fields that must stay on one line.
func (r *renderer) fit(s string, w float64) string {
	avail := w - 2*r.pdf.GetCellMargin()
	if r.pdf.GetStringWidth(s) <= avail {
		return s
	}
	runes := []rune(s)
	lo, hi := 0, len(runes) // binary search the longest prefix that fits
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if r.pdf.GetStringWidth(string(runes[:mid])+"…") <= avail {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return string(runes[:lo]) + "…"
}

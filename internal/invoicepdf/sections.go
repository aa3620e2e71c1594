package invoicepdf

import (
	"strings"
)

// header draws the seller on the left and "INVOICE" with its number on
// the right: the first things a payer's accounts team looks for.
func (r *renderer) header() {
	pdf, s := r.pdf, r.d.Seller
	top := pdf.GetY()
	leftW := contentW * 0.58
	rightW := contentW - leftW

	r.font(true, 14, ink)
	pdf.MultiCell(leftW, lineHeight(14), r.txt.line(s.Name), "", "L", false)
	r.font(false, 9, ink)
	r.textLines(leftW, 9, r.txt.block(s.Address))
	r.font(false, 9, muted)
	if id := r.txt.line(s.TaxID); id != "" {
		r.textLines(leftW, 9, "Tax ID: "+id)
	}
	if e := r.txt.line(s.Email); e != "" {
		r.textLines(leftW, 9, e)
	}
	leftBottom := pdf.GetY()

	pdf.SetXY(margin+leftW, top)
	r.font(true, 26, ink)
	pdf.CellFormat(rightW, lineHeight(26), "INVOICE", "", 2, "R", false, 0, "")
	r.font(true, 12, ink)
	pdf.SetX(margin + leftW)
	pdf.MultiCell(rightW, lineHeight(12), r.txt.line(r.d.Number), "", "R", false)
	if st := r.txt.line(r.d.Status); st != "" {
		r.font(true, 10, muted)
		pdf.SetX(margin + leftW)
		pdf.CellFormat(rightW, lineHeight(10), strings.ToUpper(strings.ReplaceAll(st, "_", " ")), "", 2, "R", false, 0, "")
	}
	pdf.SetY(max(leftBottom, pdf.GetY()) + 4)
	r.hrule()
}

// parties draws the bill-to block on the left and the dates and terms on
// the right.
func (r *renderer) parties() {
	pdf, b := r.pdf, r.d.Buyer
	top := pdf.GetY() + 2
	leftW := contentW * 0.55
	rightX := margin + leftW + 5
	rightW := contentW - leftW - 5

	pdf.SetXY(margin, top)
	r.font(true, 8, muted)
	pdf.CellFormat(leftW, lineHeight(8), "BILL TO", "", 2, "L", false, 0, "")
	r.font(true, 10, ink)
	pdf.MultiCell(leftW, lineHeight(10), r.txt.line(b.Name), "", "L", false)
	r.font(false, 9, ink)
	for _, l := range b.Lines {
		r.textLines(leftW, 9, r.txt.block(l))
	}
	if e := r.txt.line(b.Email); e != "" {
		r.font(false, 9, muted)
		r.textLines(leftW, 9, e)
	}
	leftBottom := pdf.GetY()

	rows := [][2]string{
		{"Issue date", date(r.d.IssueDate)},
		{"Due date", date(r.d.DueDate)},
		{"Period", period(r.d.Period)},
		{"Payment terms", terms(r.d.PaymentTermsDays)},
		{"Currency", string(r.d.Currency)},
	}
	pdf.SetY(top)
	labelW := rightW * 0.42
	for _, row := range rows {
		pdf.SetX(rightX)
		r.font(false, 9, muted)
		pdf.CellFormat(labelW, lineHeight(9), row[0], "", 0, "L", false, 0, "")
		r.font(row[0] == "Due date", 9, ink)
		pdf.CellFormat(rightW-labelW, lineHeight(9), row[1], "", 1, "R", false, 0, "")
	}
	pdf.SetY(max(leftBottom, pdf.GetY()) + 6)
}

// textLines draws already-cleaned text in the current font, wrapped to w;
// "\n" starts a new line.
func (r *renderer) textLines(w, pt float64, s string) {
	if s == "" {
		return
	}
	x := r.pdf.GetX()
	r.pdf.MultiCell(w, lineHeight(pt), s, "", "L", false)
	r.pdf.SetX(x)
}

// hrule draws a thin line across the content width at the current y.
func (r *renderer) hrule() {
	y := r.pdf.GetY()
	r.pdf.SetDrawColor(rule[0], rule[1], rule[2])
	r.pdf.SetLineWidth(0.3)
	r.pdf.Line(margin, y, pageW-margin, y)
	r.pdf.SetY(y + 2)
}

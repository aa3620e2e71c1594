package invoicepdf

import (
	"strings"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/money"
)

// docHeader draws the seller with postal address and VAT id on the left,
// the document's title, number and status on the right.
func (r *renderer) docHeader(d *invoice.Document, title, status string) {
	pdf, s := r.pdf, d.Seller
	top := pdf.GetY()
	leftW := contentW * 0.58
	rightW := contentW - leftW
	r.font(true, 14, ink)
	pdf.MultiCell(leftW, lineHeight(14), r.txt.line(s.Name), "", "L", false)
	r.font(false, 9, ink)
	for _, l := range s.AddressLines() {
		r.textLines(leftW, 9, r.txt.line(l))
	}
	r.font(false, 9, muted)
	if id := r.txt.line(s.TaxID); id != "" {
		r.textLines(leftW, 9, "VAT ID: "+id)
	}
	if e := r.txt.line(s.Email); e != "" {
		r.textLines(leftW, 9, e)
	}
	leftBottom := pdf.GetY()
	pdf.SetXY(margin+leftW, top)
	r.font(true, 22, ink)
	pdf.CellFormat(rightW, lineHeight(22), title, "", 2, "R", false, 0, "")
	r.font(true, 12, ink)
	pdf.SetX(margin + leftW)
	pdf.MultiCell(rightW, lineHeight(12), r.txt.line(d.Number), "", "R", false)
	if st := r.txt.line(status); st != "" {
		r.font(true, 10, muted)
		pdf.SetX(margin + leftW)
		pdf.CellFormat(rightW, lineHeight(10), strings.ToUpper(strings.ReplaceAll(st, "_", " ")), "", 2, "R", false, 0, "")
	}
	pdf.SetY(max(leftBottom, pdf.GetY()) + 4)
	r.hrule()
}

// docParties draws the buyer (name, postal address, VAT id, reference)
// on the left and the document's dates on the right.
func (r *renderer) docParties(d *invoice.Document, rows [][2]string) {
	pdf, b := r.pdf, d.Buyer
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
	for _, l := range b.AddressLines() {
		r.textLines(leftW, 9, r.txt.line(l))
	}
	r.font(false, 9, muted)
	if id := r.txt.line(b.TaxID); id != "" {
		r.textLines(leftW, 9, "VAT ID: "+id)
	}
	if ref := r.txt.line(b.BuyerReference); ref != "" {
		r.textLines(leftW, 9, "Your reference: "+ref)
	}
	if e := r.txt.line(b.Email); e != "" {
		r.textLines(leftW, 9, e)
	}
	leftBottom := pdf.GetY()
	pdf.SetY(top)
	labelW := rightW * 0.45
	for _, row := range rows {
		pdf.SetX(rightX)
		r.font(false, 9, muted)
		pdf.CellFormat(labelW, lineHeight(9), row[0], "", 0, "L", false, 0, "")
		r.font(row[0] == "Due date", 9, ink)
		pdf.CellFormat(rightW-labelW, lineHeight(9), row[1], "", 1, "R", false, 0, "")
	}
	pdf.SetY(max(leftBottom, pdf.GetY()) + 6)
}

// docColumns are the columns of a document's lines: the description
// takes what the figures leave.
func (r *renderer) docColumns(cur money.Currency) []column {
	cols := []column{
		{"Description", 0, "L"},
		{"Quantity", 24, "R"},
		{"Unit price", 26, "R"},
		{"VAT", 22, "R"},
		{"Net (" + string(cur) + ")", 30, "R"},
	}
	fixed := 0.0
	for _, c := range cols {
		fixed += c.w
	}
	cols[0].w = contentW - fixed
	return cols
}

// docLines draws the lines, each with quantity, unit price, VAT category
// and net amount; rows that do not fit move to the next page under the
// repeated column titles.
func (r *renderer) docLines(d *invoice.Document) {
	pdf := r.pdf
	cols := r.docColumns(d.Currency)
	r.tableHeader(cols)
	lh := lineHeight(tablePt)
	pdf.SetDrawColor(rule[0], rule[1], rule[2])
	pdf.SetLineWidth(0.2)
	for _, l := range d.Lines {
		r.font(false, tablePt, ink)
		desc := r.wrap(r.txt.line(lineDescription(l)), cols[0].w)
		cells := []string{"", quantity(l), money.FormatRate(l.UnitPrice, d.Currency), vatCell(l, d), money.Format(l.Amount, d.Currency)}
		for start := 0; start < len(desc); {
			avail := int((r.bottom() - pdf.GetY() - 2*cellPad) / lh)
			if avail < min(len(desc)-start, keepLines) {
				pdf.AddPage()
				r.tableHeader(cols)
				r.font(false, tablePt, ink)
				pdf.SetDrawColor(rule[0], rule[1], rule[2])
				pdf.SetLineWidth(0.2)
				continue
			}
			end := min(len(desc), start+avail)
			top := pdf.GetY()
			pdf.SetY(top + cellPad)
			for i := start; i < end; i++ {
				pdf.SetX(margin)
				row := []string{desc[i], "", "", "", ""}
				if i == 0 {
					copy(row[1:], cells[1:])
				}
				for c, col := range cols {
					pdf.CellFormat(col.w, lh, row[c], "", 0, col.align, false, 0, "")
				}
				pdf.Ln(lh)
			}
			y := pdf.GetY() + cellPad
			pdf.Line(margin, y, pageW-margin, y)
			pdf.SetY(y)
			start = end
		}
	}
	pdf.Ln(3)
}

// lineDescription is a line's text: the issue key before a time line's
// summary, the receipt after an expense.
func lineDescription(l invoice.LineItem) string {
	s := l.Description
	if l.IssueKey != "" {
		s = l.IssueKey + " · " + s
	}
	if l.Receipt != "" {
		s += " (receipt " + l.Receipt + ")"
	}
	if l.Kind == invoice.LineExpense {
		s = "Expense: " + s
	}
	return s
}

// quantity prints a line's quantity with its unit: hours keep every
// decimal they need (at least two) so the line multiplies out.
func quantity(l invoice.LineItem) string {
	if l.Unit == invoice.UnitHour {
		return l.Quantity.StringFixed(max(2, -l.Quantity.Exponent())) + " h"
	}
	return l.Quantity.String()
}

// vatCell is the VAT column of a line: the rate for standard-rated lines,
// the category's code otherwise (explained under the breakdown).
func vatCell(l invoice.LineItem, d *invoice.Document) string {
	for _, t := range d.Totals.Taxes {
		if t.Category == l.TaxCategory {
			if l.TaxCategory == invoice.TaxStandard || l.TaxCategory == invoice.TaxZero {
				return percent(t.Rate) + "%"
			}
			return t.Code
		}
	}
	return l.TaxCategory.Code()
}

// taxBreakdown draws one row per tax category (category, rate, taxable
// amount, tax) and the wording each category that charges no VAT needs.
func (r *renderer) taxBreakdown(d *invoice.Document) {
	pdf := r.pdf
	cols := []column{
		{"VAT category", 0, "L"},
		{"Rate", 22, "R"},
		{"Taxable amount (" + string(d.Currency) + ")", 44, "R"},
		{"VAT (" + string(d.Currency) + ")", 34, "R"},
	}
	cols[0].w = contentW - 22 - 44 - 34
	lh := lineHeight(tablePt) + 2*cellPad
	r.ensure(10 + float64(len(d.Totals.Taxes)+1)*lh)
	r.heading("VAT breakdown")
	r.tableHeader(cols)
	pdf.SetDrawColor(rule[0], rule[1], rule[2])
	pdf.SetLineWidth(0.2)
	var notes []string
	for _, t := range d.Totals.Taxes {
		r.font(false, tablePt, ink)
		pdf.SetX(margin)
		cells := []string{t.Category.Label() + " (" + t.Code + ")", percent(t.Rate) + "%", money.Format(t.Base, d.Currency), money.Format(t.Amount, d.Currency)}
		for i, c := range cols {
			pdf.CellFormat(c.w, lh, cells[i], "B", 0, c.align, false, 0, "")
		}
		pdf.Ln(lh)
		if t.Reason != "" {
			notes = append(notes, t.Code+": "+r.txt.line(t.Reason))
		}
	}
	if len(notes) > 0 {
		pdf.Ln(1.5)
		r.font(true, 9, ink)
		for _, n := range notes {
			pdf.SetX(margin)
			pdf.MultiCell(contentW, lineHeight(9), n, "", "L", false)
		}
	}
	pdf.Ln(4)
}

// docTotals draws the document's totals (subtotal, discount, VAT per
// category, total) and then extra rows: what followed, or a credit
// note's total.
func (r *renderer) docTotals(d *invoice.Document, extra []totalRow) {
	c, t := d.Currency, d.Totals
	rows := []totalRow{{label: "Subtotal", value: amount(t.Subtotal, c)}}
	if !t.Discount.IsZero() {
		label := "Discount"
		if p := d.Discount.Percent; p != nil {
			label += " (" + percent(*p) + "%)"
		}
		rows = append(rows, totalRow{label: label, value: minus(t.Discount, c)}, totalRow{label: "Net total", value: amount(t.TaxableBase, c)})
	}
	for _, x := range t.Taxes {
		label := "VAT " + percent(x.Rate) + "%"
		if x.Category != invoice.TaxStandard {
			label = x.Category.Label() + " " + percent(x.Rate) + "%"
		}
		rows = append(rows, totalRow{label: label, value: amount(x.Amount, c)})
	}
	if d.Kind == invoice.KindInvoice {
		rows = append(rows, totalRow{label: "Total", value: amount(t.Total, c), strong: true})
	}
	r.drawTotals(append(rows, extra...), 62, 45)
}

// followRows are what followed the invoice, below its unchanged total,
// ending with the balance due.
func (r *renderer) followRows(x *Issued) []totalRow {
	c := x.Doc.Currency
	var rows []totalRow
	if !x.LateFees.IsZero() {
		rows = append(rows, totalRow{label: "Late fees", value: amount(x.LateFees, c)})
	}
	if !x.FeesWaived.IsZero() {
		rows = append(rows, totalRow{label: "Late fees waived", value: minus(x.FeesWaived, c)})
	}
	for _, p := range x.Payments {
		label := "Paid " + date(p.PaidOn)
		if p.Reversed {
			rows = append(rows, totalRow{label: label + " (reversed)", value: "(" + amount(p.Amount, c) + ")"})
			continue
		}
		rows = append(rows, totalRow{label: label, value: minus(p.Amount, c)})
	}
	for _, cn := range x.CreditNotes {
		rows = append(rows, totalRow{label: "Credit note " + r.txt.line(cn.Number), value: minus(cn.Total, c)})
	}
	return append(rows, totalRow{label: "Balance due", value: amount(x.Balance, c), strong: true})
}

// drawTotals draws rows against the right margin in columns labelW and
// valueW wide, kept whole on one page; the last row is shaded.
func (r *renderer) drawTotals(rows []totalRow, labelW, valueW float64) {
	pdf := r.pdf
	lh := lineHeight(10) + 1
	x := pageW - margin - labelW - valueW
	r.ensure(float64(len(rows))*lh + 6)
	pdf.SetDrawColor(rule[0], rule[1], rule[2])
	pdf.SetLineWidth(0.3)
	for i, row := range rows {
		y := pdf.GetY()
		last := i == len(rows)-1
		if row.strong {
			pdf.Line(x, y, pageW-margin, y)
		}
		if last {
			pdf.SetFillColor(shade[0], shade[1], shade[2])
		}
		pdf.SetX(x)
		r.font(row.strong, 10, ink)
		pdf.CellFormat(labelW, lh, r.fit(row.label, labelW), "", 0, "L", last, 0, "")
		pdf.CellFormat(valueW, lh, r.fit(row.value, valueW), "", 1, "R", last, 0, "")
	}
	pdf.Ln(6)
}

// docPayment draws how to pay (the amount, due date and number to quote,
// then the bank details or instructions) and the late-payment terms.
func (r *renderer) docPayment(d *invoice.Document, balance decimal.Decimal) {
	pdf := r.pdf
	r.ensure(30)
	r.heading("Payment")
	r.font(false, 9, ink)
	ref := "Please pay " + amount(balance, d.Currency) + " by " + date(d.DueDate) + ", quoting invoice " + r.txt.line(d.Number) + "."
	if !balance.IsPositive() {
		ref = "Nothing is due on this invoice. Thank you."
	}
	pdf.MultiCell(contentW, lineHeight(9), ref, "", "L", false)
	p := d.Payment
	var bank []string
	if n := r.txt.line(p.AccountName); n != "" {
		bank = append(bank, "Account holder: "+n)
	}
	if p.IBAN != "" {
		bank = append(bank, "IBAN: "+invoice.FormatIBAN(r.txt.line(p.IBAN)))
	}
	if p.BIC != "" {
		bank = append(bank, "BIC: "+r.txt.line(p.BIC))
	}
	if n := r.txt.line(p.AccountNumber); n != "" {
		bank = append(bank, "Account: "+n)
	}
	if len(bank) > 0 {
		pdf.Ln(1)
		r.font(true, 9, ink)
		pdf.MultiCell(contentW, lineHeight(9), strings.Join(bank, "\n"), "", "L", false)
	}
	if ins := r.txt.block(p.Instructions); ins != "" {
		pdf.Ln(1)
		r.font(false, 9, ink)
		pdf.MultiCell(contentW, lineHeight(9), ins, "", "L", false)
	}
	pdf.Ln(4)
	r.paragraph("Late payment", r.txt.block(d.LatePaymentTerms))
}

// paragraph draws a titled block of text.
func (r *renderer) paragraph(title, text string) {
	if text == "" {
		return
	}
	r.ensure(16)
	r.heading(title)
	r.font(false, 9, ink)
	r.pdf.SetX(margin)
	r.pdf.MultiCell(contentW, lineHeight(9), text, "", "L", false)
	r.pdf.Ln(4)
}

// minus prints an amount taken off: "-36.00 EUR".
func minus(d decimal.Decimal, c money.Currency) string { return "-" + amount(d, c) }

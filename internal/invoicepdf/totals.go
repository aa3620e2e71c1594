package invoicepdf

import (
	"strconv"

	"github.com/remitapp/remit/internal/money"
)

// totalRow is one line of the totals block.
type totalRow struct {
	label, value string
	strong       bool // bold, with a rule above
}

// totalRows lists the totals in reading order. Late fees appear only when
// charged, so an ordinary invoice does not show a zero penalty line.
func (r *renderer) totalRows() []totalRow {
	d, c := r.d, r.d.Currency
	rows := []totalRow{
		{label: "Subtotal", value: amount(d.Subtotal, c)},
		{label: "Tax (" + percent(d.TaxPercent) + "%)", value: amount(d.Tax, c)},
	}
	if !d.LateFees.IsZero() {
		rows = append(rows, totalRow{label: "Late fees", value: amount(d.LateFees, c)})
	}
	return append(rows,
		totalRow{label: "Total", value: amount(d.Total, c), strong: true},
		totalRow{label: "Paid", value: amount(d.Paid, c)},
		totalRow{label: "Balance due", value: amount(d.Balance, c), strong: true},
	)
}

// totals draws the totals block against the right margin, kept whole on
// one page.
func (r *renderer) totals() { r.drawTotals(r.totalRows(), 45, 50) }

// payment draws how to pay: the invoice number to quote, the due date and
// the seller's own instructions, printed as written.
func (r *renderer) payment() {
	pdf := r.pdf
	r.ensure(24)
	r.heading("Payment")
	r.font(false, 9, ink)
	ref := "Please pay " + amount(r.d.Balance, r.d.Currency)
	if !r.d.DueDate.IsZero() {
		ref += " by " + date(r.d.DueDate)
	}
	ref += ", quoting invoice " + r.txt.line(r.d.Number) + "."
	if !r.d.Balance.IsPositive() {
		ref = "Nothing is due on this invoice. Thank you."
	}
	pdf.MultiCell(contentW, lineHeight(9), ref, "", "L", false)
	if ins := r.txt.block(r.d.PaymentInstructions); ins != "" {
		pdf.Ln(1)
		pdf.MultiCell(contentW, lineHeight(9), ins, "", "L", false)
	}
	pdf.Ln(5)
}

// installments draws the payment plan, when there is one, with its column
// titles repeated on every page it spans.
func (r *renderer) installments() {
	if len(r.d.Installments) == 0 {
		return
	}
	pdf := r.pdf
	cols := []column{
		{"#", 12, "L"},
		{"Due date", 40, "L"},
		{"Amount (" + string(r.d.Currency) + ")", 40, "R"},
	}
	lh := lineHeight(tablePt) + 2*cellPad
	r.ensure(10 + 3*lh)
	r.heading("Payment plan")
	r.tableHeader(cols)
	pdf.SetDrawColor(rule[0], rule[1], rule[2])
	pdf.SetLineWidth(0.2)
	for i, in := range r.d.Installments {
		if pdf.GetY()+lh > r.bottom() {
			pdf.AddPage()
			r.tableHeader(cols)
		}
		r.font(false, tablePt, ink)
		pdf.SetX(margin)
		pdf.CellFormat(cols[0].w, lh, strconv.Itoa(i+1), "B", 0, cols[0].align, false, 0, "")
		pdf.CellFormat(cols[1].w, lh, date(in.DueDate), "B", 0, cols[1].align, false, 0, "")
		pdf.CellFormat(cols[2].w, lh, money.Format(in.Amount, r.d.Currency), "B", 1, cols[2].align, false, 0, "")
	}
}

// heading draws a small section title.
func (r *renderer) heading(title string) {
	r.font(true, 8, muted)
	r.pdf.CellFormat(contentW, lineHeight(8)+1, title, "", 1, "L", false, 0, "")
}

// ensure starts a new page unless h millimetres are left on this one, so
// a short block is never split from its title.
func (r *renderer) ensure(h float64) {
	if r.pdf.GetY()+h > r.bottom() {
		r.pdf.AddPage()
	}
}

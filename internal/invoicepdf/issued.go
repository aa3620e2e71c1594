package invoicepdf

import (
	"io"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/money"
	"github.com/remitapp/remit/internal/remit"
)

// Issued is an issued invoice as its PDF shows it: the document stored at
// issue, unchanged, and below its total what followed (payments, late
// fees and their waivers, credit notes), down to the balance due.
type Issued struct {
	Doc          invoice.Document
	Status       string // printed when set, e.g. "paid"
	Payments     []PaidRow
	LateFees     decimal.Decimal // charged since issue
	FeesWaived   decimal.Decimal
	CreditNotes  []CreditRow
	Balance      decimal.Decimal // what the API says is due; must agree with the rows
	Installments []Installment
	SiteURL      string
}

// PaidRow is a payment received against the invoice. A reversed payment
// is printed as such and not counted.
type PaidRow struct {
	PaidOn    invoice.Date
	Method    string
	Reference string
	Amount    decimal.Decimal
	Reversed  bool
}

// CreditRow is a credit note issued against the invoice.
type CreditRow struct {
	Number    string
	IssueDate invoice.Date
	Total     decimal.Decimal
}

// followedBalance is what the rows below the total add up to.
func (x *Issued) followedBalance() decimal.Decimal {
	b := x.Doc.Totals.Total.Add(x.LateFees).Sub(x.FeesWaived)
	for _, p := range x.Payments {
		if !p.Reversed {
			b = b.Sub(p.Amount)
		}
	}
	for _, c := range x.CreditNotes {
		b = b.Sub(c.Total)
	}
	return b
}

func checkDoc(op, kind string, d *invoice.Document) error {
	switch {
	case d.Kind != kind:
		return remit.Errorf(remit.Invalid, op, "document %q is a %s, not a %s", d.Number, d.Kind, kind)
	case !d.Currency.Valid():
		return remit.Errorf(remit.Invalid, op, "currency %q is not an ISO 4217 code", d.Currency)
	case d.IssueDate.IsZero():
		return remit.Errorf(remit.Invalid, op, "document %q has no issue date", d.Number)
	}
	return nil
}

// RenderIssued writes an issued invoice as a PDF to w: everything EU and
// UK law require of a B2B invoice (SPEC §4), drawn from the stored
// document, then what followed it. A Balance that the rows printed do not
// add up to is refused (Invalid), so the PDF cannot disagree with the API.
func RenderIssued(w io.Writer, x Issued) error {
	const op = "invoicepdf.RenderIssued"
	d := &x.Doc
	if err := checkDoc(op, invoice.KindInvoice, d); err != nil {
		return err
	}
	if got := x.followedBalance(); !got.Equal(x.Balance) {
		return remit.Errorf(remit.Invalid, op, "invoice %s: balance %s is not what its rows add up to, %s",
			d.Number, money.Format(x.Balance, d.Currency), money.Format(got, d.Currency))
	}
	r := newRenderer(frame(d, x.SiteURL), "Invoice")
	r.docHeader(d, "INVOICE", x.Status)
	r.docParties(d, [][2]string{
		{"Issue date", date(d.IssueDate)},
		{"Due date", date(d.DueDate)},
		{"Supply period", period(d.Period())},
		{"Payment terms", terms(d.PaymentTermsDays)},
		{"Currency", string(d.Currency)},
	})
	r.docLines(d)
	r.taxBreakdown(d)
	r.docTotals(d, r.followRows(&x))
	r.docPayment(d, x.Balance)
	r.d.Installments = x.Installments
	r.installments()
	return output(w, r, op)
}

// RenderCreditNote writes a credit note as a PDF to w: the parties, the
// invoice it corrects and why, its lines, VAT breakdown and total.
func RenderCreditNote(w io.Writer, d invoice.Document, siteURL string) error {
	const op = "invoicepdf.RenderCreditNote"
	if err := checkDoc(op, invoice.KindCreditNote, &d); err != nil {
		return err
	}
	r := newRenderer(frame(&d, siteURL), "Credit note")
	r.docHeader(&d, "CREDIT NOTE", "")
	r.docParties(&d, [][2]string{
		{"Issue date", date(d.IssueDate)},
		{"Credits invoice", r.txt.line(d.InvoiceNumber)},
		{"Invoice date", date(d.InvoiceIssueDate)},
		{"Supply period", period(d.Period())},
		{"Currency", string(d.Currency)},
	})
	r.paragraph("Correction", "Reason: "+r.txt.line(d.Reason))
	r.docLines(&d)
	r.taxBreakdown(&d)
	r.docTotals(&d, []totalRow{{label: "Total credited", value: amount(d.Totals.Total, d.Currency), strong: true}})
	r.paragraph("Settlement", "This credit note reduces the balance of invoice "+r.txt.line(d.InvoiceNumber)+" by "+
		amount(d.Totals.Total, d.Currency)+". It is not a request for payment.")
	return output(w, r, op)
}

// frame is the Document the running header and footer read.
func frame(d *invoice.Document, siteURL string) Document {
	return Document{Seller: invoice.Seller{Name: d.Seller.Name}, Number: d.Number, Currency: d.Currency, IssueDate: d.IssueDate, SiteURL: siteURL}
}

func output(w io.Writer, r *renderer, op string) error {
	if err := r.pdf.Output(w); err != nil {
		return remit.Wrap(remit.Internal, op, err)
	}
	return nil
}

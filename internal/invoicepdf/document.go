package invoicepdf

import (
	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/money"
	"github.com/remitapp/remit/internal/remit"
)

// Document is everything printed on an invoice, already resolved by the
// caller, so the renderer holds no billing rules and cannot disagree with
// the API about an amount.
type Document struct {
	Seller   invoice.Seller
	Buyer    Buyer
	Number   string
	Status   string // printed when set, e.g. "paid" or "void"
	Currency money.Currency

	IssueDate        invoice.Date
	DueDate          invoice.Date
	Period           invoice.Period
	PaymentTermsDays int

	Lines      []invoice.Line
	Subtotal   decimal.Decimal
	Tax        decimal.Decimal
	TaxPercent decimal.Decimal
	LateFees   decimal.Decimal // the row is left out when zero
	Paid       decimal.Decimal
	Total      decimal.Decimal
	Balance    decimal.Decimal

	PaymentInstructions string        // free text; line breaks are kept
	Installments        []Installment // the payment plan, if any
	SiteURL             string        // optional, printed small in the footer
}

// Buyer is who the invoice bills, as it should read on paper.
type Buyer struct {
	Name  string
	Email string
	Lines []string // postal address lines, optional
}

// Installment is one dated part of a payment plan.
type Installment struct {
	DueDate invoice.Date
	Amount  decimal.Decimal
}

// validate refuses what cannot be drawn faithfully: an unknown currency
// has no minor unit to format amounts with, and without an issue date the
// PDF's dates (and so its bytes) would depend on the clock.
func (d *Document) validate() error {
	const op = "invoicepdf.Render"
	if !d.Currency.Valid() {
		return remit.Errorf(remit.Invalid, op, "currency %q is not an ISO 4217 code", d.Currency)
	}
	if d.IssueDate.IsZero() {
		return remit.Errorf(remit.Invalid, op, "invoice %q has no issue date", d.Number)
	}
	return nil
}

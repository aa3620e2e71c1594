package invoice

import (
	"encoding/json"
	"errors"
	"strings"

	"github.com/remitapp/remit/internal/money"
	"github.com/remitapp/remit/internal/remit"
)

// DocumentVersion is the shape of Document as stored; a reader that meets
// a later version knows it cannot read every field.
const DocumentVersion = 1

// Document kinds.
const (
	KindInvoice    = "invoice"
	KindCreditNote = "credit-note"
)

// Party is a seller or a buyer as a document states them at issue.
type Party struct {
	Name           string  `json:"name"`
	Address        Address `json:"address"`
	AddressText    string  `json:"addressText,omitempty"` // a seller's free-text address, when it has no structured one
	TaxID          string  `json:"taxId,omitempty"`
	Email          string  `json:"email,omitempty"`
	Phone          string  `json:"phone,omitempty"` // the seller contact's, for XRechnung (BR-DE-6)
	BuyerReference string  `json:"buyerReference,omitempty"`
	PeppolID       string  `json:"peppolId,omitempty"`
}

// AddressLines is the party's postal address as printed.
func (p Party) AddressLines() []string {
	if !p.Address.IsZero() {
		return p.Address.Lines()
	}
	var out []string
	for _, l := range strings.Split(p.AddressText, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// Document is an issued invoice or credit note as it was at issue: what
// it says never changes (SPEC §4 "An invoice is a legal document"), so a
// later change of settings or customer does not rewrite it. It is built
// once, by Issue or IssueCreditNote, stored as JSON beside the invoice,
// and is what the PDF and the e-invoice are drawn from. Payments, late
// fees and credit notes that follow are not part of it.
type Document struct {
	Version          int            `json:"version"`
	Kind             string         `json:"kind"`
	Number           string         `json:"number"`
	IssueDate        Date           `json:"issueDate"`
	DueDate          Date           `json:"dueDate"`
	PeriodStart      Date           `json:"periodStart"`
	PeriodEnd        Date           `json:"periodEnd"`
	Currency         money.Currency `json:"currency"`
	Seller           Party          `json:"seller"`
	Buyer            Party          `json:"buyer"`
	Lines            []LineItem     `json:"lines"`
	Discount         Discount       `json:"discount"`
	Totals           DocumentTotals `json:"totals"`
	PaymentTermsDays int            `json:"paymentTermsDays"`
	LatePaymentTerms string         `json:"latePaymentTerms"`
	Payment          PaymentDetails `json:"payment"`
	// Credit notes only: the invoice they correct and why.
	InvoiceNumber    string `json:"invoiceNumber,omitempty"`
	InvoiceIssueDate Date   `json:"invoiceIssueDate,omitzero"`
	Reason           string `json:"reason,omitempty"`
}

// Period is the supply period the document covers.
func (d *Document) Period() Period { return Period{Start: d.PeriodStart, End: d.PeriodEnd} }

// IssueInput is everything an invoice document is made of at the moment
// it is issued.
type IssueInput struct {
	Settings         Settings
	Customer         Customer
	Number           string
	IssueDate        Date
	DueDate          Date // zero = issue date + the customer's terms
	Period           Period
	Lines            []LineItem
	Discount         Discount
	LatePaymentTerms string // the late-fee terms in force for this customer, as the invoice states them
	Today            Date   // in the tenant's zone
}

// Issue builds the document of an invoice from the settings, the customer
// and the lines as they are now. It refuses, with remit.Unprocessable
// naming each field, what a legal invoice cannot lack: the seller's name,
// postal address, tax id and payment details (Settings.CheckIssuable), the
// buyer's name and postal address, a number, a valid issue date
// (CheckIssueDate), at least one line, lines and discount that total up
// (DocumentTotalsOf), and the late-payment terms.
func Issue(in IssueInput) (Document, error) {
	const op = "invoice.Issue"
	f := map[string]string{}
	merge := func(err error, prefix string) {
		if err == nil {
			return
		}
		var re *remit.Error
		if asRemit(err, &re) && len(re.Fields) > 0 {
			for k, v := range re.Fields {
				f[prefix+k] = v
			}
			return
		}
		f[strings.TrimSuffix(prefix, ".")] = err.Error()
	}
	s, c := in.Settings, in.Customer
	merge(s.CheckIssuable(), "settings.")
	if strings.TrimSpace(c.Name) == "" {
		f["customer.name"] = "is required on an invoice"
	}
	c.Address.Normalized().check("customer.address", true, f)
	if c.DefaultTaxCategory() == TaxReverseCharge && strings.TrimSpace(c.TaxID) == "" {
		f["customer.taxId"] = "is required for reverse charge: the invoice must show the buyer's VAT id"
	}
	if strings.TrimSpace(in.Number) == "" {
		f["number"] = "is required"
	}
	merge(CheckIssueDate(in.IssueDate, in.Period, in.Today), "")
	due := in.DueDate
	if due.IsZero() && !in.IssueDate.IsZero() {
		due = in.IssueDate.AddDays(c.TermsDays(s))
	}
	if !due.IsZero() && due.Before(in.IssueDate) {
		f["dueDate"] = "must not be before the issue date " + in.IssueDate.String()
	}
	if len(in.Lines) == 0 {
		f["lines"] = "an invoice needs at least one line"
	}
	if strings.TrimSpace(in.LatePaymentTerms) == "" {
		f["latePaymentTerms"] = "are required: the invoice states the late-payment terms in force"
	}
	if !c.Currency.Valid() {
		f["customer.currency"] = "must be an ISO 4217 currency code"
	}
	var totals DocumentTotals
	if c.Currency.Valid() && len(in.Lines) > 0 {
		t, err := DocumentTotalsOf(in.Lines, in.Discount, TaxTermsOf(&c), c.Currency)
		merge(err, "")
		totals = t
	}
	if len(f) > 0 {
		return Document{}, remit.FieldErrors(remit.Unprocessable, op, "the invoice cannot be issued", f)
	}
	return document(in, due, totals, c.TermsDays(s)), nil
}

// Snapshot builds the document of an invoice created and issued in one
// step (POST /api/v1/invoices without "draft"): what the settings and the
// customer say at that moment, kept so that a later change of either does
// not rewrite the invoice. Unlike Issue it does not refuse a seller or
// buyer lacking what a legal invoice states (the document keeps what
// there is), since a tenant issuing in one step may not have filled
// those in; it does refuse a document without a number, lines or a due
// date, or whose lines do not total up.
func Snapshot(in IssueInput) (Document, error) {
	const op = "invoice.Snapshot"
	c := in.Customer
	f := map[string]string{}
	if strings.TrimSpace(in.Number) == "" {
		f["number"] = "is required"
	}
	if in.IssueDate.IsZero() || in.DueDate.IsZero() || in.DueDate.Before(in.IssueDate) {
		f["dueDate"] = "must be a date not before the issue date"
	}
	if len(in.Lines) == 0 {
		f["lines"] = "an invoice needs at least one line"
	}
	if !c.Currency.Valid() {
		f["customer.currency"] = "must be an ISO 4217 currency code"
	}
	if len(f) > 0 {
		return Document{}, remit.FieldErrors(remit.Unprocessable, op, "the invoice cannot be issued", f)
	}
	totals, err := DocumentTotalsOf(in.Lines, in.Discount, TaxTermsOf(&c), c.Currency)
	if err != nil {
		return Document{}, err
	}
	return document(in, in.DueDate, totals, in.IssueDate.DaysUntil(in.DueDate)), nil
}

func document(in IssueInput, due Date, totals DocumentTotals, termsDays int) Document {
	s, c := in.Settings, in.Customer
	return Document{
		Version: DocumentVersion, Kind: KindInvoice, Number: strings.TrimSpace(in.Number),
		IssueDate: in.IssueDate, DueDate: due, PeriodStart: in.Period.Start, PeriodEnd: in.Period.End,
		Currency: c.Currency, Seller: sellerParty(s.Seller), Buyer: buyerParty(&c),
		Lines: append([]LineItem(nil), in.Lines...), Discount: in.Discount, Totals: totals,
		PaymentTermsDays: termsDays, LatePaymentTerms: strings.TrimSpace(in.LatePaymentTerms),
		Payment: s.Payment.Normalized(),
	}
}

func sellerParty(s Seller) Party {
	p := Party{Name: strings.TrimSpace(s.Name), Address: s.PostalAddress.Normalized(), TaxID: strings.TrimSpace(s.TaxID), Email: strings.TrimSpace(s.Email), Phone: strings.TrimSpace(s.Phone)}
	if p.Address.IsZero() {
		p.AddressText = strings.TrimSpace(s.Address)
	}
	return p
}

func buyerParty(c *Customer) Party {
	return Party{
		Name: strings.TrimSpace(c.Name), Address: c.Address.Normalized(), TaxID: strings.TrimSpace(c.TaxID),
		Email: strings.TrimSpace(c.BillingEmail), BuyerReference: strings.TrimSpace(c.BuyerReference), PeppolID: strings.TrimSpace(c.PeppolID),
	}
}

// CheckIssueDate says whether issue may be an invoice's issue date for
// period on today (the tenant's date): never before the period's start,
// nor after today (SPEC §4). Problems are remit.Unprocessable naming
// issueDate.
func CheckIssueDate(issue Date, period Period, today Date) error {
	const op = "invoice.CheckIssueDate"
	msg := ""
	switch {
	case issue.IsZero():
		msg = "is required"
	case !period.Start.IsZero() && issue.Before(period.Start):
		msg = "must not be before the period's start " + period.Start.String() + "; an invoice cannot be issued for work not yet begun"
	case !today.IsZero() && today.Before(issue):
		msg = "must not be in the future: today is " + today.String()
	}
	if msg == "" {
		return nil
	}
	return remit.FieldErrors(remit.Unprocessable, op, "the issue date is not valid", map[string]string{"issueDate": msg})
}

// MarshalDocument is the stored form of d.
func MarshalDocument(d Document) ([]byte, error) { return json.Marshal(d) }

// UnmarshalDocument reads a stored document, refusing a version this
// code does not know.
func UnmarshalDocument(b []byte) (Document, error) {
	var d Document
	if err := json.Unmarshal(b, &d); err != nil {
		return Document{}, remit.Wrap(remit.Internal, "invoice.UnmarshalDocument", err)
	}
	if d.Version != DocumentVersion {
		return Document{}, remit.Errorf(remit.Internal, "invoice.UnmarshalDocument", "document version %d is not %d", d.Version, DocumentVersion)
	}
	return d, nil
}

func asRemit(err error, target **remit.Error) bool { return errors.As(err, target) }

package einvoice

import (
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	speedata "github.com/speedata/einvoice"

	"github.com/remitapp/remit/internal/invoice"
)

// Document type codes (UNTDID 1001, BT-3).
const (
	typeInvoice    = 380
	typeCreditNote = 381
)

// Payment means codes (UNTDID 4461, BT-81).
const (
	meansNotDefined     = 1  // free-text instructions only
	meansCreditTransfer = 30 // a bank account, not SEPA
	meansSEPATransfer   = 58 // an IBAN in euro
)

// exemptionCodes are the VATEX codes (BT-121) of the categories whose
// reason has one code; exempt supplies have many, so only their text goes.
var exemptionCodes = map[invoice.TaxCategory]string{
	invoice.TaxReverseCharge:  "VATEX-EU-AE",
	invoice.TaxIntraCommunity: "VATEX-EU-IC",
	invoice.TaxExport:         "VATEX-EU-G",
	invoice.TaxOutOfScope:     "VATEX-EU-O",
}

// model maps doc to the library's invoice model for format f (the table
// of BT fields is in docs/einvoice.md). Missing(doc, f) must be empty.
func model(doc *invoice.Document, f Format) *speedata.Invoice {
	cur := string(doc.Currency)
	cats := categories(doc)
	outOfScope := cats[invoice.TaxOutOfScope]
	inv := &speedata.Invoice{
		GuidelineSpecifiedDocumentContextParameter: f.spec(),
		InvoiceNumber:               doc.Number,
		InvoiceTypeCode:             typeInvoice,
		InvoiceDate:                 day(doc.IssueDate),
		InvoiceCurrencyCode:         cur,
		TaxTotalCurrency:            cur,
		BuyerReference:              doc.Buyer.BuyerReference,
		BillingSpecifiedPeriodStart: day(doc.PeriodStart),
		BillingSpecifiedPeriodEnd:   day(doc.PeriodEnd),
		Seller:                      party(&doc.Seller, f, true, outOfScope),
		Buyer:                       party(&doc.Buyer, f, false, outOfScope),
		LineTotal:                   doc.Totals.Subtotal,
		AllowanceTotal:              doc.Totals.Discount,
		TaxBasisTotal:               doc.Totals.TaxableBase,
		TaxTotal:                    doc.Totals.Tax,
		GrandTotal:                  doc.Totals.Total,
		DuePayableAmount:            doc.Totals.Total,
	}
	if f.ubl() {
		inv.SchemaType = speedata.UBL
		inv.BPSpecifiedDocumentContextParameter = processPeppol
	}
	if doc.Kind == invoice.KindCreditNote {
		inv.InvoiceTypeCode = typeCreditNote
		inv.InvoiceReferencedDocument = []speedata.ReferencedDocument{{ID: doc.InvoiceNumber, Date: day(doc.InvoiceIssueDate)}}
		if doc.Reason != "" {
			inv.Notes = []speedata.Note{{Text: "Reason: " + doc.Reason}}
		}
	} else {
		inv.PaymentReference = doc.Number
	}
	if s := &doc.Seller; s.Email != "" || f == XRechnung {
		inv.Seller.DefinedTradeContact = []speedata.DefinedTradeContact{{PersonName: s.Name, EMail: s.Email, PhoneNumber: s.Phone}}
	}
	if cats[invoice.TaxIntraCommunity] {
		// An intra-community supply names the country the goods go to
		// (BR-IC-12): the buyer's address.
		inv.ShipTo = &speedata.Party{Name: doc.Buyer.Name, PostalAddress: postal(doc.Buyer.Address)}
	}
	inv.PaymentMeans = paymentMeans(doc, f)
	if terms := paymentTerms(doc); terms.Description != "" || !terms.DueDate.IsZero() {
		inv.SpecifiedTradePaymentTerms = []speedata.SpecifiedTradePaymentTerms{terms}
	}
	rates := map[invoice.TaxCategory]decimal.Decimal{}
	for _, t := range doc.Totals.Taxes {
		if t.Category != invoice.TaxOutOfScope {
			rates[t.Category] = t.Rate
		}
	}
	for i := range doc.Lines {
		inv.InvoiceLines = append(inv.InvoiceLines, line(i, &doc.Lines[i], rates[doc.Lines[i].TaxCategory]))
	}
	for _, t := range doc.Totals.Taxes {
		rate := t.Rate
		if t.Category == invoice.TaxOutOfScope {
			rate = decimal.Zero
		}
		if t.Discount.IsPositive() {
			inv.SpecifiedTradeAllowanceCharge = append(inv.SpecifiedTradeAllowanceCharge, speedata.AllowanceCharge{
				ActualAmount: t.Discount, Reason: discountReason(doc), ReasonCode: "95",
				CategoryTradeTaxType: "VAT", CategoryTradeTaxCategoryCode: t.Code, CategoryTradeTaxRateApplicablePercent: rate,
			})
		}
		tt := speedata.TradeTax{
			BasisAmount: t.Base, CalculatedAmount: t.Amount, TypeCode: "VAT", CategoryCode: t.Code, Percent: rate,
		}
		if t.Category.NeedsReason() {
			tt.ExemptionReason = t.Reason
			tt.ExemptionReasonCode = exemptionCodes[t.Category]
		}
		inv.TradeTaxes = append(inv.TradeTaxes, tt)
	}
	return inv
}

// party maps a seller or buyer (BG-4, BG-7). A tax id that starts with
// a country prefix is the VAT id (BT-31, BT-48); another (a US EIN, a
// local tax number) is the seller's tax registration (BT-32) or the
// buyer's identifier (BT-46). On an invoice not subject to VAT no VAT id
// may appear (BR-O-2), so the id goes as those too. UBL states the legal
// name as PartyLegalEntity/RegistrationName (BT-27, BT-44). The
// electronic address (BT-34, BT-49) is the Peppol id where there is one,
// else the e-mail (scheme EM).
func party(p *invoice.Party, f Format, seller, outOfScope bool) speedata.Party {
	out := speedata.Party{Name: p.Name, PostalAddress: postal(p.Address)}
	if f.ubl() {
		out.SpecifiedLegalOrganization = &speedata.SpecifiedLegalOrganization{TradingBusinessName: p.Name}
	}
	switch id := p.TaxID; {
	case id == "":
	case vatShaped(id) && !outOfScope:
		out.VATaxRegistration = id
	case seller:
		out.FCTaxRegistration = id
		out.ID = []string{id}
	default:
		out.ID = []string{id}
	}
	if scheme, id, ok := strings.Cut(p.PeppolID, ":"); ok {
		out.URIUniversalCommunication, out.URIUniversalCommunicationScheme = id, scheme
	} else if p.Email != "" {
		out.URIUniversalCommunication, out.URIUniversalCommunicationScheme = p.Email, "EM"
	}
	return out
}

// postal maps an address (BG-5, BG-8, BG-15): the street's first line is
// BT-35, its second BT-36, any further lines BT-162.
func postal(a invoice.Address) *speedata.PostalAddress {
	var streets []string
	for _, l := range strings.Split(a.Street, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			streets = append(streets, l)
		}
	}
	out := &speedata.PostalAddress{City: a.City, PostcodeCode: a.Postcode, CountryID: a.Country}
	if len(streets) > 0 {
		out.Line1 = streets[0]
	}
	if len(streets) > 1 {
		out.Line2 = streets[1]
	}
	if len(streets) > 2 {
		out.Line3 = strings.Join(streets[2:], ", ")
	}
	return out
}

// paymentMeans maps the payment details (BG-16): an IBAN is a credit
// transfer (SEPA in euro) with the BIC and account name (BG-17), a
// domestic account number a credit transfer to that account (BT-84), and
// free-text instructions go as the payment means text (BT-82), alone
// under code 1 (not defined) when there is no account.
func paymentMeans(doc *invoice.Document, f Format) []speedata.PaymentMeans {
	p := doc.Payment
	if p.IsZero() {
		return nil
	}
	pm := speedata.PaymentMeans{TypeCode: meansNotDefined, Information: p.Instructions}
	switch {
	case p.IBAN != "":
		pm.TypeCode = meansCreditTransfer
		if doc.Currency == "EUR" {
			pm.TypeCode = meansSEPATransfer
		}
		pm.PayeePartyCreditorFinancialAccountIBAN = p.IBAN
		pm.PayeeSpecifiedCreditorFinancialInstitutionBIC = p.BIC
		pm.PayeePartyCreditorFinancialAccountName = p.AccountName
	case p.AccountNumber != "":
		pm.TypeCode = meansCreditTransfer
		pm.PayeePartyCreditorFinancialAccountName = p.AccountName
		if f.ubl() {
			// UBL has one account identifier (PayeeFinancialAccount/ID)
			// for an IBAN and any other account alike.
			pm.PayeePartyCreditorFinancialAccountIBAN = p.AccountNumber
		} else {
			pm.PayeePartyCreditorFinancialAccountProprietaryID = p.AccountNumber
		}
	}
	return []speedata.PaymentMeans{pm}
}

// paymentTerms are the due date (BT-9) and the terms as the invoice
// states them (BT-20): the days to pay and the late-payment terms in
// force, which EU and UK law require on the invoice.
func paymentTerms(doc *invoice.Document) speedata.SpecifiedTradePaymentTerms {
	var parts []string
	if doc.Kind == invoice.KindInvoice && doc.PaymentTermsDays > 0 {
		parts = append(parts, "Payment due within "+strconv.Itoa(doc.PaymentTermsDays)+" days.")
	}
	if t := strings.TrimSpace(doc.LatePaymentTerms); t != "" {
		parts = append(parts, t)
	}
	terms := speedata.SpecifiedTradePaymentTerms{Description: strings.Join(parts, " ")}
	if doc.Kind == invoice.KindInvoice {
		terms.DueDate = day(doc.DueDate)
	}
	return terms
}

// discountReason is the reason of the document-level allowance (BT-97).
func discountReason(doc *invoice.Document) string {
	if p := doc.Discount.Percent; p != nil {
		return "Discount " + p.String() + "%"
	}
	return "Discount"
}

// day is a calendar date as the library carries one.
func day(d invoice.Date) time.Time {
	if d.IsZero() {
		return time.Time{}
	}
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}

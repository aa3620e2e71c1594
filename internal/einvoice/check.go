package einvoice

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/invoice"
)

// Missing lists, by API name, what doc lacks for format f: the data an
// EN 16931 rule (and, for ubl, a Peppol BIS rule; for xrechnung, a BR-DE
// rule) requires that the document does not hold. Each value says why.
// The names are where a person supplies the data: the tenant settings
// (settings.seller.*, settings.payment) and the customer (customer.*).
// An empty map means the document can be written.
func Missing(doc *invoice.Document, f Format) map[string]string {
	m := map[string]string{}
	need := func(field, why string) {
		if _, ok := m[field]; !ok {
			m[field] = why
		}
	}
	s, b := &doc.Seller, &doc.Buyer
	if strings.TrimSpace(s.Name) == "" {
		need("settings.seller.name", "is required: the seller's name (BT-27, BR-6)")
	}
	if strings.TrimSpace(b.Name) == "" {
		need("customer.name", "is required: the buyer's name (BT-44, BR-7)")
	}
	addressNeeds("settings.seller.postalAddress", s.Address, f, need)
	addressNeeds("customer.address", b.Address, f, need)
	if strings.TrimSpace(s.TaxID) == "" {
		need("settings.seller.taxId", "is required: the seller's VAT or tax id (BT-31/BT-32, BR-CO-26)")
	}
	cats := categories(doc)
	for _, c := range []invoice.TaxCategory{invoice.TaxReverseCharge, invoice.TaxIntraCommunity, invoice.TaxExport} {
		if cats[c] && s.TaxID != "" && !vatShaped(s.TaxID) {
			need("settings.seller.taxId", fmt.Sprintf("must be a VAT id with its country prefix (such as DE123456789) on an invoice with %s lines", c))
		}
	}
	for _, c := range []invoice.TaxCategory{invoice.TaxReverseCharge, invoice.TaxIntraCommunity} {
		if cats[c] && !vatShaped(b.TaxID) {
			need("customer.taxId", fmt.Sprintf("must be the buyer's VAT id with its country prefix (such as FR40303265045) on an invoice with %s lines", c))
		}
	}
	for _, t := range doc.Totals.Taxes {
		if t.Category.NeedsReason() && strings.TrimSpace(t.Reason) == "" {
			need("customer.taxExemptionReason", fmt.Sprintf("is required: the reason no VAT is charged on %s lines (BT-120, BR-E-10, BR-AE-10, …)", t.Category))
		}
	}
	if cats[invoice.TaxOutOfScope] && len(cats) > 1 {
		need("lines", "lines not subject to VAT (out-of-scope) cannot share an e-invoice with lines of another tax category (BR-O-11)")
	}
	if !hundredths(doc) {
		need("currency", fmt.Sprintf("EN 16931 states amounts with at most 2 decimals (BR-DEC); this %s document has amounts finer than 0.01 and cannot be an e-invoice", doc.Currency))
	}
	if f.ubl() {
		if strings.TrimSpace(b.BuyerReference) == "" {
			why := "is required by Peppol BIS (PEPPOL-EN16931-R003): the buyer's reference or purchase order number (BT-10)"
			if f == XRechnung {
				why = "is required by XRechnung (BR-DE-15): the buyer's Leitweg-ID (BT-10)"
			}
			need("customer.buyerReference", why)
		}
		if strings.TrimSpace(b.PeppolID) == "" && strings.TrimSpace(b.Email) == "" {
			need("customer.peppolId", "is required: the buyer's electronic address (BT-49), its Peppol id or else a billing e-mail (PEPPOL-EN16931-R010)")
		}
		if strings.TrimSpace(s.Email) == "" {
			need("settings.seller.email", "is required: the seller's electronic address (BT-34, PEPPOL-EN16931-R020)")
		}
	}
	if f == XRechnung {
		if strings.TrimSpace(s.Phone) == "" {
			need("settings.seller.phone", "is required by XRechnung (BR-DE-6): the seller contact's telephone number (BT-42)")
		}
		if doc.Payment.IsZero() {
			need("settings.payment", "is required by XRechnung (BR-DE-1): how the buyer pays (BG-16)")
		}
	}
	return m
}

// addressNeeds adds what a party's address lacks: EN 16931 needs its
// country (BR-9, BR-11); XRechnung its city and postcode too (BR-DE-3,
// BR-DE-4, BR-DE-8, BR-DE-9).
func addressNeeds(prefix string, a invoice.Address, f Format, need func(field, why string)) {
	if a.IsZero() {
		need(prefix, "is required: street, city, postcode and country (BG-5, BG-8)")
		return
	}
	if !invoice.ValidCountry(a.Country) {
		need(prefix+".country", "is required: an ISO 3166-1 alpha-2 country code (BR-9, BR-11)")
	}
	if f == XRechnung {
		if strings.TrimSpace(a.City) == "" {
			need(prefix+".city", "is required by XRechnung (BR-DE-3, BR-DE-8)")
		}
		if strings.TrimSpace(a.Postcode) == "" {
			need(prefix+".postcode", "is required by XRechnung (BR-DE-4, BR-DE-9)")
		}
	}
}

// categories are the tax categories of doc's lines.
func categories(doc *invoice.Document) map[invoice.TaxCategory]bool {
	out := map[invoice.TaxCategory]bool{}
	for _, l := range doc.Lines {
		out[l.TaxCategory] = true
	}
	return out
}

// vatShaped reports whether id starts as a VAT id does, with a two-letter
// country prefix (BR-CO-9), such as DE123456789 or EL123456789.
func vatShaped(id string) bool {
	id = strings.TrimSpace(id)
	return len(id) >= 4 && id[0] >= 'A' && id[0] <= 'Z' && id[1] >= 'A' && id[1] <= 'Z'
}

// hundredths reports whether every amount of doc is a whole number of
// hundredths, as EN 16931 states amounts (BR-DEC-*): always true of
// currencies of 0 to 2 minor digits, and of a KWD or BHD document only
// when its amounts happen to end in 0 fils.
func hundredths(doc *invoice.Document) bool {
	amounts := []decimal.Decimal{doc.Totals.Subtotal, doc.Totals.Discount, doc.Totals.TaxableBase, doc.Totals.Tax, doc.Totals.Total}
	for _, l := range doc.Lines {
		amounts = append(amounts, l.Amount)
	}
	for _, t := range doc.Totals.Taxes {
		amounts = append(amounts, t.Base, t.Amount, t.Discount)
	}
	for _, a := range amounts {
		if !a.Equal(a.Round(2)) {
			return false
		}
	}
	return true
}

package invoice

import (
	"slices"
	"strings"

	"github.com/shopspring/decimal"
)

// TaxCategory is how VAT applies to a line (SPEC §4 "Lines"). The first
// four are what a customer record or a line names; the other three are
// the remaining EN 16931 categories (UNCL5305), for supplies that the
// e-invoice must tell apart.
type TaxCategory string

// The tax categories.
const (
	TaxStandard       TaxCategory = "standard"        // the customer's rate
	TaxZero           TaxCategory = "zero"            // zero-rated goods and services
	TaxExempt         TaxCategory = "exempt"          // exempt from VAT, with the reason
	TaxReverseCharge  TaxCategory = "reverse-charge"  // VAT due by the buyer, with the reason
	TaxIntraCommunity TaxCategory = "intra-community" // intra-EU supply of goods, VAT exempt
	TaxExport         TaxCategory = "export"          // export outside the EU, free of VAT
	TaxOutOfScope     TaxCategory = "out-of-scope"    // not subject to VAT (e.g. a US buyer of services)
)

// TaxCategories lists every category in the order totals show them.
var TaxCategories = []TaxCategory{TaxStandard, TaxZero, TaxExempt, TaxReverseCharge, TaxIntraCommunity, TaxExport, TaxOutOfScope}

// Valid reports whether c is one of TaxCategories.
func (c TaxCategory) Valid() bool { return slices.Contains(TaxCategories, c) }

// Code is the EN 16931 VAT category code (BT-118, BT-151): S, Z, E, AE,
// K, G or O.
func (c TaxCategory) Code() string {
	switch c {
	case TaxStandard:
		return "S"
	case TaxZero:
		return "Z"
	case TaxExempt:
		return "E"
	case TaxReverseCharge:
		return "AE"
	case TaxIntraCommunity:
		return "K"
	case TaxExport:
		return "G"
	case TaxOutOfScope:
		return "O"
	}
	return ""
}

// NeedsReason reports whether the invoice must state why no VAT is
// charged (EN 16931 BR-E-10, BR-AE-10, BR-IC-10, BR-G-10, BR-O-10).
func (c TaxCategory) NeedsReason() bool {
	return c != TaxStandard && c != TaxZero
}

// Rate is the VAT rate in percent for the category: the customer's
// standard rate for standard, zero for every other.
func (c TaxCategory) Rate(standard decimal.Decimal) decimal.Decimal {
	if c == TaxStandard {
		return standard
	}
	return decimal.Zero
}

// Label is how the category reads on an invoice.
func (c TaxCategory) Label() string {
	switch c {
	case TaxStandard:
		return "VAT"
	case TaxZero:
		return "Zero-rated"
	case TaxExempt:
		return "Exempt"
	case TaxReverseCharge:
		return "Reverse charge"
	case TaxIntraCommunity:
		return "Intra-community supply"
	case TaxExport:
		return "Export"
	case TaxOutOfScope:
		return "Not subject to VAT"
	}
	return string(c)
}

func taxCategoryNames() string {
	names := make([]string, len(TaxCategories))
	for i, c := range TaxCategories {
		names[i] = string(c)
	}
	return strings.Join(names, ", ")
}

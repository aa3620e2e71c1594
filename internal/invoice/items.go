package invoice

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/money"
	"github.com/remitapp/remit/internal/remit"
)

// LineKind is what a line bills (SPEC §4 "Lines").
type LineKind string

// The kinds of line.
const (
	LineTime    LineKind = "time"    // worklogs of one issue at one rate
	LineFixed   LineKind = "fixed"   // a retainer, a deliverable: quantity × unit price
	LineExpense LineKind = "expense" // an outlay passed on at cost, with its receipt
)

// Units of measure, as UN/ECE Recommendation 20 codes (EN 16931 BT-130).
const (
	UnitHour = "HUR"
	UnitOne  = "C62"
)

// LineItem is one line of an issued document, of any kind: its quantity
// times its unit price is its net amount, to the currency's minor unit
// (money.Round(Quantity × UnitPrice) == Amount), which CheckItem enforces.
type LineItem struct {
	Kind        LineKind        `json:"kind"`
	Description string          `json:"description"`
	Quantity    decimal.Decimal `json:"quantity"`
	Unit        string          `json:"unit"`
	UnitPrice   decimal.Decimal `json:"unitPrice"`
	Amount      decimal.Decimal `json:"amount"`
	TaxCategory TaxCategory     `json:"taxCategory"`
	// Time lines only: the issue and the worklogs billed, and their
	// seconds after rounding (Quantity is those seconds in hours).
	IssueKey   string  `json:"issueKey,omitempty"`
	IssueID    string  `json:"issueId,omitempty"`
	Seconds    int64   `json:"seconds,omitempty"`
	WorklogIDs []int64 `json:"worklogIds,omitempty"`
	// Expense lines only: the receipt's reference, optional.
	Receipt string `json:"receipt,omitempty"`
}

// TimeItem is a time line as the document prints it: the hours with as
// many decimals as it takes for hours × hourly rate to give the line's
// amount (money.TimeQuantity), so the line multiplies out exactly.
func TimeItem(l Line, c money.Currency, cat TaxCategory) LineItem {
	return LineItem{
		Kind: LineTime, Description: l.Description,
		Quantity: money.TimeQuantity(l.Seconds, l.Rate, c), Unit: UnitHour, UnitPrice: l.Rate,
		Amount: l.Amount, TaxCategory: cat,
		IssueKey: l.IssueKey, IssueID: l.IssueID, Seconds: l.Seconds, WorklogIDs: l.WorklogIDs,
	}
}

// TimeItems turns the lines BuildLines made into document lines of the
// customer's tax category.
func TimeItems(lines []Line, c *Customer) []LineItem {
	out := make([]LineItem, len(lines))
	for i, l := range lines {
		out[i] = TimeItem(l, c.Currency, c.DefaultTaxCategory())
	}
	return out
}

// LineItemInput is a fixed or expense line as someone writes it: numbers
// are text because only the currency says how many decimals they may have.
type LineItemInput struct {
	Kind        string `json:"kind"`
	Description string `json:"description"`
	Quantity    string `json:"quantity"`
	UnitPrice   string `json:"unitPrice"`
	Amount      string `json:"amount"`
	TaxCategory string `json:"taxCategory"`
	Receipt     string `json:"receipt"`
}

// Limits on the lines people write.
const (
	maxDescription = 1000
	maxReceipt     = 255
	maxLineItems   = 500
	priceDecimals  = 4
)

var (
	maxQuantity  = decimal.NewFromInt(1_000_000)
	maxUnitPrice = decimal.NewFromInt(1_000_000_000)
)

// CheckLineItems validates written lines for an invoice in cur whose
// customer's category is def, and returns them priced. Fixed lines need a
// description, a positive quantity and a non-negative unit price (at most
// four decimals each); their amount is quantity × unit price rounded
// half-up once, and an amount sent along must be that. Expense lines need
// a description and a positive amount exact in the currency; they are one
// unit at that price. Time lines come from worklogs and cannot be written.
// Problems are remit.Unprocessable naming the field ("lines[2].quantity").
func CheckLineItems(in []LineItemInput, cur money.Currency, def TaxCategory) ([]LineItem, error) {
	f := map[string]string{}
	if len(in) > maxLineItems {
		f["lines"] = fmt.Sprintf("at most %d lines", maxLineItems)
	}
	out := make([]LineItem, 0, len(in))
	for i, l := range in {
		field := func(name string) string { return fmt.Sprintf("lines[%d].%s", i, name) }
		item := LineItem{Kind: LineKind(l.Kind), Description: strings.TrimSpace(l.Description), Receipt: strings.TrimSpace(l.Receipt), TaxCategory: def}
		if l.TaxCategory != "" {
			item.TaxCategory = TaxCategory(l.TaxCategory)
			if !item.TaxCategory.Valid() {
				f[field("taxCategory")] = "must be one of " + taxCategoryNames()
			}
		}
		if item.Description == "" || len(item.Description) > maxDescription {
			f[field("description")] = fmt.Sprintf("is required (at most %d characters)", maxDescription)
		}
		switch item.Kind {
		case LineFixed:
			item.Unit = UnitOne
			q, err := money.ParseRate(l.Quantity, priceDecimals)
			switch {
			case l.Quantity == "":
				f[field("quantity")] = "is required"
			case err != nil || !q.IsPositive() || q.GreaterThan(maxQuantity):
				f[field("quantity")] = "must be more than 0 and at most 1000000, with at most 4 decimals"
			}
			p, err := money.ParseRate(l.UnitPrice, priceDecimals)
			switch {
			case l.UnitPrice == "":
				f[field("unitPrice")] = "is required"
			case err != nil || p.GreaterThan(maxUnitPrice):
				f[field("unitPrice")] = "must be from 0 to 1000000000 with at most 4 decimals"
			}
			item.Quantity, item.UnitPrice = q, p
			item.Amount = money.LineAmount(q, p, cur)
			if l.Amount != "" && f[field("quantity")] == "" && f[field("unitPrice")] == "" {
				if a, err := money.Parse(l.Amount, cur); err != nil || !a.Equal(item.Amount) {
					f[field("amount")] = "must be quantity × unit price, " + money.Format(item.Amount, cur) + ", or left out"
				}
			}
			if l.Receipt != "" {
				f[field("receipt")] = "belongs to expense lines only"
			}
		case LineExpense:
			a, err := money.Parse(l.Amount, cur)
			switch {
			case l.Amount == "":
				f[field("amount")] = "is required"
			case err != nil:
				f[field("amount")] = "must be a plain decimal with at most " + exponentText(cur) + " for " + string(cur)
			case !a.IsPositive() || a.GreaterThan(maxUnitPrice):
				f[field("amount")] = "must be more than zero and at most 1000000000"
			}
			if l.Quantity != "" || l.UnitPrice != "" {
				f[field("quantity")] = "an expense line has an amount only"
			}
			if len(item.Receipt) > maxReceipt {
				f[field("receipt")] = fmt.Sprintf("must be at most %d characters", maxReceipt)
			}
			item.Quantity, item.Unit, item.UnitPrice, item.Amount = decimal.NewFromInt(1), UnitOne, a, a
		case LineTime:
			f[field("kind")] = "time lines come from worklogs; keep or drop them, but they cannot be written"
		default:
			f[field("kind")] = "must be fixed or expense"
		}
		out = append(out, item)
	}
	if len(f) > 0 {
		return nil, remit.FieldErrors(remit.Unprocessable, "invoice.CheckLineItems", "the lines are not valid", f)
	}
	return out, nil
}

// problem says what breaks a line's invariants in cur, or "".
func (l LineItem) problem(cur money.Currency) string {
	switch {
	case l.Kind != LineTime && l.Kind != LineFixed && l.Kind != LineExpense:
		return "has no known kind"
	case !l.TaxCategory.Valid():
		return "has no known tax category"
	case l.Quantity.IsNegative() || l.UnitPrice.IsNegative() || l.Amount.IsNegative():
		return "has a negative quantity, price or amount"
	case !l.Amount.Equal(money.Round(l.Amount, cur)):
		return "has an amount finer than " + string(cur) + "'s minor unit"
	case !money.LineAmount(l.Quantity, l.UnitPrice, cur).Equal(l.Amount):
		return fmt.Sprintf("does not multiply out: %s × %s is not %s", l.Quantity, l.UnitPrice, money.Format(l.Amount, cur))
	}
	return ""
}

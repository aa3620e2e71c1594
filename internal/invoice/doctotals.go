package invoice

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/money"
	"github.com/remitapp/remit/internal/remit"
)

// Discount is an invoice-level discount: a percentage of the lines or an
// amount, never both. It lowers the taxable base before tax (EN 16931
// document-level allowance, BG-20). The zero Discount is none.
type Discount struct {
	Percent *decimal.Decimal `json:"percent,omitempty"`
	Amount  *decimal.Decimal `json:"amount,omitempty"`
}

// IsZero reports whether there is no discount.
func (d Discount) IsZero() bool { return d.Percent == nil && d.Amount == nil }

// DiscountInput is a discount as written ({"percent": "10"} or
// {"amount": "50.00"}).
type DiscountInput struct {
	Percent string `json:"percent"`
	Amount  string `json:"amount"`
}

// CheckDiscount validates a written discount for an invoice in cur: a
// percent from 0 to 100 with at most 4 decimals, or an amount exact in the
// currency. Whether an amount fits the lines is DocumentTotalsOf's to say.
func CheckDiscount(in DiscountInput, cur money.Currency) (Discount, error) {
	const op = "invoice.CheckDiscount"
	f := map[string]string{}
	var d Discount
	switch {
	case in.Percent != "" && in.Amount != "":
		f["discount"] = "give a percent or an amount, not both"
	case in.Percent != "":
		p, err := money.ParseRate(in.Percent, 4)
		if err != nil || p.GreaterThan(decimal.NewFromInt(100)) {
			f["discount.percent"] = "must be from 0 to 100 with at most 4 decimals"
		}
		d.Percent = &p
	case in.Amount != "":
		a, err := money.Parse(in.Amount, cur)
		if err != nil || a.IsNegative() {
			f["discount.amount"] = "must be a non-negative plain decimal with at most " + exponentText(cur) + " for " + string(cur)
		}
		d.Amount = &a
	}
	if len(f) > 0 {
		return Discount{}, remit.FieldErrors(remit.Unprocessable, op, "the discount is not valid", f)
	}
	return d, nil
}

// TaxTerms are what decides the tax of each line: the customer's standard
// rate in percent, and the reason printed for each category that charges
// no VAT (from the customer record).
type TaxTerms struct {
	StandardRate decimal.Decimal
	Reasons      map[TaxCategory]string
}

// TaxTermsOf are a customer's tax terms.
func TaxTermsOf(c *Customer) TaxTerms {
	t := TaxTerms{StandardRate: c.TaxRatePercent, Reasons: map[TaxCategory]string{}}
	if cat := c.DefaultTaxCategory(); cat.NeedsReason() && c.TaxExemptionReason != "" {
		t.Reasons[cat] = c.TaxExemptionReason
	}
	return t
}

// TaxSubtotal is the VAT breakdown of one tax category (EN 16931 BG-23):
// the lines' total, the share of the discount it bears, the taxable base
// left, the rate, and the tax on that base rounded half-up once.
type TaxSubtotal struct {
	Category  TaxCategory     `json:"category"`
	Code      string          `json:"code"`
	Rate      decimal.Decimal `json:"rate"`
	LineTotal decimal.Decimal `json:"lineTotal"`
	Discount  decimal.Decimal `json:"discount"`
	Base      decimal.Decimal `json:"base"`
	Amount    decimal.Decimal `json:"amount"`
	Reason    string          `json:"reason,omitempty"`
}

// DocumentTotals are the figures of a document, each in the currency's
// minor unit: Subtotal (the sum of the lines), Discount, TaxableBase
// (Subtotal − Discount, the sum of the categories' bases), Tax (the sum of
// the categories' tax) and Total (TaxableBase + Tax).
type DocumentTotals struct {
	Subtotal    decimal.Decimal `json:"subtotal"`
	Discount    decimal.Decimal `json:"discount"`
	TaxableBase decimal.Decimal `json:"taxableBase"`
	Tax         decimal.Decimal `json:"tax"`
	Total       decimal.Decimal `json:"total"`
	Taxes       []TaxSubtotal   `json:"taxes"` // in TaxCategories order, only categories with lines
}

// DocumentTotalsOf computes the totals of items under terms with discount
// d: lines are summed per tax category; the discount (a percent of the
// subtotal rounded half-up once, or an amount no greater than the
// subtotal) is shared among the categories in proportion to their totals
// (money.Allocate), so the breakdown adds up exactly; each category's tax
// is its base × rate rounded half-up once. A line that does not multiply
// out, an unknown category, or a category that charges no VAT without a
// reason to print is refused, naming the line.
func DocumentTotalsOf(items []LineItem, d Discount, terms TaxTerms, cur money.Currency) (DocumentTotals, error) {
	const op = "invoice.DocumentTotalsOf"
	f := map[string]string{}
	sums := map[TaxCategory]decimal.Decimal{}
	sub := decimal.Zero
	for i, l := range items {
		if p := l.problem(cur); p != "" {
			f[fmt.Sprintf("lines[%d]", i)] = p
			continue
		}
		if l.TaxCategory.NeedsReason() && terms.Reasons[l.TaxCategory] == "" {
			f[fmt.Sprintf("lines[%d].taxCategory", i)] = fmt.Sprintf("%s needs the reason no VAT is charged: set the customer's tax category to %s with its taxExemptionReason", l.TaxCategory, l.TaxCategory)
			continue
		}
		sums[l.TaxCategory] = sums[l.TaxCategory].Add(l.Amount)
		sub = sub.Add(l.Amount)
	}
	discount := decimal.Zero
	switch {
	case d.Percent != nil:
		discount = money.Percent(sub, *d.Percent, cur)
	case d.Amount != nil:
		discount = *d.Amount
		if discount.GreaterThan(sub) {
			f["discount.amount"] = "must not exceed the lines' total of " + money.Format(sub, cur) + " " + string(cur)
		}
	}
	if len(f) > 0 {
		return DocumentTotals{}, remit.FieldErrors(remit.Unprocessable, op, "the invoice's lines cannot be totalled", f)
	}
	t := DocumentTotals{Subtotal: sub, Discount: discount, TaxableBase: sub.Sub(discount), Tax: decimal.Zero, Taxes: []TaxSubtotal{}}
	var cats []TaxCategory
	var weights []decimal.Decimal
	for _, c := range TaxCategories {
		if s, ok := sums[c]; ok {
			cats = append(cats, c)
			weights = append(weights, s)
		}
	}
	shares, ok := money.Allocate(discount, weights, cur)
	if !ok {
		return DocumentTotals{}, remit.FieldErrors(remit.Unprocessable, op, "the invoice's lines cannot be totalled",
			map[string]string{"discount": "a discount needs lines with an amount to reduce"})
	}
	for i, c := range cats {
		rate := c.Rate(terms.StandardRate)
		base := weights[i].Sub(shares[i])
		tax := money.Percent(base, rate, cur)
		t.Taxes = append(t.Taxes, TaxSubtotal{
			Category: c, Code: c.Code(), Rate: rate, LineTotal: weights[i], Discount: shares[i],
			Base: base, Amount: tax, Reason: terms.Reasons[c],
		})
		t.Tax = t.Tax.Add(tax)
	}
	t.Total = t.TaxableBase.Add(t.Tax)
	return t, nil
}

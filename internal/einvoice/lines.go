package einvoice

import (
	"strconv"

	"github.com/shopspring/decimal"
	speedata "github.com/speedata/einvoice"

	"github.com/remitapp/remit/internal/invoice"
)

// unitSecond is UN/ECE Recommendation 20's second, the unit a time line
// falls back to when its hours do not fit the syntax.
const unitSecond = "SEC"

// qtyDecimals is how many decimals of a quantity the library writes.
const qtyDecimals = 4

// line maps one document line (BG-25). Its quantity, unit, price and
// price base quantity (BT-129, BT-130, BT-146, BT-149) must multiply out
// to its net amount (BT-131) as the rules compute it, rounded to 2
// decimals (PEPPOL-EN16931-R120), with the quantity written to 4
// decimals. Remit's own figure is exact in the currency (money.LineAmount,
// money.TimeQuantity) and may need more decimals of hours, or a rounding
// to whole yen, so the first statement that multiplies out is taken:
// the line as printed; for time lines, the seconds at the hourly rate per
// 3600 seconds; and failing both, the price of the whole quantity (the
// net amount per the quantity as base), which always multiplies out.
func line(i int, l *invoice.LineItem, rate decimal.Decimal) speedata.InvoiceLine {
	out := speedata.InvoiceLine{
		LineID: strconv.Itoa(i + 1), ItemName: l.Description, Total: l.Amount,
		TaxTypeCode: "VAT", TaxCategoryCode: l.TaxCategory.Code(), TaxRateApplicablePercent: rate,
	}
	if l.Receipt != "" {
		out.Note = "Receipt: " + l.Receipt
	}
	qty, unit, price, base := statement(l)
	out.BilledQuantity, out.BilledQuantityUnit, out.NetPrice = qty, unit, price
	if !base.IsZero() {
		out.BasisQuantity, out.BasisQuantityUnit = base, unit
	}
	return out
}

// statement is how line l states quantity × price / base = amount.
func statement(l *invoice.LineItem) (qty decimal.Decimal, unit string, price, base decimal.Decimal) {
	unit = l.Unit
	if unit == "" {
		unit = invoice.UnitOne
	}
	fits := l.Quantity.Equal(l.Quantity.Round(qtyDecimals))
	if fits && multipliesOut(l.Quantity, l.UnitPrice, decimal.Zero, l.Amount) {
		return l.Quantity, unit, l.UnitPrice, decimal.Zero
	}
	if l.Kind == invoice.LineTime && l.Seconds > 0 {
		secs := decimal.NewFromInt(l.Seconds)
		hour := decimal.NewFromInt(3600)
		if multipliesOut(secs, l.UnitPrice, hour, l.Amount) {
			return secs, unitSecond, l.UnitPrice, hour
		}
		if !fits {
			return secs, unitSecond, l.Amount, secs
		}
	}
	if !fits || l.Quantity.IsZero() {
		return decimal.NewFromInt(1), invoice.UnitOne, l.Amount, decimal.Zero
	}
	return l.Quantity, unit, l.Amount, l.Quantity
}

// multipliesOut reports whether qty × price / base, rounded half-up to 2
// decimals as the rules round it, is amount (base zero means 1).
func multipliesOut(qty, price, base, amount decimal.Decimal) bool {
	v := qty.Mul(price)
	if !base.IsZero() {
		v = v.Div(base)
	}
	return v.Round(2).Equal(amount)
}

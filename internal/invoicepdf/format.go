package invoicepdf

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/money"
)

// amount prints money the way the API does (money.Format) followed by the
// currency code, so a reader never guesses the unit: "1234.50 USD", "1235 JPY".
func amount(d decimal.Decimal, c money.Currency) string {
	return money.Format(d, c) + " " + string(c)
}

// hours prints hours with two decimals, as invoices show them.
func hours(d decimal.Decimal) string { return d.StringFixed(2) }

// percent prints a tax rate without trailing zeros: "8.875", "20", "0".
func percent(d decimal.Decimal) string { return d.String() }

// date prints a calendar date as ISO 8601, which reads the same in every
// locale; a missing date prints as a dash.
func date(d invoice.Date) string {
	if d.IsZero() {
		return "—"
	}
	return d.String()
}

// period prints an inclusive period, or a dash when it is not set.
func period(p invoice.Period) string {
	if p.Start.IsZero() && p.End.IsZero() {
		return "—"
	}
	return date(p.Start) + " – " + date(p.End)
}

// terms prints the payment terms the way commercial invoices state them.
func terms(days int) string {
	switch {
	case days <= 0:
		return "Due on receipt"
	case days == 1:
		return "Net 1 day"
	default:
		return fmt.Sprintf("Net %d days", days)
	}
}

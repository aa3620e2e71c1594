package money

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
)

// Round rounds d half-up (half away from zero) to the currency's minor unit.
func Round(d decimal.Decimal, c Currency) decimal.Decimal { return d.Round(c.Exponent()) }

// Format writes d with exactly the currency's number of decimals, the way
// the API and PDFs show money ("1234.50", "1235" for JPY).
func Format(d decimal.Decimal, c Currency) string { return d.StringFixed(c.Exponent()) }

// FormatRate writes an hourly rate with at least the currency's decimals,
// and more when the rate is finer than the minor unit (rates may carry
// four): 95 USD → "95.00", 95.125 USD → "95.125", 12000 JPY → "12000".
func FormatRate(d decimal.Decimal, c Currency) string {
	places := c.Exponent()
	for places < 4 && !d.Equal(d.Round(places)) {
		places++
	}
	return d.StringFixed(places)
}

// Parse reads a decimal string that must already be exact in the
// currency's minor unit: "12.345" is refused for USD rather than rounded,
// so a caller never pays or bills an amount other than the one it sent.
// Exponent notation, signs other than a leading minus, and spaces are refused.
func Parse(s string, c Currency) (decimal.Decimal, error) {
	if s == "" {
		return decimal.Decimal{}, fmt.Errorf("amount is empty")
	}
	if strings.ContainsAny(s, "eE+ _,") {
		return decimal.Decimal{}, fmt.Errorf("amount %q must be a plain decimal like 1234.50", s)
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("amount %q is not a decimal number", s)
	}
	if !d.Equal(d.Round(c.Exponent())) {
		return decimal.Decimal{}, fmt.Errorf("amount %q has more than %d decimals for %s", s, c.Exponent(), c)
	}
	return d, nil
}

// ParseRate reads a non-negative decimal with at most places decimals (for
// hourly rates and percentages, which may be finer than the minor unit).
func ParseRate(s string, places int32) (decimal.Decimal, error) {
	if s == "" || strings.ContainsAny(s, "eE+ _,-") {
		return decimal.Decimal{}, fmt.Errorf("%q must be a non-negative plain decimal", s)
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("%q is not a decimal number", s)
	}
	if !d.Equal(d.Round(places)) {
		return decimal.Decimal{}, fmt.Errorf("%q has more than %d decimals", s, places)
	}
	return d, nil
}

var secondsPerHour = decimal.NewFromInt(3600)

// TimeAmount is seconds × hourly rate / 3600, rounded half-up once to the
// currency's minor unit, computed exactly (no intermediate rounding).
func TimeAmount(seconds int64, hourlyRate decimal.Decimal, c Currency) decimal.Decimal {
	return decimal.NewFromInt(seconds).Mul(hourlyRate).DivRound(secondsPerHour, c.Exponent())
}

// Percent is base × percent / 100, rounded half-up once to the minor unit.
func Percent(base, percent decimal.Decimal, c Currency) decimal.Decimal {
	return base.Mul(percent).DivRound(decimal.NewFromInt(100), c.Exponent())
}

// Hours is seconds / 3600 to two decimals, half-up, as invoices show it.
func Hours(seconds int64) decimal.Decimal {
	return decimal.NewFromInt(seconds).DivRound(secondsPerHour, 2)
}

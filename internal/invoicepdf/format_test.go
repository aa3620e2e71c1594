package invoicepdf

import (
	"testing"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/money"
)

// The rates beside these amounts are money.FormatRate's (tested there).
func TestAmount(t *testing.T) {
	cases := []struct {
		value string
		cur   money.Currency
		amt   string
	}{
		{"95", "USD", "95.00 USD"},
		{"95.125", "USD", "95.13 USD"},
		{"95.1250", "USD", "95.13 USD"},
		{"0.0001", "EUR", "0.00 EUR"},
		{"12000", "JPY", "12000 JPY"},
		{"12000.5", "JPY", "12001 JPY"},
		{"45.125", "KWD", "45.125 KWD"},
		{"-3.5", "KWD", "-3.500 KWD"},
		{"1.23456", "USD", "1.23 USD"},
	}
	for _, c := range cases {
		if got := amount(dec(c.value), c.cur); got != c.amt {
			t.Errorf("amount(%s, %s) = %q, want %q", c.value, c.cur, got, c.amt)
		}
	}
}

func TestDatesTermsAndPercent(t *testing.T) {
	d := invoice.Date{Year: 2026, Month: 3, Day: 9}
	cases := []struct{ got, want string }{
		{date(d), "2026-03-09"},
		{date(invoice.Date{}), "—"},
		{period(invoice.Period{Start: d, End: d.AddDays(30)}), "2026-03-09 – 2026-04-08"},
		{period(invoice.Period{}), "—"},
		{terms(0), "Due on receipt"},
		{terms(-4), "Due on receipt"},
		{terms(1), "Net 1 day"},
		{terms(45), "Net 45 days"},
		{percent(dec("8.875")), "8.875"},
		{percent(dec("20.000")), "20"},
		{percent(dec("0")), "0"},
		{hours(dec("1.5")), "1.50"},
	}
	for i, c := range cases {
		if c.got != c.want {
			t.Errorf("case %d: got %q, want %q", i, c.got, c.want)
		}
	}
}

package money

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
)

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func TestExponents(t *testing.T) {
	for code, want := range map[string]int32{"JPY": 0, "KRW": 0, "EUR": 2, "usd": 2, "KWD": 3, "BHD": 3, "CLF": 4} {
		c, err := ParseCurrency(code)
		if err != nil || c.Exponent() != want {
			t.Errorf("%s: exponent %v err %v, want %d", code, c, err, want)
		}
	}
	for _, bad := range []string{"", "EU", "XXX", "ABC", "EURO"} {
		if _, err := ParseCurrency(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestTimeAmount(t *testing.T) {
	cases := []struct {
		seconds int64
		rate    string
		cur     Currency
		want    string
	}{
		{3600, "95.00", "USD", "95.00"},
		{5400, "95", "USD", "142.50"},
		{1, "95", "USD", "0.03"},       // 0.026388… → 0.03
		{60, "0.30", "USD", "0.01"},    // 0.005 exactly → half-up 0.01
		{60, "0.29", "USD", "0.00"},    // 0.004833…
		{1800, "10001", "JPY", "5001"}, // 5000.5 → 5001
		{1800, "10000.5", "JPY", "5000"},
		{3599, "1.234", "KWD", "1.234"}, // 1.23365… → 1.234
		{7, "0.0001", "CLF", "0.0000"},
		{123456789, "140.00", "EUR", "4801097.35"},
	}
	for _, c := range cases {
		got := TimeAmount(c.seconds, d(c.rate), c.cur)
		if Format(got, c.cur) != c.want {
			t.Errorf("TimeAmount(%d, %s, %s) = %s, want %s", c.seconds, c.rate, c.cur, Format(got, c.cur), c.want)
		}
	}
}

func TestPercentAndHours(t *testing.T) {
	if got := Format(Percent(d("1000.00"), d("8.875"), "USD"), "USD"); got != "88.75" {
		t.Errorf("tax = %s", got)
	}
	if got := Format(Percent(d("0.10"), d("5"), "USD"), "USD"); got != "0.01" { // 0.005 → 0.01
		t.Errorf("tax half-up = %s", got)
	}
	if got := Hours(5430).String(); got != "1.51" { // 1.50833…
		t.Errorf("hours = %s", got)
	}
}

func TestParse(t *testing.T) {
	good := map[string]string{"100.00": "100", "0.5": "0.5", "-3.10": "-3.1", "12": "12"}
	for in, want := range good {
		got, err := Parse(in, "USD")
		if err != nil || !got.Equal(d(want)) {
			t.Errorf("Parse(%q) = %v, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "12.345", "1e3", "+5", "1,000.00", " 5", "abc", "0x10", "NaN"} {
		if _, err := Parse(bad, "USD"); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
	if _, err := Parse("100.5", "JPY"); err == nil {
		t.Error("JPY with decimals accepted")
	}
	if _, err := ParseRate("95.125", 4); err != nil {
		t.Error(err)
	}
	if _, err := ParseRate("-1", 4); err == nil {
		t.Error("negative rate accepted")
	}
}

// TestTimeAmountMatchesIntegerArithmetic checks the decimal path against an
// independent computation in integers: amount in minor units =
// floor((seconds × rate_in_1e-4 × 10^exp + 3600×10^4/2) / (3600 × 10^4)).
func TestTimeAmountMatchesIntegerArithmetic(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	curs := []Currency{"USD", "JPY", "KWD", "EUR", "CLF"}
	for range 20000 {
		cur := curs[r.IntN(len(curs))]
		seconds := r.Int64N(400 * 3600)
		rate4 := r.Int64N(5_000_0000) // rate with 4 decimals, up to 5000
		rate := decimal.New(rate4, -4)
		got := TimeAmount(seconds, rate, cur)

		exp := big.NewInt(1)
		exp.Exp(big.NewInt(10), big.NewInt(int64(cur.Exponent())), nil)
		num := new(big.Int).Mul(big.NewInt(seconds), big.NewInt(rate4))
		num.Mul(num, exp)
		den := big.NewInt(3600 * 10000)
		num.Add(num, new(big.Int).Div(den, big.NewInt(2)))
		minor := new(big.Int).Div(num, den)
		want := decimal.NewFromBigInt(minor, -cur.Exponent())
		if !got.Equal(want) {
			t.Fatalf("%d s × %s %s: got %s, want %s", seconds, rate, cur, got, want)
		}
	}
}

func TestFormatRate(t *testing.T) {
	for _, c := range []struct {
		rate string
		cur  Currency
		want string
	}{
		{"95", "USD", "95.00"}, {"95.125", "USD", "95.125"}, {"95.1250", "USD", "95.125"}, {"95.1234", "USD", "95.1234"},
		{"0.0001", "EUR", "0.0001"}, {"0", "EUR", "0.00"}, {"12000", "JPY", "12000"}, {"12000.5", "JPY", "12000.5"},
		{"45.125", "KWD", "45.125"}, {"-3.5", "KWD", "-3.500"}, {"1.5", "KWD", "1.500"}, {"1.23456", "USD", "1.2346"},
	} {
		if got := FormatRate(d(c.rate), c.cur); got != c.want {
			t.Errorf("FormatRate(%s, %s) = %s, want %s", c.rate, c.cur, got, c.want)
		}
	}
}

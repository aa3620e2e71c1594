package stripepay

import (
	"testing"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/money"
)

// TestStripeAmounts holds the conversion to Stripe's units to Stripe's
// currency rules, both ways.
func TestStripeAmounts(t *testing.T) {
	for _, tc := range []struct {
		amount string
		cur    money.Currency
		minor  int64 // 0: refused
	}{
		{"350.00", "EUR", 35000},
		{"0.01", "USD", 1},
		{"3500", "JPY", 3500},
		{"12", "KRW", 12},
		{"43.190", "KWD", 43190},
		{"43.195", "KWD", 0}, // three-decimal: the last digit must be 0
		{"1.250", "BHD", 1250},
		{"150", "ISK", 15000}, // two-decimal in the API, whole krónur only
		{"10.00", "MGA", 10},  // ISO has cents, Stripe does not
		{"10.50", "MGA", 0},   // nor can it charge them
		{"1.2345", "CLF", 0},  // finer than Stripe's hundredths
		{"0.00", "EUR", 0},    // nothing to charge
		{"-5.00", "EUR", 0},   // nor less
		{"1.000", "TND", 1000},
	} {
		got, err := toStripeAmount(decimal.RequireFromString(tc.amount), tc.cur)
		if tc.minor == 0 {
			if err == nil {
				t.Errorf("%s %s: %d, want refused", tc.amount, tc.cur, got)
			}
			continue
		}
		if err != nil || got != tc.minor {
			t.Errorf("%s %s: %d, %v; want %d", tc.amount, tc.cur, got, err, tc.minor)
			continue
		}
		back, cur, err := fromStripeAmount(got, string(tc.cur))
		if err != nil || cur != tc.cur || !back.Equal(decimal.RequireFromString(tc.amount)) {
			t.Errorf("%d %s back: %s %s, %v", got, tc.cur, back, cur, err)
		}
	}
	if _, _, err := fromStripeAmount(100, "xxx"); err == nil {
		t.Error("an unknown currency was taken")
	}
	if _, cur, err := fromStripeAmount(100, "eur"); err != nil || cur != "EUR" {
		t.Errorf("Stripe's lower case: %s, %v", cur, err)
	}
}

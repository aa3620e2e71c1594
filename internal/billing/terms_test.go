package billing_test

import (
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/billing"
	"github.com/remitapp/remit/internal/followup"
	"github.com/remitapp/remit/internal/golden"
	"github.com/remitapp/remit/internal/money"
)

// TestLatePaymentTermsText keeps the late-payment terms an invoice prints
// for every preset and currency in a golden file, for review against the
// law (see LatePaymentTerms), and requires the statutory fixed sums only
// where the engine charges them.
func TestLatePaymentTermsText(t *testing.T) {
	t.Parallel()
	policies := []followup.LateFeePolicy{
		{Preset: followup.PresetNone},
		{Preset: followup.PresetUS},
		{Preset: followup.PresetEU},
		{Preset: followup.PresetUK},
		{Preset: followup.PresetCustom, InterestPercentPerYear: decimal.RequireFromString("12.5"), FixedFee: decimal.RequireFromString("25")},
		{Preset: followup.PresetCustom, FixedFee: decimal.RequireFromString("25")},
		{Preset: followup.PresetCustom},
	}
	var b strings.Builder
	for _, p := range policies {
		for _, cur := range []money.Currency{"EUR", "GBP", "USD"} {
			s := billing.LatePaymentTerms(p, cur)
			b.WriteString(p.Preset + " " + string(cur) + ":\n" + s + "\n\n")
			switch {
			case p.Preset == followup.PresetEU && strings.Contains(s, "EUR 40") != (cur == "EUR"):
				t.Errorf("eu-directive in %s: %q", cur, s)
			case p.Preset == followup.PresetUK && strings.Contains(s, "GBP 70") != (cur == "GBP"):
				t.Errorf("uk-late-payment in %s: %q", cur, s)
			case p.Preset != followup.PresetNone && p.Preset != followup.PresetCustom && !strings.Contains(s, "day after the due date"):
				t.Errorf("%s does not say when interest starts: %q", p.Preset, s)
			}
		}
	}
	golden.Check(t, "late-payment-terms.txt", []byte(b.String()))
}

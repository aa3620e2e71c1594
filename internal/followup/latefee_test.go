package followup

import (
	"slices"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/money"
)

// TestLateFee checks each preset against values computed by hand:
// balance × annual % × days / 36500, plus the fixed sum, rounded half-up
// once to the minor unit. Days run from the day after the due date
// through asOf.
func TestLateFee(t *testing.T) {
	eu := LateFeePolicy{Preset: PresetEU, ReferenceRatePercent: dec("4.15")} // 12.15 % a year
	uk := LateFeePolicy{Preset: PresetUK, BaseRatePercent: dec("4.00")}      // 12 % a year
	us := LateFeePolicy{Preset: PresetUS}                                    // 18 % a year
	whole := func(cur money.Currency, total, balance string) Facts {
		return Facts{Currency: cur, DueDate: date("2026-03-31"), Total: dec(total), Balance: dec(balance), LateFees: decimal.Zero}
	}
	plan := func(cur money.Currency, a, b string) Facts {
		f := whole(cur, "1000.00", "1000.00")
		f.Installments = []Installment{{ID: 1, DueDate: date("2026-03-31"), Balance: dec(a)}, {ID: 2, DueDate: date("2026-04-30"), Balance: dec(b)}}
		return f
	}
	cases := []struct {
		name   string
		facts  Facts
		policy LateFeePolicy
		asOf   string
		want   string
	}{
		{"none", whole("USD", "1000.00", "1000.00"), LateFeePolicy{Preset: PresetNone}, "2026-06-30", "0"},
		{"us on the due date", whole("USD", "1000.00", "1000.00"), us, "2026-03-31", "0"},
		{"us before the due date", whole("USD", "1000.00", "1000.00"), us, "2026-03-01", "0"},
		{"us 1 day: 1000×18×1/36500 = 0.49315", whole("USD", "1000.00", "1000.00"), us, "2026-04-01", "0.49"},
		{"us 30 days: 14.794520", whole("USD", "1000.00", "1000.00"), us, "2026-04-30", "14.79"},
		{"us 60 days: 29.589041", whole("USD", "1000.00", "1000.00"), us, "2026-05-30", "29.59"},
		{"us JPY 30 days: 1479.45", whole("JPY", "100000", "100000"), us, "2026-04-30", "1479"},
		{"us KWD 30 days: 14.7945205", whole("KWD", "1000.000", "1000.000"), us, "2026-04-30", "14.795"},
		{"us interest on principal only", whole("USD", "1000.00", "1018.49").withFees("18.49"), us, "2026-04-30", "14.79"},
		{"us after a partial payment", whole("USD", "1000.00", "400.00"), us, "2026-04-30", "5.92"}, // 400×18×30/36500 = 5.917808
		{"us paid up", whole("USD", "1000.00", "0.00"), us, "2026-04-30", "0"},
		{"eu EUR 30 days: 49.931507 + 40", whole("EUR", "5000.00", "5000.00"), eu, "2026-04-30", "89.93"},
		{"eu fixed sum on the first overdue day: 1.664383 + 40", whole("EUR", "5000.00", "5000.00"), eu, "2026-04-01", "41.66"},
		{"eu on a USD invoice: interest only", whole("USD", "5000.00", "5000.00"), eu, "2026-04-30", "49.93"},
		{"uk under 1,000: 3.287638 + 40", whole("GBP", "999.99", "999.99"), uk, "2026-04-10", "43.29"},
		{"uk exactly 1,000 is the middle band: 3.287671 + 70", whole("GBP", "1000.00", "1000.00"), uk, "2026-04-10", "73.29"},
		{"uk under 10,000: 16.438356 + 70", whole("GBP", "5000.00", "5000.00"), uk, "2026-04-10", "86.44"},
		{"uk from 10,000: 32.876712 + 100", whole("GBP", "10000.00", "10000.00"), uk, "2026-04-10", "132.88"},
		{"uk on a EUR invoice: interest only", whole("EUR", "5000.00", "5000.00"), uk, "2026-04-10", "16.44"},
		{"custom fixed fee only", whole("USD", "1000.00", "1000.00"), LateFeePolicy{Preset: PresetCustom, FixedFee: dec("25.00")}, "2026-04-01", "25.00"},
		{"custom half-up: exactly 0.005", whole("USD", "1.00", "1.00"), LateFeePolicy{Preset: PresetCustom, InterestPercentPerYear: dec("18.25")}, "2026-04-10", "0.01"},
		{"custom just under half: 0.0049", whole("USD", "0.98", "0.98"), LateFeePolicy{Preset: PresetCustom, InterestPercentPerYear: dec("18.25")}, "2026-04-10", "0"},
		{"installments: only the first overdue, 500×18×30", plan("USD", "500.00", "500.00"), us, "2026-04-30", "7.40"},
		{"installments: 500×18×40 + 500×18×10 = 12.328767", plan("USD", "500.00", "500.00"), us, "2026-05-10", "12.33"},
		{"installments: the first paid", plan("USD", "0.00", "500.00"), us, "2026-05-10", "2.47"},
		{"eu installments: fixed sum once, 5.479452 + 40", plan("EUR", "500.00", "500.00"), LateFeePolicy{Preset: PresetEU}, "2026-05-10", "45.48"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := LateFee(c.facts, c.policy, date(c.asOf))
			if !got.Equal(dec(c.want)) {
				t.Errorf("LateFee = %s, want %s", got, c.want)
			}
		})
	}
}

func (f Facts) withFees(s string) Facts { f.LateFees = dec(s); return f }

func TestLateFeeForCustomer(t *testing.T) {
	tenant := LateFeePolicy{Preset: PresetEU, ReferenceRatePercent: dec("4.15"), BaseRatePercent: dec("4")}
	f := Facts{Currency: "GBP", DueDate: date("2026-03-31"), Total: dec("5000"), Balance: dec("5000")}
	cases := []struct {
		override string
		want     string
	}{
		{"", "16.64"},       // the tenant's eu-directive on GBP: 5000×12.15×10/36500 = 16.643836
		{PresetNone, "0"},   // the customer has no late fees
		{PresetUK, "86.44"}, // the tenant's base rate with the UK preset
		{PresetUS, "24.66"}, // 5000×18×10/36500 = 24.657534
	}
	for _, c := range cases {
		if got := LateFee(f, tenant.ForCustomer(c.override), date("2026-04-10")); !got.Equal(dec(c.want)) {
			t.Errorf("override %q: %s, want %s", c.override, got, c.want)
		}
	}
	if tenant.Preset != PresetEU {
		t.Error("ForCustomer changed the tenant's policy")
	}
}

// TestPresetNames: the presets the engine computes are exactly the names
// a customer's lateFeePolicy is checked against on save.
func TestPresetNames(t *testing.T) {
	ours := []string{PresetNone, PresetUS, PresetEU, PresetUK, PresetCustom}
	if !slices.Equal(ours, invoice.LateFeePresets) {
		t.Errorf("invoice.LateFeePresets = %v, the engine's presets are %v", invoice.LateFeePresets, ours)
	}
	for _, name := range ours {
		if !ValidPreset(name) {
			t.Errorf("ValidPreset(%q) = false", name)
		}
	}
	if ValidPreset("eu-directiv") || ValidPreset("") {
		t.Error("ValidPreset accepts a name that is not a preset")
	}
}

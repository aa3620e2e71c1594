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
// through asOf. The EU and UK policies carry a tenant's entry for the
// first half of 2026, which replaces the built-in rate of that half-year,
// so these cases pin the convention with round rates.
func TestLateFee(t *testing.T) {
	eu := LateFeePolicy{Preset: PresetEU, ReferenceRates: []RateEntry{{"2026-01-01", dec("4.15")}}} // 12.15 % a year
	uk := LateFeePolicy{Preset: PresetUK, BaseRates: []RateEntry{{"2026-01-01", dec("4.00")}}}      // 12 % a year
	us := LateFeePolicy{Preset: PresetUS}                                                           // 18 % a year
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
		// The built-in ECB rate of the first half of 2026, 2.15 %: 10.15 % a year.
		// 500×10.15×40 + 500×10.15×10 = 253750 / 36500 = 6.952055 + 40.
		{"eu installments: fixed sum once, 6.952055 + 40", plan("EUR", "500.00", "500.00"), LateFeePolicy{Preset: PresetEU}, "2026-05-10", "46.95"},
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
	h1 := func(rate string) []RateEntry { return []RateEntry{{"2026-01-01", dec(rate)}} }
	tenant := LateFeePolicy{Preset: PresetEU, ReferenceRates: h1("4.15"), BaseRates: h1("4")}
	f := Facts{Currency: "GBP", DueDate: date("2026-03-31"), Total: dec("5000"), Balance: dec("5000")}
	cases := []struct {
		override string
		want     string
	}{
		{"", "16.64"},       // the tenant's eu-directive on GBP: 5000×12.15×10/36500 = 16.643836
		{PresetNone, "0"},   // the customer has no late fees
		{PresetUK, "86.44"}, // the tenant's base rates with the UK preset
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

// TestLateFeeStatutoryHalfYears checks the statutory presets over periods
// that span half-years, against values computed by hand from the
// built-in tables: the UK rate is the one fixed for the half-year in
// which the debt became late, throughout; the EU rate is each
// half-year's own. Interest is balance × (rate + 8) × days / 36500; days
// run from the day after the due date through asOf, both included.
func TestLateFeeStatutoryHalfYears(t *testing.T) {
	uk := LateFeePolicy{Preset: PresetUK}
	eu := LateFeePolicy{Preset: PresetEU}
	whole := func(cur money.Currency, amount, due string) Facts {
		return Facts{Currency: cur, DueDate: date(due), Total: dec(amount), Balance: dec(amount), LateFees: decimal.Zero}
	}
	cases := []struct {
		name   string
		facts  Facts
		policy LateFeePolicy
		asOf   string
		want   string
	}{
		// Late from 2025-05-01, 91 days through 2025-07-30 (31 + 30 + 30).
		// Reference rate of the half-year from 1 January 2025: Bank Rate on
		// 31 December 2024, 4.75 %, for all 91 days although the period
		// runs into July: 10000 × 12.75 × 91 / 36500 = 11602500 / 36500 =
		// 317.876712; + GBP 100 (debt of 10,000 or more) = 417.88.
		{"uk 91 days from 2025-05-01 at the rate of its half-year", whole("GBP", "10000.00", "2025-04-30"), uk, "2025-07-30", "417.88"},
		// Late from 2025-12-01, 60 days through 2026-01-29 (31 + 29), all at
		// the rate on 30 June 2025, 4.25 %, not January's 3.75 %:
		// 5000 × 12.25 × 60 / 36500 = 3675000 / 36500 = 100.684932; + GBP 70
		// = 170.68 (split by half-year it would be 98.698630 + 70 = 168.70).
		{"uk across the new year: one rate", whole("GBP", "5000.00", "2025-11-30"), uk, "2026-01-29", "170.68"},
		// Late from 2025-06-30, the last day of the first half: 4.75 %.
		// 1000 × 12.75 × 10 / 36500 = 3.493151; + GBP 70 = 73.49.
		{"uk late on 30 June: the first half's rate", whole("GBP", "1000.00", "2025-06-29"), uk, "2025-07-09", "73.49"},
		// Late from 2025-07-01: the rate on 30 June 2025, 4.25 %.
		// 1000 × 12.25 × 10 / 36500 = 3.356164; + GBP 70 = 73.36.
		{"uk late on 1 July: the second half's rate", whole("GBP", "1000.00", "2025-06-30"), uk, "2025-07-10", "73.36"},
		// A tenant's entry replaces the built-in rate of its half-year:
		// 10000 × 13 × 91 / 36500 = 324.109589; + 100 = 424.11.
		{"uk with a tenant's entry for 2025-01-01", whole("GBP", "10000.00", "2025-04-30"), LateFeePolicy{Preset: PresetUK, BaseRates: []RateEntry{{"2025-01-01", dec("5.00")}}}, "2025-07-30", "424.11"},
		// Past the table's end (it stops at 2026-07-01): the last known
		// rate, 3.75 %. Late from 2027-02-01, 30 days through 2027-03-02:
		// 1000 × 11.75 × 30 / 36500 = 9.657534; + 70 = 79.66.
		{"uk past the table's end: the last known rate", whole("GBP", "1000.00", "2027-01-31"), uk, "2027-03-02", "79.66"},
		// Late from 2025-05-01, 120 days through 2025-08-28. ECB rate on
		// 1 January 2025: 3.15 %, for May and June (31 + 30 = 61 days); on
		// 1 July 2025: 2.15 %, for July and August (31 + 28 = 59 days):
		// 10000 × 11.15 × 61 = 6801500; 10000 × 10.15 × 59 = 5988500;
		// 12790000 / 36500 = 350.410959; + EUR 40 = 390.41.
		{"eu 120 days from 2025-05-01, each half-year at its rate", whole("EUR", "10000.00", "2025-04-30"), eu, "2025-08-28", "390.41"},
		// Late from 2024-06-15 through 2025-01-10, three half-years:
		// 16 days at 4.50 % (1 January 2024), 184 at 4.25 % (1 July 2024),
		// 10 at 3.15 % (1 January 2025): 2000 × 12.50 × 16 = 400000;
		// 2000 × 12.25 × 184 = 4508000; 2000 × 11.15 × 10 = 223000;
		// 5131000 / 36500 = 140.575342; + 40 = 180.58.
		{"eu across three half-years", whole("EUR", "2000.00", "2024-06-14"), eu, "2025-01-10", "180.58"},
		// No built-in entry for 2026-07-01: the last known rate, 2.15 %.
		// 1000 × 10.15 × 30 / 36500 = 8.342466; + 40 = 48.34.
		{"eu past the table's end: the last known rate", whole("EUR", "1000.00", "2026-07-31"), eu, "2026-08-30", "48.34"},
		// A tenant's entry adds that half-year: 2.40 %.
		// 1000 × 10.40 × 30 / 36500 = 8.547945; + 40 = 48.55.
		{"eu with a tenant's entry for 2026-07-01", whole("EUR", "1000.00", "2026-07-31"), LateFeePolicy{Preset: PresetEU, ReferenceRates: []RateEntry{{"2026-07-01", dec("2.40")}}}, "2026-08-30", "48.55"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := LateFee(c.facts, c.policy, date(c.asOf)); !got.Equal(dec(c.want)) {
				t.Errorf("LateFee = %s, want %s", got, c.want)
			}
		})
	}

	// Each installment of a plan takes the UK rate of the half-year in
	// which it became late. 500 due 2025-06-20 (late from 06-21: 4.75 %)
	// and 500 due 2025-07-20 (late from 07-21: 4.25 %), to 2025-07-30:
	// 500 × 12.75 × 40 = 255000; 500 × 12.25 × 10 = 61250;
	// 316250 / 36500 = 8.664384; + GBP 70 (total 1,000) = 78.66.
	plan := whole("GBP", "1000.00", "2025-07-20")
	plan.Installments = []Installment{{ID: 1, DueDate: date("2025-06-20"), Balance: dec("500.00")}, {ID: 2, DueDate: date("2025-07-20"), Balance: dec("500.00")}}
	if got := LateFee(plan, uk, date("2025-07-30")); !got.Equal(dec("78.66")) {
		t.Errorf("uk installments: LateFee = %s, want 78.66", got)
	}
}

// TestLateFeeLeavesFeesInAPlanOut: a fee charged after a plan was agreed
// sits in its last installment (the executor puts it there); interest
// runs on principal only, so it is computed as if the fee were not there.
func TestLateFeeLeavesFeesInAPlanOut(t *testing.T) {
	us := LateFeePolicy{Preset: PresetUS}
	f := Facts{Currency: "USD", DueDate: date("2026-03-31"), Total: dec("1000.00"), Balance: dec("1000.00"), LateFees: decimal.Zero,
		Installments: []Installment{{ID: 1, DueDate: date("2026-03-31"), Balance: dec("400.00")}, {ID: 2, DueDate: date("2026-04-30"), Balance: dec("600.00")}}}
	withFee := f
	withFee.Balance, withFee.LateFees = dec("1050.00"), dec("50.00")
	withFee.Installments = slices.Clone(f.Installments)
	withFee.Installments[1].Balance = dec("650.00")
	for _, asOf := range []string{"2026-04-30", "2026-06-30"} {
		want, got := LateFee(f, us, date(asOf)), LateFee(withFee, us, date(asOf))
		if !got.Equal(want) {
			t.Errorf("as of %s: %s with the fee in the plan, want %s", asOf, got, want)
		}
	}
}

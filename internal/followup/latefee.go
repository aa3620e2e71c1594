package followup

import (
	"slices"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/money"
)

// The late-fee presets (SPEC §5). Custom takes its interest and fixed fee
// from the policy; the others are statutory or customary terms whose
// variable part (a central bank rate) is a setting.
const (
	PresetNone   = "none"
	PresetUS     = "us-1.5pct-month" // 18 % a year simple (1.5 % × 12), no fixed fee
	PresetEU     = "eu-directive"    // reference rate + 8 points a year, EUR 40 once (Directive 2011/7/EU)
	PresetUK     = "uk-late-payment" // base rate + 8 points a year, GBP 40/70/100 by debt size
	PresetCustom = "custom"          // InterestPercentPerYear and FixedFee
)

// ValidPreset reports whether name is a preset. The names are
// invoice.LateFeePresets, which customers' overrides are checked against.
func ValidPreset(name string) bool { return slices.Contains(invoice.LateFeePresets, name) }

// LateFeePolicy is the terms under which late fees accrue. Rates are
// percent per year; the central bank rates change twice a year and are
// settings the tenant keeps current, never constants in the code.
type LateFeePolicy struct {
	Preset string `json:"preset"`
	// ReferenceRatePercent is the ECB reference rate for eu-directive.
	ReferenceRatePercent decimal.Decimal `json:"referenceRatePercent"`
	// BaseRatePercent is the Bank of England base rate for uk-late-payment.
	BaseRatePercent decimal.Decimal `json:"baseRatePercent"`
	// InterestPercentPerYear is the simple interest of the custom preset.
	InterestPercentPerYear decimal.Decimal `json:"interestPercentPerYear"`
	// FixedFee is the custom preset's fixed fee, in the invoice currency.
	FixedFee decimal.Decimal `json:"fixedFee"`
}

// ForCustomer is the policy that applies to a customer whose override
// names preset (empty = no override): the tenant's rates with the
// customer's preset.
func (p LateFeePolicy) ForCustomer(preset string) LateFeePolicy {
	if preset != "" {
		p.Preset = preset
	}
	return p
}

var (
	eight       = decimal.NewFromInt(8)
	usAnnual    = decimal.NewFromInt(18)
	dayCountDen = decimal.NewFromInt(36500) // 365 days × 100 percent
	thousand    = decimal.NewFromInt(1000)
	tenThousand = decimal.NewFromInt(10000)
)

// annualPercent is the simple interest per year of the preset.
func (p LateFeePolicy) annualPercent() decimal.Decimal {
	switch p.Preset {
	case PresetUS:
		return usAnnual
	case PresetEU:
		return p.ReferenceRatePercent.Add(eight)
	case PresetUK:
		return p.BaseRatePercent.Add(eight)
	case PresetCustom:
		return p.InterestPercentPerYear
	}
	return decimal.Zero
}

// fixed is the fixed compensation, once per invoice, in the invoice
// currency. The statutory sums are in EUR and GBP; on an invoice in
// another currency they do not apply (use the custom preset instead).
func (p LateFeePolicy) fixed(cur money.Currency, total decimal.Decimal) decimal.Decimal {
	switch {
	case p.Preset == PresetEU && cur == "EUR":
		return decimal.NewFromInt(40)
	case p.Preset == PresetUK && cur == "GBP":
		switch {
		case total.LessThan(thousand):
			return decimal.NewFromInt(40)
		case total.LessThan(tenThousand):
			return decimal.NewFromInt(70)
		}
		return decimal.NewFromInt(100)
	case p.Preset == PresetCustom:
		return p.FixedFee
	}
	return decimal.Zero
}

// debt is one overdue part of an invoice: the whole of it, or an installment.
type debt struct {
	due     invoice.Date
	balance decimal.Decimal
}

// debts are the parts interest runs on: the installments of a payment
// plan, else the invoice's balance less the fees already on it.
func (f Facts) debts() []debt {
	if len(f.Installments) > 0 {
		out := make([]debt, len(f.Installments))
		for i, in := range f.Installments {
			out[i] = debt{in.DueDate, in.Balance}
		}
		return out
	}
	return []debt{{f.DueDate, f.Balance.Sub(f.LateFees)}}
}

// LateFee is the late fee an invoice has accrued by asOf (a date in the
// tenant's zone): simple interest at the preset's yearly rate, actual/365,
// on each overdue part's unpaid principal from the day after its due date
// through asOf, plus the fixed compensation once as soon as any part is
// overdue; the sum rounded half-up once to the currency's minor unit.
// The late_fee action sets the invoice's fee to this value, so running
// it again at the same date changes nothing.
func LateFee(f Facts, p LateFeePolicy, asOf invoice.Date) decimal.Decimal {
	rate := p.annualPercent()
	sum := decimal.Zero // in units of currency × percent × days
	overdue := false
	for _, d := range f.debts() {
		days := d.due.DaysUntil(asOf)
		if days <= 0 || !d.balance.IsPositive() {
			continue
		}
		overdue = true
		sum = sum.Add(d.balance.Mul(rate).Mul(decimal.NewFromInt(int64(days))))
	}
	if !overdue {
		return decimal.Zero
	}
	sum = sum.Add(p.fixed(f.Currency, f.Total).Mul(dayCountDen))
	return sum.DivRound(dayCountDen, f.Currency.Exponent())
}

package followup

import (
	"slices"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/money"
)

// The late-fee presets (SPEC §5). Custom takes its interest and fixed fee
// from the policy; the others are statutory or customary terms whose
// variable part (a central bank rate) comes from a dated table per preset.
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
// percent per year. The statutory presets' reference rates come from a
// dated table per preset (see rates.go); BaseRates and ReferenceRates are
// the tenant's entries that add newer half-years to it or correct one.
type LateFeePolicy struct {
	Preset string `json:"preset"`
	// ReferenceRates extend or override the ECB table of eu-directive.
	ReferenceRates []RateEntry `json:"referenceRates,omitempty"`
	// BaseRates extend or override the Bank of England table of uk-late-payment.
	BaseRates []RateEntry `json:"baseRates,omitempty"`
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

// interest is the simple interest, in units of currency × percent × days
// (divide by 36500), on balance for the days first through last
// inclusive, the days a debt is late:
//   - uk-late-payment: the reference rate fixed for the half-year in
//     which the debt became late (first) + 8 applies throughout, whatever
//     later half-years the period runs into (SI 2002/1675);
//   - eu-directive: each day at the reference rate of its own half-year
//   - 8 (Directive 2011/7/EU), so the period is cut at 1 January and
//     1 July;
//   - us-1.5pct-month and custom: one rate throughout.
func (p LateFeePolicy) interest(balance decimal.Decimal, first, last invoice.Date) decimal.Decimal {
	days := func(from, to invoice.Date) decimal.Decimal { return decimal.NewFromInt(int64(from.DaysUntil(to) + 1)) }
	switch p.Preset {
	case PresetUS:
		return balance.Mul(usAnnual).Mul(days(first, last))
	case PresetCustom:
		return balance.Mul(p.InterestPercentPerYear).Mul(days(first, last))
	case PresetUK:
		rate := rateOn(withOverrides(ukBaseRates, p.BaseRates), first).Add(eight)
		return balance.Mul(rate).Mul(days(first, last))
	case PresetEU:
		table := withOverrides(euReferenceRates, p.ReferenceRates)
		sum := decimal.Zero
		for from := first; !last.Before(from); from = nextHalfYear(from) {
			to := nextHalfYear(from).AddDays(-1)
			if last.Before(to) {
				to = last
			}
			sum = sum.Add(balance.Mul(rateOn(table, from).Add(eight)).Mul(days(from, to)))
		}
		return sum
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
// plan, else the invoice's balance less the fees already on it. Fees
// charged after a plan was agreed sit in its last installments, so those
// are cut to the principal left (interest runs on principal only).
func (f Facts) debts() []debt {
	principal := f.Balance.Sub(f.LateFees)
	if len(f.Installments) > 0 {
		out := make([]debt, len(f.Installments))
		for i, in := range f.Installments {
			b := decimal.Max(decimal.Min(in.Balance, principal), decimal.Zero)
			principal = principal.Sub(b)
			out[i] = debt{in.DueDate, b}
		}
		return out
	}
	return []debt{{f.DueDate, principal}}
}

// LateFee is the late fee an invoice has accrued by asOf (a date in the
// tenant's zone): simple interest at the preset's yearly rate, actual/365,
// on each overdue part's unpaid principal from the day after its due date
// (the day it became late) through asOf, plus the fixed compensation once
// as soon as any part is overdue; the sum rounded half-up once to the
// currency's minor unit. The statutory presets take the reference rate
// of each half-year as the law says (see interest). The late_fee action
// sets the invoice's fee to this value, so running it again at the same
// date changes nothing.
func LateFee(f Facts, p LateFeePolicy, asOf invoice.Date) decimal.Decimal {
	sum := decimal.Zero // in units of currency × percent × days
	overdue := false
	for _, d := range f.debts() {
		if d.due.DaysUntil(asOf) <= 0 || !d.balance.IsPositive() {
			continue
		}
		overdue = true
		sum = sum.Add(p.interest(d.balance, d.due.AddDays(1), asOf))
	}
	if !overdue {
		return decimal.Zero
	}
	sum = sum.Add(p.fixed(f.Currency, f.Total).Mul(dayCountDen))
	return sum.DivRound(dayCountDen, f.Currency.Exponent())
}

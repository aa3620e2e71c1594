package billing

import (
	"fmt"

	"github.com/remitapp/remit/internal/followup"
	"github.com/remitapp/remit/internal/money"
)

// LatePaymentTerms is the sentence an invoice prints about late payment
// (SPEC §4: an invoice states the late-payment terms in force), written
// from the late-fee policy that applies to its customer.
func LatePaymentTerms(p followup.LateFeePolicy, cur money.Currency) string {
	switch p.Preset {
	case followup.PresetUS:
		return "Overdue balances bear simple interest of 1.5% per month (18% per year) from the due date until paid."
	case followup.PresetEU:
		return "Late payment bears interest at the European Central Bank reference rate plus 8 percentage points, " +
			"and a fixed compensation of EUR 40 for recovery costs is due (Directive 2011/7/EU)."
	case followup.PresetUK:
		return "Late payment bears statutory interest at the Bank of England base rate plus 8% per year, " +
			"and fixed compensation is due under the Late Payment of Commercial Debts (Interest) Act 1998."
	case followup.PresetCustom:
		s := fmt.Sprintf("Overdue balances bear simple interest of %s%% per year from the due date until paid.", p.InterestPercentPerYear.String())
		if p.FixedFee.IsPositive() {
			s += fmt.Sprintf(" A fixed late fee of %s %s is due once.", money.Format(p.FixedFee, cur), cur)
		}
		return s
	}
	return "Payment is due by the due date. No interest or late fees are charged on late payment."
}

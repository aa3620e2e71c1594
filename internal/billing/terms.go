package billing

import (
	"fmt"

	"github.com/remitapp/remit/internal/followup"
	"github.com/remitapp/remit/internal/money"
)

// LatePaymentTerms is the sentence an invoice prints about late payment
// (SPEC §4: an invoice states the late-payment terms in force), written
// from the late-fee policy that applies to its customer. It says what the
// follow-up engine charges (followup.LateFee) and the law behind it:
//   - eu-directive (Directive 2011/7/EU): interest from the day after the
//     due date at the ECB reference rate (its main refinancing rate in
//     force on 1 January or 1 July of each half-year) plus 8 percentage
//     points, simple interest (Art. 2 and 3), and EUR 40 for recovery
//     costs without a reminder (Art. 6), charged on invoices in EUR only;
//   - uk-late-payment (Late Payment of Commercial Debts (Interest) Act
//     1998, SI 2002/1675): simple interest at 8% a year over the Bank of
//     England base rate in force on the 31 December or 30 June before the
//     half-year in which the debt became late, fixed for the whole delay,
//     and a fixed sum by the size of the debt (s. 5A), on invoices in GBP;
//   - us-1.5pct-month: the customary 18% a year, accruing daily, which
//     no statute sets; state usury laws cap it, hence the proviso;
//   - custom: the policy's own interest and fixed fee.
func LatePaymentTerms(p followup.LateFeePolicy, cur money.Currency) string {
	const none = "Payment is due by the due date. No interest or late fees are charged on late payment."
	switch p.Preset {
	case followup.PresetUS:
		return "Overdue balances bear simple interest at 18% per year (1.5% per month), accruing daily from the day after " +
			"the due date until paid, or at the highest rate permitted by law, if lower."
	case followup.PresetEU:
		s := "Late payment bears simple interest from the day after the due date at the reference rate of the European " +
			"Central Bank (its main refinancing rate on 1 January or 1 July of each half-year) plus 8 percentage points per year"
		if cur == "EUR" {
			return s + ", and a fixed sum of EUR 40 is due as compensation for recovery costs, without a reminder (Directive 2011/7/EU)."
		}
		return s + " (Directive 2011/7/EU)."
	case followup.PresetUK:
		s := "Late payment bears statutory simple interest from the day after the due date at 8% per year above the " +
			"Bank of England base rate in force on the 31 December or 30 June before the half-year in which payment became late"
		if cur == "GBP" {
			return s + ", and a fixed sum for recovery costs is due of GBP 40 on a debt under GBP 1,000, GBP 70 under GBP 10,000 " +
				"and GBP 100 from GBP 10,000 (Late Payment of Commercial Debts (Interest) Act 1998)."
		}
		return s + " (Late Payment of Commercial Debts (Interest) Act 1998)."
	case followup.PresetCustom:
		s := ""
		if p.InterestPercentPerYear.IsPositive() {
			s = fmt.Sprintf("Overdue balances bear simple interest of %s%% per year, accruing daily from the day after the due date until paid.",
				p.InterestPercentPerYear.String())
		}
		if p.FixedFee.IsPositive() {
			if s != "" {
				s += " "
			}
			s += fmt.Sprintf("A fixed late fee of %s %s is due once when payment is late.", money.Format(p.FixedFee, cur), cur)
		}
		if s == "" {
			return none
		}
		return s
	}
	return none
}

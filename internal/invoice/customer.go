package invoice

import (
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/money"
	"github.com/remitapp/remit/internal/remit"
)

// RateOverrides replace the customer's hourly rate for some authors or
// projects. An author override wins over a project override.
type RateOverrides struct {
	Accounts map[string]decimal.Decimal // accountId -> hourly rate
	Projects map[string]decimal.Decimal // project key -> hourly rate
}

// Customer is who an invoice bills, and how.
type Customer struct {
	ID               int64
	Name             string
	JQL              string // selects the customer's work, e.g. project in (ACME, ACMESUP)
	Currency         money.Currency
	HourlyRate       decimal.Decimal
	RateOverrides    RateOverrides
	TaxRatePercent   decimal.Decimal
	PaymentTermsDays *int // nil = the tenant's terms
	BillingEmail     string
	EscalationEmails []string
	LateFeePolicy    string // empty = the tenant's policy; else one of LateFeePresets
}

// LateFeePresets are the late-fee presets (SPEC §5) a customer's
// LateFeePolicy may name. The follow-up engine computes them; they are
// listed here so that a customer is checked on save without this package
// depending on the engine.
var LateFeePresets = []string{"none", "us-1.5pct-month", "eu-directive", "uk-late-payment", "custom"}

// Limits on customer fields.
const (
	maxRate       = 1_000_000
	maxTaxPercent = 100
	rateDecimals  = 4
)

// Validate checks a customer on its own; the JQL is checked against Jira
// by the caller. Problems come back per field as Unprocessable.
func (c *Customer) Validate() error {
	f := map[string]string{}
	c.Name = strings.TrimSpace(c.Name)
	c.JQL = strings.TrimSpace(c.JQL)
	if c.Name == "" || len(c.Name) > 200 {
		f["name"] = "is required (at most 200 characters)"
	}
	if c.JQL == "" || len(c.JQL) > 2000 {
		f["jql"] = "is required (at most 2000 characters)"
	}
	if !c.Currency.Valid() {
		f["currency"] = "must be an ISO 4217 currency code"
	}
	checkRate := func(field string, r decimal.Decimal) {
		if r.IsNegative() || r.GreaterThan(decimal.NewFromInt(maxRate)) || !r.Equal(r.Round(rateDecimals)) {
			f[field] = "must be from 0 to 1000000 with at most 4 decimals"
		}
	}
	checkRate("hourlyRate", c.HourlyRate)
	for id, r := range c.RateOverrides.Accounts {
		if strings.TrimSpace(id) == "" || len(id) > 128 {
			f["rateOverrides.accounts"] = "account ids must be non-empty"
		}
		checkRate("rateOverrides.accounts."+id, r)
	}
	for key, r := range c.RateOverrides.Projects {
		if !validProjectKey(key) {
			f["rateOverrides.projects"] = "keys must be Jira project keys such as ACME"
		}
		checkRate("rateOverrides.projects."+key, r)
	}
	if c.TaxRatePercent.IsNegative() || c.TaxRatePercent.GreaterThan(decimal.NewFromInt(maxTaxPercent)) || !c.TaxRatePercent.Equal(c.TaxRatePercent.Round(4)) {
		f["taxRatePercent"] = "must be from 0 to 100 with at most 4 decimals"
	}
	if c.PaymentTermsDays != nil && (*c.PaymentTermsDays < 0 || *c.PaymentTermsDays > 365) {
		f["paymentTermsDays"] = "must be from 0 to 365"
	}
	if c.BillingEmail != "" && !plausibleEmail(c.BillingEmail) {
		f["billingEmail"] = "is not an e-mail address"
	}
	if len(c.EscalationEmails) > 20 {
		f["escalationEmails"] = "at most 20 addresses"
	}
	for _, e := range c.EscalationEmails {
		if !plausibleEmail(e) {
			f["escalationEmails"] = "contains something that is not an e-mail address: " + e
		}
	}
	if c.LateFeePolicy != "" && !slices.Contains(LateFeePresets, c.LateFeePolicy) {
		f["lateFeePolicy"] = fmt.Sprintf("unknown preset %q: one of %s, or none given for the tenant's policy",
			c.LateFeePolicy, strings.Join(LateFeePresets, ", "))
	}
	if len(f) > 0 {
		return remit.FieldErrors(remit.Unprocessable, "invoice.Customer", "customer is not valid", f)
	}
	return nil
}

// RateFor is the hourly rate of one worklog: the author's override, else
// the project's, else the customer's rate (SPEC §4 step 3).
func (c *Customer) RateFor(accountID, projectKey string) decimal.Decimal {
	if r, ok := c.RateOverrides.Accounts[accountID]; ok {
		return r
	}
	if r, ok := c.RateOverrides.Projects[projectKey]; ok {
		return r
	}
	return c.HourlyRate
}

// TermsDays is the customer's payment terms, or the tenant's.
func (c *Customer) TermsDays(s Settings) int {
	if c.PaymentTermsDays != nil {
		return *c.PaymentTermsDays
	}
	return s.PaymentTermsDays
}

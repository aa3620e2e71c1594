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

	// What a legal invoice and an e-invoice say about the buyer (SPEC §4,
	// §14). All optional on save; Issue checks what a document needs.
	Address            Address
	TaxID              string      // VAT or tax id, e.g. FR40303265045
	BuyerReference     string      // the buyer's PO number or Leitweg-ID (BT-10)
	PeppolID           string      // scheme:id, e.g. 0208:0123456789
	EInvoiceFormat     string      // "" or one of EInvoiceFormats
	TaxCategory        TaxCategory // "" = standard
	TaxExemptionReason string      // printed for exempt and reverse-charge lines
}

// EInvoiceFormats are the structured formats a customer may receive (SPEC §14).
var EInvoiceFormats = []string{"ubl", "cii", "facturx", "xrechnung"}

// DefaultTaxCategory is the customer's tax category, standard when unset.
func (c *Customer) DefaultTaxCategory() TaxCategory {
	if c.TaxCategory == "" {
		return TaxStandard
	}
	return c.TaxCategory
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
	c.checkLegal(f)
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

// checkLegal normalizes and checks the fields that legal and structured
// invoices carry.
func (c *Customer) checkLegal(f map[string]string) {
	c.Address = c.Address.Normalized()
	c.Address.check("address", false, f)
	c.TaxID = strings.TrimSpace(c.TaxID)
	c.BuyerReference = strings.TrimSpace(c.BuyerReference)
	c.PeppolID = strings.TrimSpace(c.PeppolID)
	if c.EInvoiceFormat == "none" { // the form's word for no e-invoice
		c.EInvoiceFormat = ""
	}
	c.TaxExemptionReason = strings.TrimSpace(c.TaxExemptionReason)
	if msg := taxIDProblem(c.TaxID); msg != "" {
		f["taxId"] = msg
	}
	if len(c.BuyerReference) > 200 {
		f["buyerReference"] = "must be at most 200 characters"
	}
	if c.PeppolID != "" && !validPeppolID(c.PeppolID) {
		f["peppolId"] = "must be scheme:id with a four-digit ISO 6523 scheme, such as 0208:0123456789"
	}
	if c.EInvoiceFormat != "" && !slices.Contains(EInvoiceFormats, c.EInvoiceFormat) {
		f["einvoiceFormat"] = "must be none (or empty) or one of " + strings.Join(EInvoiceFormats, ", ")
	}
	cat := c.DefaultTaxCategory()
	switch {
	case !cat.Valid():
		f["taxCategory"] = "must be one of " + taxCategoryNames()
	case cat.NeedsReason() && c.TaxExemptionReason == "":
		f["taxExemptionReason"] = "is required for the tax category " + string(cat) +
			`: the invoice must say why no VAT is charged, e.g. "Reverse charge: VAT to be accounted for by the recipient, Art. 196 Directive 2006/112/EC"`
	case cat == TaxReverseCharge && c.TaxID == "":
		f["taxId"] = "is required for reverse charge: the invoice must show the buyer's VAT id"
	}
	if len(c.TaxExemptionReason) > 300 {
		f["taxExemptionReason"] = "must be at most 300 characters"
	}
	if cat == TaxStandard && c.EInvoiceFormat != "" && c.TaxRatePercent.IsZero() {
		f["taxRatePercent"] = "must be more than 0 for standard-rated e-invoices; choose the zero or another tax category instead"
	}
}

// taxIDProblem checks a VAT or tax id loosely: letters, digits and the
// separators people write, 4 to 32 characters. An id that starts with an
// EU country prefix must continue with 2 to 13 letters or digits.
func taxIDProblem(id string) string {
	if id == "" {
		return ""
	}
	if len(id) < 4 || len(id) > 32 {
		return "must be 4 to 32 characters"
	}
	compact := strings.Builder{}
	for _, r := range strings.ToUpper(id) {
		switch {
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			compact.WriteRune(r)
		case r == ' ' || r == '-' || r == '.' || r == '/':
		default:
			return "may hold only letters, digits, spaces and - . /"
		}
	}
	v := compact.String()
	if len(v) > 2 && (InEU(v[:2]) || v[:2] == "EL" || v[:2] == "XI") && v[2] >= '0' && v[2] <= '9' && (len(v) < 4 || len(v) > 15) {
		return "an EU VAT id is the country prefix followed by 2 to 13 letters or digits"
	}
	return ""
}

func validPeppolID(id string) bool {
	scheme, rest, ok := strings.Cut(id, ":")
	if !ok || len(scheme) != 4 || rest == "" || len(rest) > 50 || strings.ContainsAny(rest, " \t:") {
		return false
	}
	for _, r := range scheme {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

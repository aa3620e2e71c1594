package invoice

import (
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/remitapp/remit/internal/money"
	"github.com/remitapp/remit/internal/remit"
)

// Statuses are the names of the Jira statuses an invoice issue moves to.
// Remit finds, per issue, a transition whose target status has the name
// (case-insensitively), so workflows may name their transitions freely.
type Statuses struct {
	Open    string `json:"open"`
	Overdue string `json:"overdue"`
	Paid    string `json:"paid"`
	Void    string `json:"void"`
}

// Seller is who issues the invoices.
type Seller struct {
	Name    string `json:"name"`
	Address string `json:"address"`
	TaxID   string `json:"taxId"`
	Email   string `json:"email"`
	// Phone is the seller contact's telephone number, which an XRechnung
	// e-invoice must carry (BR-DE-6); optional otherwise.
	Phone string `json:"phone,omitempty"`
	// PostalAddress is the structured address a legal invoice prints and
	// an e-invoice carries; Address stays the free text printed before.
	PostalAddress Address `json:"postalAddress"`
}

// Settings are a tenant's billing settings. The JSON shape is the API's
// (SPEC §7): PUT takes the whole object, omitted fields take defaults.
type Settings struct {
	BillingProjectKey string   `json:"billingProjectKey"`
	InvoiceIssueType  string   `json:"invoiceIssueType"`
	Statuses          Statuses `json:"statuses"`
	Currency          string   `json:"currency"`
	Timezone          string   `json:"timezone"`
	PaymentTermsDays  int      `json:"paymentTermsDays"`
	NumberFormat      string   `json:"numberFormat"`
	Seller            Seller   `json:"seller"`
	BillableJQL       string   `json:"billableJql"`
	RoundingMinutes   int      `json:"roundingMinutes"`
	FollowupSchedule  string   `json:"followupSchedule"`

	Payment                PaymentDetails `json:"payment"`
	CreditNoteNumberFormat string         `json:"creditNoteNumberFormat"`
	SendOnFinalize         *bool          `json:"sendOnFinalize,omitempty"` // nil = true

	// PromiseMaxDays is how far ahead a customer may promise to pay on the
	// customer page (SPEC §15); 0 = DefaultPromiseMaxDays.
	PromiseMaxDays int `json:"promiseMaxDays,omitempty"`
	// PromiseGraceDays is how long after a promised date the promise still
	// holds the follow-ups; nil = DefaultPromiseGraceDays.
	PromiseGraceDays *int `json:"promiseGraceDays,omitempty"`
}

// Defaults of the customer page's promises to pay.
const (
	DefaultPromiseMaxDays   = 30
	DefaultPromiseGraceDays = 2
)

// PromiseLimit is how many days ahead a promise may name.
func (s Settings) PromiseLimit() int {
	if s.PromiseMaxDays <= 0 {
		return DefaultPromiseMaxDays
	}
	return s.PromiseMaxDays
}

// PromiseGrace is the grace days after a promised date.
func (s Settings) PromiseGrace() int {
	if s.PromiseGraceDays == nil {
		return DefaultPromiseGraceDays
	}
	return *s.PromiseGraceDays
}

// SendsOnFinalize reports whether finalizing an invoice also sends it
// (the default).
func (s Settings) SendsOnFinalize() bool { return s.SendOnFinalize == nil || *s.SendOnFinalize }

// Defaults that SPEC §4 names.
const (
	DefaultIssueType        = "Task"
	DefaultPaymentTermsDays = 30
	DefaultNumberFormat     = "INV-{YYYY}-{SEQ:4}"
	DefaultBillableJQL      = "labels is EMPTY OR labels not in (non-billable)"
	DefaultFollowupSchedule = "0 9 * * 1-5"
	DefaultCurrency         = "USD"
	DefaultTimezone         = "UTC"
)

// DefaultSettings are what a new tenant starts with.
func DefaultSettings() Settings {
	return Settings{
		InvoiceIssueType: DefaultIssueType,
		Statuses:         Statuses{Open: "Sent", Overdue: "Overdue", Paid: "Paid", Void: "Cancelled"},
		Currency:         DefaultCurrency,
		Timezone:         DefaultTimezone,
		PaymentTermsDays: DefaultPaymentTermsDays,
		NumberFormat:     DefaultNumberFormat,
		BillableJQL:      DefaultBillableJQL,
		FollowupSchedule: DefaultFollowupSchedule,
	}
}

// WithDefaults fills every empty field from DefaultSettings.
func (s Settings) WithDefaults() Settings {
	d := DefaultSettings()
	s.BillingProjectKey = strings.TrimSpace(s.BillingProjectKey)
	fill := func(v *string, def string) {
		if *v = strings.TrimSpace(*v); *v == "" {
			*v = def
		}
	}
	fill(&s.InvoiceIssueType, d.InvoiceIssueType)
	fill(&s.Statuses.Open, d.Statuses.Open)
	fill(&s.Statuses.Overdue, d.Statuses.Overdue)
	fill(&s.Statuses.Paid, d.Statuses.Paid)
	fill(&s.Statuses.Void, d.Statuses.Void)
	fill(&s.Currency, d.Currency)
	fill(&s.Timezone, d.Timezone)
	fill(&s.NumberFormat, d.NumberFormat)
	fill(&s.BillableJQL, d.BillableJQL)
	fill(&s.FollowupSchedule, d.FollowupSchedule)
	fill(&s.CreditNoteNumberFormat, DefaultCreditNoteNumberFormat)
	s.Seller.PostalAddress = s.Seller.PostalAddress.Normalized()
	s.Payment = s.Payment.Normalized()
	if s.PaymentTermsDays == 0 {
		s.PaymentTermsDays = d.PaymentTermsDays
	}
	s.Currency = strings.ToUpper(s.Currency)
	return s
}

// Validate checks settings on their own (Jira-side checks come later).
// Problems are reported per field as an Unprocessable error.
func (s Settings) Validate() error {
	f := map[string]string{}
	if s.BillingProjectKey == "" {
		f["billingProjectKey"] = "is required"
	} else if !validProjectKey(s.BillingProjectKey) {
		f["billingProjectKey"] = "must be a Jira project key such as BILL"
	}
	if _, err := money.ParseCurrency(s.Currency); err != nil {
		f["currency"] = err.Error()
	}
	if _, err := time.LoadLocation(s.Timezone); err != nil || s.Timezone == "Local" {
		f["timezone"] = "must be an IANA time zone such as Europe/Berlin"
	}
	if s.PaymentTermsDays < 0 || s.PaymentTermsDays > 365 {
		f["paymentTermsDays"] = "must be from 0 to 365"
	}
	if err := ValidateNumberFormat(s.NumberFormat); err != nil {
		f["numberFormat"] = err.Error()
	}
	if s.RoundingMinutes < 0 || s.RoundingMinutes > 240 {
		f["roundingMinutes"] = "must be from 0 (no rounding) to 240"
	}
	if _, err := cron.ParseStandard(s.FollowupSchedule); err != nil || strings.HasPrefix(s.FollowupSchedule, "TZ=") || strings.HasPrefix(s.FollowupSchedule, "CRON_TZ=") {
		f["followupSchedule"] = "must be a five-field cron expression such as 0 9 * * 1-5"
	}
	if len(s.BillableJQL) > 2000 {
		f["billableJql"] = "must be at most 2000 characters"
	}
	for name, v := range map[string]string{"statuses.open": s.Statuses.Open, "statuses.overdue": s.Statuses.Overdue, "statuses.paid": s.Statuses.Paid, "statuses.void": s.Statuses.Void} {
		if len(v) > 255 {
			f[name] = "must be at most 255 characters"
		}
	}
	if len(strings.TrimSpace(s.Seller.Phone)) > 50 {
		f["seller.phone"] = "must be at most 50 characters"
	}
	if s.Seller.Email != "" && !plausibleEmail(s.Seller.Email) {
		f["seller.email"] = "is not an e-mail address"
	}
	s.Seller.PostalAddress.check("seller.postalAddress", false, f)
	if msg := taxIDProblem(strings.TrimSpace(s.Seller.TaxID)); msg != "" {
		f["seller.taxId"] = msg
	}
	s.Payment.check("payment", f)
	if s.PromiseMaxDays < 0 || s.PromiseMaxDays > 365 {
		f["promiseMaxDays"] = "must be from 1 to 365 (0 = the default of 30)"
	}
	if g := s.PromiseGraceDays; g != nil && (*g < 0 || *g > 60) {
		f["promiseGraceDays"] = "must be from 0 to 60"
	}
	if s.CreditNoteNumberFormat != "" {
		if err := ValidateNumberFormat(s.CreditNoteNumberFormat); err != nil {
			f["creditNoteNumberFormat"] = err.Error()
		} else if f["numberFormat"] == "" && FormatsOverlap(s.NumberFormat, s.CreditNoteNumberFormat) {
			f["creditNoteNumberFormat"] = "must differ from the invoice number format in its fixed text (e.g. CN- against INV-), so that no credit note can take an invoice's number"
		}
	}
	if len(f) > 0 {
		return remit.FieldErrors(remit.Unprocessable, "invoice.Settings", "settings are not valid", f)
	}
	return nil
}

// Location is the tenant's time zone; Validate guarantees it loads.
func (s Settings) Location() *time.Location {
	loc, err := time.LoadLocation(s.Timezone)
	if err != nil {
		return time.UTC
	}
	return loc
}

func validProjectKey(k string) bool {
	if len(k) < 2 || len(k) > 10 || k[0] < 'A' || k[0] > 'Z' {
		return false
	}
	for i := 1; i < len(k); i++ {
		c := k[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

func plausibleEmail(s string) bool {
	at := strings.LastIndexByte(s, '@')
	return at > 0 && at < len(s)-3 && strings.Contains(s[at:], ".") && !strings.ContainsAny(s, " \t\r\n<>,;")
}

// CheckIssuable says what the settings lack for a legal invoice (SPEC
// §4): the seller's name, postal address and tax id, and a way to pay.
// Problems are remit.Unprocessable naming each field.
func (s Settings) CheckIssuable() error {
	f := map[string]string{}
	if strings.TrimSpace(s.Seller.Name) == "" {
		f["seller.name"] = "is required on an invoice"
	}
	s.Seller.PostalAddress.Normalized().check("seller.postalAddress", true, f)
	if strings.TrimSpace(s.Seller.TaxID) == "" {
		f["seller.taxId"] = "is required on an invoice: the seller's VAT or tax id"
	}
	if s.Payment.Normalized().IsZero() {
		f["payment"] = "give an IBAN, an account number or payment instructions before an invoice is finalized"
	}
	if len(f) > 0 {
		return remit.FieldErrors(remit.Unprocessable, "invoice.Settings", "the settings lack what an invoice must state", f)
	}
	return nil
}

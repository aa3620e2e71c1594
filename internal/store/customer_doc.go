package store

import (
	"encoding/json"
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/invoice"
)

// overridesDoc is the rate_overrides column: rates as decimal strings, so
// the JSON never passes through a float.
type overridesDoc struct {
	Accounts map[string]string `json:"accounts"`
	Projects map[string]string `json:"projects"`
}

// encodeOverrides renders rate overrides for the jsonb column.
func encodeOverrides(o invoice.RateOverrides) (string, error) {
	doc := overridesDoc{Accounts: decimalStrings(o.Accounts), Projects: decimalStrings(o.Projects)}
	b, err := json.Marshal(doc)
	if err != nil {
		return "", fmt.Errorf("encode rate overrides: %w", err)
	}
	return string(b), nil
}

// decodeOverrides reads the jsonb column back; empty maps come back nil.
func decodeOverrides(b []byte) (invoice.RateOverrides, error) {
	var doc overridesDoc
	if err := json.Unmarshal(b, &doc); err != nil {
		return invoice.RateOverrides{}, fmt.Errorf("decode rate overrides: %w", err)
	}
	accounts, err := parseDecimals(doc.Accounts)
	if err != nil {
		return invoice.RateOverrides{}, err
	}
	projects, err := parseDecimals(doc.Projects)
	if err != nil {
		return invoice.RateOverrides{}, err
	}
	return invoice.RateOverrides{Accounts: accounts, Projects: projects}, nil
}

func decimalStrings(m map[string]decimal.Decimal) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = exactString(v)
	}
	return out
}

func parseDecimals(m map[string]string) (map[string]decimal.Decimal, error) {
	if len(m) == 0 {
		return nil, nil
	}
	out := make(map[string]decimal.Decimal, len(m))
	for k, v := range m {
		d, err := decimal.NewFromString(v)
		if err != nil {
			return nil, fmt.Errorf("rate override %q: %w", k, err)
		}
		out[k] = d
	}
	return out, nil
}

// customerDoc is a customer as the audit log records it, in the API's
// field names.
type customerDoc struct {
	ID               int64        `json:"id"`
	Name             string       `json:"name"`
	JQL              string       `json:"jql"`
	Currency         string       `json:"currency"`
	HourlyRate       string       `json:"hourlyRate"`
	RateOverrides    overridesDoc `json:"rateOverrides"`
	TaxRatePercent   string       `json:"taxRatePercent"`
	PaymentTermsDays *int         `json:"paymentTermsDays,omitempty"`
	BillingEmail     string       `json:"billingEmail"`
	EscalationEmails []string     `json:"escalationEmails"`
	LateFeePolicy    string       `json:"lateFeePolicy,omitempty"`

	Address            invoice.Address `json:"address,omitzero"`
	TaxID              string          `json:"taxId,omitempty"`
	BuyerReference     string          `json:"buyerReference,omitempty"`
	PeppolID           string          `json:"peppolId,omitempty"`
	EInvoiceFormat     string          `json:"einvoiceFormat,omitempty"`
	TaxCategory        string          `json:"taxCategory,omitempty"`
	TaxExemptionReason string          `json:"taxExemptionReason,omitempty"`
}

func customerDocOf(c *invoice.Customer) customerDoc {
	return customerDoc{
		ID: c.ID, Name: c.Name, JQL: c.JQL, Currency: string(c.Currency), HourlyRate: exactString(c.HourlyRate),
		RateOverrides:  overridesDoc{Accounts: decimalStrings(c.RateOverrides.Accounts), Projects: decimalStrings(c.RateOverrides.Projects)},
		TaxRatePercent: exactString(c.TaxRatePercent), PaymentTermsDays: c.PaymentTermsDays,
		BillingEmail: c.BillingEmail, EscalationEmails: nonNil(c.EscalationEmails), LateFeePolicy: c.LateFeePolicy,
		Address: c.Address, TaxID: c.TaxID, BuyerReference: c.BuyerReference, PeppolID: c.PeppolID,
		EInvoiceFormat: c.EInvoiceFormat, TaxCategory: string(c.TaxCategory), TaxExemptionReason: c.TaxExemptionReason,
	}
}

// encodeCustomerDocs renders a customer's jsonb columns: the rate
// overrides and the postal address.
func encodeCustomerDocs(c *invoice.Customer) (overrides, address string, err error) {
	if overrides, err = encodeOverrides(c.RateOverrides); err != nil {
		return "", "", err
	}
	b, err := json.Marshal(c.Address.Normalized())
	if err != nil {
		return "", "", fmt.Errorf("encode address: %w", err)
	}
	return overrides, string(b), nil
}

// decodeAddress reads the address column back ({} is no address).
func decodeAddress(b []byte) (invoice.Address, error) {
	var a invoice.Address
	if len(b) == 0 {
		return a, nil
	}
	if err := json.Unmarshal(b, &a); err != nil {
		return invoice.Address{}, fmt.Errorf("decode address: %w", err)
	}
	return a, nil
}

// exactString keeps a decimal's scale ("95.00", not "95"), so a rate
// reads back the way it was written.
func exactString(d decimal.Decimal) string {
	if e := d.Exponent(); e < 0 {
		return d.StringFixed(-e)
	}
	return d.String()
}

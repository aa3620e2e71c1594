package httpapi

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/money"
)

// customerJSON is the customer shape of SPEC §7.
type customerJSON struct {
	ID               int64             `json:"id"`
	Name             string            `json:"name"`
	JQL              string            `json:"jql"`
	Currency         string            `json:"currency"`
	HourlyRate       string            `json:"hourlyRate"`
	RateOverrides    rateOverridesJSON `json:"rateOverrides"`
	TaxRatePercent   string            `json:"taxRatePercent"`
	PaymentTermsDays *int              `json:"paymentTermsDays"`
	BillingEmail     string            `json:"billingEmail"`
	EscalationEmails []string          `json:"escalationEmails"`
	LateFeePolicy    *string           `json:"lateFeePolicy"`
	customerLegalJSON
}

// customerLegalJSON is what a legal invoice and an e-invoice say about
// the buyer (SPEC §4): read and written alike.
type customerLegalJSON struct {
	Address            invoice.Address `json:"address"`
	TaxID              string          `json:"taxId"`
	BuyerReference     string          `json:"buyerReference"`
	PeppolID           string          `json:"peppolId"`
	EInvoiceFormat     string          `json:"einvoiceFormat"`
	TaxCategory        string          `json:"taxCategory"`
	TaxExemptionReason string          `json:"taxExemptionReason"`
}

type rateOverridesJSON struct {
	Accounts map[string]string `json:"accounts"`
	Projects map[string]string `json:"projects"`
}

// customerIn is what POST and PUT accept: the customer shape, whose id
// is read-only (the path names the customer).
type customerIn struct {
	ID            *int64 `json:"id"`
	Name          string `json:"name"`
	JQL           string `json:"jql"`
	Currency      string `json:"currency"`
	HourlyRate    dec    `json:"hourlyRate"`
	RateOverrides struct {
		Accounts map[string]dec `json:"accounts"`
		Projects map[string]dec `json:"projects"`
	} `json:"rateOverrides"`
	TaxRatePercent   dec      `json:"taxRatePercent"`
	PaymentTermsDays *int     `json:"paymentTermsDays"`
	BillingEmail     string   `json:"billingEmail"`
	EscalationEmails []string `json:"escalationEmails"`
	LateFeePolicy    *string  `json:"lateFeePolicy"`
	// The legal fields, as customerLegalJSON has them; not embedded, so a
	// problem names the field as the client wrote it.
	Address            invoice.Address `json:"address"`
	TaxID              string          `json:"taxId"`
	BuyerReference     string          `json:"buyerReference"`
	PeppolID           string          `json:"peppolId"`
	EInvoiceFormat     string          `json:"einvoiceFormat"`
	TaxCategory        string          `json:"taxCategory"`
	TaxExemptionReason string          `json:"taxExemptionReason"`
}

func (in customerIn) customer() (invoice.Customer, error) {
	f := fieldset{}
	c := invoice.Customer{
		Name: in.Name, JQL: in.JQL, Currency: money.Currency(strings.ToUpper(strings.TrimSpace(in.Currency))),
		HourlyRate:       f.decimal("hourlyRate", in.HourlyRate, true),
		TaxRatePercent:   f.decimal("taxRatePercent", in.TaxRatePercent, false),
		PaymentTermsDays: in.PaymentTermsDays, BillingEmail: strings.TrimSpace(in.BillingEmail),
		EscalationEmails: in.EscalationEmails,
		Address:          in.Address, TaxID: in.TaxID, BuyerReference: in.BuyerReference, PeppolID: in.PeppolID,
		EInvoiceFormat: strings.TrimSpace(in.EInvoiceFormat), TaxCategory: invoice.TaxCategory(strings.TrimSpace(in.TaxCategory)),
		TaxExemptionReason: in.TaxExemptionReason,
	}
	if in.LateFeePolicy != nil {
		c.LateFeePolicy = *in.LateFeePolicy
	}
	if len(in.RateOverrides.Accounts) > 0 {
		c.RateOverrides.Accounts = map[string]decimal.Decimal{}
		for id, r := range in.RateOverrides.Accounts {
			c.RateOverrides.Accounts[id] = f.decimal("rateOverrides.accounts."+id, r, true)
		}
	}
	if len(in.RateOverrides.Projects) > 0 {
		c.RateOverrides.Projects = map[string]decimal.Decimal{}
		for key, r := range in.RateOverrides.Projects {
			c.RateOverrides.Projects[strings.ToUpper(key)] = f.decimal("rateOverrides.projects."+key, r, true)
		}
	}
	return c, f.err()
}

func customerOut(c invoice.Customer) customerJSON {
	out := customerJSON{
		ID: c.ID, Name: c.Name, JQL: c.JQL, Currency: string(c.Currency),
		HourlyRate: rateString(c.HourlyRate), TaxRatePercent: c.TaxRatePercent.String(),
		PaymentTermsDays: c.PaymentTermsDays, BillingEmail: c.BillingEmail, EscalationEmails: c.EscalationEmails,
		RateOverrides: rateOverridesJSON{Accounts: map[string]string{}, Projects: map[string]string{}},
		customerLegalJSON: customerLegalJSON{
			Address: c.Address, TaxID: c.TaxID, BuyerReference: c.BuyerReference, PeppolID: c.PeppolID,
			EInvoiceFormat: c.EInvoiceFormat, TaxCategory: string(c.TaxCategory), TaxExemptionReason: c.TaxExemptionReason,
		},
	}
	if out.EscalationEmails == nil {
		out.EscalationEmails = []string{}
	}
	for id, r := range c.RateOverrides.Accounts {
		out.RateOverrides.Accounts[id] = rateString(r)
	}
	for k, r := range c.RateOverrides.Projects {
		out.RateOverrides.Projects[k] = rateString(r)
	}
	if c.LateFeePolicy != "" {
		p := c.LateFeePolicy
		out.LateFeePolicy = &p
	}
	return out
}

// rateString shows a rate with at least two decimals ("95.00", "95.125").
func rateString(d decimal.Decimal) string {
	if d.Exponent() >= -2 {
		return d.StringFixed(2)
	}
	return d.String()
}

func (s *Server) listCustomers(c echo.Context) error {
	page, err := pageOf(c)
	if err != nil {
		return err
	}
	cs, next, err := s.deps.Setup.Customers(c.Request().Context(), actor(c), page)
	if err != nil {
		return err
	}
	out := make([]customerJSON, len(cs))
	for i, cu := range cs {
		out[i] = customerOut(cu)
	}
	return c.JSON(http.StatusOK, newList(out, next))
}

func (s *Server) getCustomer(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	cu, err := s.deps.Setup.Customer(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, customerOut(cu))
}

func (s *Server) createCustomer(c echo.Context) error { return s.saveCustomer(c, 0) }

func (s *Server) putCustomer(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	return s.saveCustomer(c, id)
}

func (s *Server) saveCustomer(c echo.Context, id int64) error {
	var in customerIn
	if err := decodeStrict(c, &in); err != nil {
		return err
	}
	cu, err := in.customer()
	if err != nil {
		return err
	}
	cu.ID = id
	saved, err := s.deps.Setup.SaveCustomer(c.Request().Context(), actor(c), cu)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if id == 0 {
		status = http.StatusCreated
	}
	return c.JSON(status, customerOut(saved))
}

func (s *Server) deleteCustomer(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	if err := s.deps.Setup.DeleteCustomer(c.Request().Context(), actor(c), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

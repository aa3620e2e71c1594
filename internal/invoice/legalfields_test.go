package invoice

import (
	"errors"
	"strings"
	"testing"

	"github.com/remitapp/remit/internal/remit"
)

// fieldsOf is the per-field messages of a remit.Error (nil for nil).
func fieldsOf(t *testing.T, err error) map[string]string {
	t.Helper()
	if err == nil {
		return nil
	}
	var re *remit.Error
	if !errors.As(err, &re) {
		t.Fatalf("err %v is not a remit.Error", err)
	}
	return re.Fields
}

func TestIBANAndBIC(t *testing.T) {
	valid := []string{"DE89 3704 0044 0532 0130 00", "GB29NWBK60161331926819", "fr14 2004 1010 0505 0001 3m02 606", "NL91ABNA0417164300", "CH9300762011623852957"}
	for _, s := range valid {
		if !ValidIBAN(s) {
			t.Errorf("IBAN %q refused", s)
		}
	}
	invalid := map[string]string{
		"DE89 3704 0044 0532 0130 01": "check digits",
		"DE89 3704 0044 0532 0130":    "characters",
		"XX89 3704 0044 0532 0130 00": "ISO 3166",
		"DE89370400440532013.00":      "letters and digits",
		"DE89":                        "15 to 34",
	}
	for s, want := range invalid {
		f := map[string]string{}
		PaymentDetails{IBAN: s}.Normalized().check("payment", f)
		if !strings.Contains(f["payment.iban"], want) {
			t.Errorf("IBAN %q: %q, want a message with %q", s, f["payment.iban"], want)
		}
	}
	for bic, ok := range map[string]bool{"COBADEFFXXX": true, "COBADEFF": true, "NWBKGB2L": true, "COBADEFF1": false, "C0BADEFF": false, "COBAXXFF": false} {
		if ValidBIC(bic) != ok {
			t.Errorf("ValidBIC(%s) = %v", bic, !ok)
		}
	}
	if got := FormatIBAN("DE89370400440532013000"); got != "DE89 3704 0044 0532 0130 00" {
		t.Errorf("FormatIBAN = %q", got)
	}
}

func validCustomer() Customer {
	return Customer{Name: "Acme", JQL: "project = ACME", Currency: "EUR", HourlyRate: dec("100"), TaxRatePercent: dec("19")}
}

func TestCustomerLegalFields(t *testing.T) {
	cases := []struct {
		name   string
		edit   func(c *Customer)
		fields []string // the fields named, none = valid
	}{
		{"nothing new", func(*Customer) {}, nil},
		{"a French reverse-charge business", func(c *Customer) {
			c.Address = Address{Street: "12 rue de la Paix", City: "Paris", Postcode: "75002", Country: "fr"}
			c.TaxID, c.TaxCategory = "FR40303265045", TaxReverseCharge
			c.TaxExemptionReason = "Reverse charge: VAT to be accounted for by the recipient, Art. 196 Directive 2006/112/EC"
			c.PeppolID, c.EInvoiceFormat, c.BuyerReference = "0009:30326504500011", "ubl", "PO-7781"
		}, nil},
		{"unknown country", func(c *Customer) { c.Address = Address{Street: "1 Way", City: "X", Country: "XX"} }, []string{"address.country"}},
		{"address without street and city", func(c *Customer) { c.Address = Address{Country: "DE"} }, []string{"address.street", "address.city"}},
		{"reverse charge without reason or VAT id", func(c *Customer) { c.TaxCategory = TaxReverseCharge }, []string{"taxExemptionReason"}},
		{"reverse charge without VAT id", func(c *Customer) {
			c.TaxCategory, c.TaxExemptionReason = TaxReverseCharge, "Art. 196"
		}, []string{"taxId"}},
		{"exempt without reason", func(c *Customer) { c.TaxCategory = TaxExempt }, []string{"taxExemptionReason"}},
		{"zero needs no reason", func(c *Customer) { c.TaxCategory = TaxZero }, nil},
		{"unknown category", func(c *Customer) { c.TaxCategory = "luxury" }, []string{"taxCategory"}},
		{"bad Peppol id", func(c *Customer) { c.PeppolID = "GLN 123" }, []string{"peppolId"}},
		{"bad format", func(c *Customer) { c.EInvoiceFormat = "pdf" }, []string{"einvoiceFormat"}},
		{"none is no format", func(c *Customer) { c.EInvoiceFormat = "none" }, nil},
		{"EU VAT id too long", func(c *Customer) { c.TaxID = "DE1234567890123456" }, []string{"taxId"}},
		{"tax id with odd characters", func(c *Customer) { c.TaxID = "DE<123456789>" }, []string{"taxId"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cust := validCustomer()
			c.edit(&cust)
			f := fieldsOf(t, cust.Validate())
			if len(f) != len(c.fields) {
				t.Fatalf("fields %v, want %v", f, c.fields)
			}
			for _, name := range c.fields {
				if f[name] == "" {
					t.Fatalf("fields %v lack %s", f, name)
				}
			}
		})
	}
	c := validCustomer()
	c.Address = Address{Street: " 12 rue de la Paix ", City: "Paris", Postcode: "75002", Country: "fr"}
	if err := c.Validate(); err != nil || c.Address.Country != "FR" || c.Address.Street != "12 rue de la Paix" {
		t.Fatalf("not normalized: %+v %v", c.Address, err)
	}
	c.EInvoiceFormat = "none"
	if err := c.Validate(); err != nil || c.EInvoiceFormat != "" {
		t.Fatalf("einvoiceFormat none stored as %q (%v), want empty", c.EInvoiceFormat, err)
	}
}

func TestSettingsLegalFields(t *testing.T) {
	base := Settings{BillingProjectKey: "BILL"}.WithDefaults()
	if base.CreditNoteNumberFormat != DefaultCreditNoteNumberFormat || !base.SendsOnFinalize() {
		t.Fatalf("defaults: %q send %v", base.CreditNoteNumberFormat, base.SendsOnFinalize())
	}
	no := false
	if off := (Settings{SendOnFinalize: &no}).WithDefaults(); off.SendsOnFinalize() {
		t.Fatal("sendOnFinalize false was turned on")
	}
	cases := []struct {
		name   string
		edit   func(s *Settings)
		fields []string
	}{
		{"defaults", func(*Settings) {}, nil},
		{"a German seller", func(s *Settings) {
			s.Seller.PostalAddress = Address{Street: "Hauptstraße 5", City: "Berlin", Postcode: "10115", Country: "DE"}
			s.Payment = PaymentDetails{IBAN: "DE89370400440532013000", BIC: "COBADEFFXXX", AccountName: "Northwind GmbH"}
		}, nil},
		{"bad IBAN", func(s *Settings) { s.Payment.IBAN = "DE89370400440532013001" }, []string{"payment.iban"}},
		{"BIC alone", func(s *Settings) { s.Payment.BIC = "COBADEFFXXX" }, []string{"payment.bic"}},
		{"seller country", func(s *Settings) { s.Seller.PostalAddress = Address{Street: "x", City: "y", Country: "Germany"} }, []string{"seller.postalAddress.country"}},
		{"credit-note format", func(s *Settings) { s.CreditNoteNumberFormat = "CN-{YYYY}" }, []string{"creditNoteNumberFormat"}},
		{"credit notes shaped like invoices", func(s *Settings) { s.CreditNoteNumberFormat = "INV-{YYYY}-{SEQ:5}" }, []string{"creditNoteNumberFormat"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := base
			c.edit(&s)
			f := fieldsOf(t, s.WithDefaults().Validate())
			if len(f) != len(c.fields) {
				t.Fatalf("fields %v, want %v", f, c.fields)
			}
			for _, name := range c.fields {
				if f[name] == "" {
					t.Fatalf("fields %v lack %s", f, name)
				}
			}
		})
	}
	f := fieldsOf(t, base.CheckIssuable())
	for _, name := range []string{"seller.name", "seller.postalAddress", "seller.taxId", "payment"} {
		if f[name] == "" {
			t.Errorf("CheckIssuable of the defaults does not name %s: %v", name, f)
		}
	}
	ready := base
	ready.Seller = Seller{Name: "Northwind GmbH", TaxID: "DE123456789", PostalAddress: Address{Street: "Hauptstraße 5", City: "Berlin", Postcode: "10115", Country: "DE"}}
	ready.Payment = PaymentDetails{Instructions: "Pay by cheque"}
	if err := ready.CheckIssuable(); err != nil {
		t.Fatalf("CheckIssuable: %v", err)
	}
}

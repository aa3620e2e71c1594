package app_test

import (
	"bytes"
	"fmt"
	"maps"
	"net/http"
	"strings"
	"testing"

	"github.com/remitapp/remit/internal/apptest"
	"github.com/remitapp/remit/internal/einvoice"
)

// TestEInvoiceOverHTTP downloads an invoice's e-invoice in each format
// over the whole stack: the XML passes the rules and comes as an XML
// attachment named after the invoice; an unknown format is a 400 listing
// the formats; the credit note's e-invoice follows the path its JSON
// gives. An issued invoice keeps the details it was issued with, so
// details lost later change nothing; an invoice issued without a datum a
// format's rules require is a 422 naming that field.
func TestEInvoiceOverHTTP(t *testing.T) {
	t.Parallel()
	// Each missing-field case issues and voids an invoice: past a tenant's
	// default API budget, which the operator's knob raises.
	s := apptest.Start(t, apptest.Options{WithSim: true, Clock: novemberFixture(),
		Env: map[string]string{"REMIT_API_RATE": "500", "REMIT_API_BURST": "500"}})
	b := newBillingSite(t, s, "einvoice")
	acmeID, _ := b.configure(t)
	settings := map[string]any{"billingProjectKey": "BILL", "timezone": "America/New_York", "currency": "USD",
		"seller": map[string]any{"name": "Remit Consulting GmbH", "email": "billing@remit.example", "phone": "+49 30 1234567", "taxId": "DE123456789",
			"postalAddress": map[string]string{"street": "Hauptstrasse 1", "city": "Berlin", "postcode": "10115", "country": "DE"}},
		"payment": map[string]string{"iban": "DE89 3704 0044 0532 0130 00", "bic": "COBADEFFXXX", "accountName": "Remit Consulting GmbH"}}
	customer := map[string]any{"name": "Acme", "jql": "project in (ACME, ACMESUP)", "currency": "USD", "hourlyRate": "95.00",
		"rateOverrides":  map[string]any{"accounts": map[string]string{"alice": "140.00"}, "projects": map[string]string{"ACMESUP": "120.00"}},
		"taxRatePercent": "8.875", "billingEmail": "ap@acme.example", "buyerReference": "PO-4711", "peppolId": "0088:7300010000001",
		"address": map[string]string{"street": "1 Infinite Loop", "city": "Cupertino", "postcode": "95014", "country": "US"}}
	put := func(path string, body map[string]any) {
		t.Helper()
		if r := b.API(t, "PUT", path, body, nil); r.StatusCode != 200 {
			t.Fatalf("PUT %s: %d %v", path, r.StatusCode, apptest.Problem(t, r))
		}
	}
	put("/settings", settings)
	put("/customers/"+itoa(acmeID), customer)
	var inv invoiceResp
	if r := b.API(t, "POST", "/invoices", map[string]any{"customerId": acmeID, "periodStart": periodStart, "periodEnd": periodEnd}, &inv); r.StatusCode != 201 {
		t.Fatalf("create: %d %v", r.StatusCode, apptest.Problem(t, r))
	}
	get := func(path string) (*http.Response, []byte) {
		t.Helper()
		r := b.API(t, "GET", path, nil, nil)
		var body bytes.Buffer
		_, _ = body.ReadFrom(r.Body)
		return r, body.Bytes()
	}
	base := "/invoices/" + itoa(inv.ID) + "/einvoice"
	for _, f := range einvoice.Formats {
		r, xml := get(base + "?format=" + string(f))
		if r.StatusCode != 200 {
			t.Fatalf("%s: %d %s", f, r.StatusCode, xml)
		}
		if ct, cd := r.Header.Get("Content-Type"), r.Header.Get("Content-Disposition"); ct != "application/xml; charset=utf-8" ||
			cd != fmt.Sprintf(`attachment; filename="%s.%s.xml"`, inv.Number, f) {
			t.Errorf("%s: Content-Type %q, Content-Disposition %q", f, ct, cd)
		}
		if err := einvoice.Check(xml); err != nil || !bytes.Contains(xml, []byte(inv.Total)) {
			t.Errorf("%s: %v, total %s stated: %v", f, err, inv.Total, bytes.Contains(xml, []byte(inv.Total)))
		}
	}
	r, pdf := get(base + "?format=facturx")
	if ct, cd := r.Header.Get("Content-Type"), r.Header.Get("Content-Disposition"); r.StatusCode != 200 || ct != "application/pdf" ||
		cd != fmt.Sprintf(`attachment; filename="%s.facturx.pdf"`, inv.Number) || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Errorf("facturx: %d, Content-Type %q, Content-Disposition %q", r.StatusCode, ct, cd)
	}
	for _, q := range []string{"", "?format=pdf", "?format=zugferd"} {
		r, body := get(base + q)
		if r.StatusCode != 400 || !strings.Contains(string(body), "ubl, cii, xrechnung, facturx") {
			t.Errorf("format %q: %d %s, want a 400 listing the formats", q, r.StatusCode, body)
		}
	}

	var cn struct{ CreditNote struct{ EInvoice string } }
	if r := b.API(t, "POST", "/invoices/"+itoa(inv.ID)+"/credit-notes", map[string]any{"amount": "10.00", "reason": "Goodwill"}, &cn); r.StatusCode != 201 {
		t.Fatalf("credit note: %d %v", r.StatusCode, apptest.Problem(t, r))
	}
	r, xml := get(strings.TrimPrefix(cn.CreditNote.EInvoice, "/api/v1") + "?format=cii")
	if r.StatusCode != 200 || einvoice.Check(xml) != nil || !bytes.Contains(xml, []byte("<ram:TypeCode>381</ram:TypeCode>")) {
		t.Fatalf("credit note e-invoice: %d %v\n%s", r.StatusCode, einvoice.Check(xml), xml)
	}

	without := func(m map[string]any, key string) map[string]any {
		out := maps.Clone(m)
		delete(out, key)
		return out
	}
	seller := settings["seller"].(map[string]any)
	sellerWithout := func(key string) map[string]any {
		out := maps.Clone(settings)
		out["seller"] = without(seller, key)
		return out
	}
	addressWithout := func(key string) map[string]any {
		out := maps.Clone(customer)
		a := maps.Clone(customer["address"].(map[string]string))
		delete(a, key)
		out["address"] = a
		return out
	}
	// The invoice keeps the details it was issued with: settings and the
	// customer losing theirs later leave its e-invoice as it was.
	put("/settings", sellerWithout("taxId"))
	put("/customers/"+itoa(acmeID), without(customer, "address"))
	if r, xml := get(base + "?format=cii"); r.StatusCode != 200 || einvoice.Check(xml) != nil {
		t.Fatalf("the invoice after the details changed: %d", r.StatusCode)
	}
	if r := b.API(t, "POST", base[:len(base)-len("/einvoice")]+"/void", nil, nil); r.StatusCode != 200 {
		t.Fatalf("void: %d", r.StatusCode)
	}
	for _, c := range []struct {
		field    string
		format   string
		settings map[string]any
		customer map[string]any
	}{
		{"settings.seller.taxId", "cii", sellerWithout("taxId"), customer},
		{"settings.seller.postalAddress", "cii", sellerWithout("postalAddress"), customer},
		{"settings.seller.email", "ubl", sellerWithout("email"), customer},
		{"settings.seller.phone", "xrechnung", sellerWithout("phone"), customer},
		{"settings.payment", "xrechnung", without(settings, "payment"), customer},
		{"customer.address", "cii", settings, without(customer, "address")},
		{"customer.address.postcode", "xrechnung", settings, addressWithout("postcode")},
		{"customer.buyerReference", "ubl", settings, without(customer, "buyerReference")},
		{"customer.buyerReference", "xrechnung", settings, without(customer, "buyerReference")},
		{"customer.peppolId", "ubl", settings, without(without(customer, "peppolId"), "billingEmail")},
	} {
		// An issued invoice keeps the details it was issued with: each case
		// issues one from the lacking details, then voids it to free the work.
		put("/settings", c.settings)
		put("/customers/"+itoa(acmeID), c.customer)
		var lacking invoiceResp
		if r := b.API(t, "POST", "/invoices", map[string]any{"customerId": acmeID, "periodStart": periodStart, "periodEnd": periodEnd}, &lacking); r.StatusCode != 201 {
			t.Fatalf("create without %s: %d %v", c.field, r.StatusCode, apptest.Problem(t, r))
		}
		r := b.API(t, "GET", "/invoices/"+itoa(lacking.ID)+"/einvoice?format="+c.format, nil, nil)
		p := apptest.Problem(t, r)
		errs, _ := p["errors"].(map[string]any)
		if r.StatusCode != 422 || errs[c.field] == nil {
			t.Errorf("%s without %s: %d %v, want a 422 naming it", c.format, c.field, r.StatusCode, p)
		}
		if r := b.API(t, "POST", "/invoices/"+itoa(lacking.ID)+"/void", nil, nil); r.StatusCode != 200 {
			t.Fatalf("void: %d", r.StatusCode)
		}
	}

}

package einvoice

import (
	"time"

	"testing"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/money"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func date(y, m, d int) invoice.Date {
	return invoice.Date{Year: y, Month: time.Month(m), Day: d}
}

// seller is a tenant's settings for a seller in country cc.
func seller(name, cc, taxID string, pay invoice.PaymentDetails) invoice.Settings {
	addr := map[string]invoice.Address{
		"DE": {Street: "Friedrichstraße 12\nHinterhaus", City: "Berlin", Postcode: "10117", Country: "DE"},
		"FR": {Street: "12 rue de Rivoli", City: "Paris", Postcode: "75001", Country: "FR"},
		"GB": {Street: "1 King's Road", City: "London", Postcode: "SW3 4ND", Country: "GB"},
		"US": {Street: "500 Market Street\nSuite 300\nFloor 3", City: "San Francisco", Postcode: "94105", Country: "US"},
		"JP": {Street: "1-1 Marunouchi", City: "Tokyo", Postcode: "100-0005", Country: "JP"},
	}[cc]
	return invoice.Settings{
		PaymentTermsDays: 30,
		Seller:           invoice.Seller{Name: name, TaxID: taxID, Email: "billing@" + cc + ".example", Phone: "+49 30 1234567", PostalAddress: addr},
		Payment:          pay,
	}
}

// buyer is a customer in country cc, billed in cur.
func buyer(name, cc string, cur money.Currency, rate string) invoice.Customer {
	addr := map[string]invoice.Address{
		"DE": {Street: "Hauptstraße 5", City: "München", Postcode: "80331", Country: "DE"},
		"BE": {Street: "Rue de la Loi 16", City: "Bruxelles", Postcode: "1000", Country: "BE"},
		"AT": {Street: "Ringstraße 1", City: "Wien", Postcode: "1010", Country: "AT"},
		"GB": {Street: "10 Downing Street", City: "London", Postcode: "SW1A 2AA", Country: "GB"},
		"US": {Street: "1 Infinite Loop", City: "Cupertino", Postcode: "95014", Country: "US"},
		"JP": {Street: "2-2 Otemachi", City: "Tokyo", Postcode: "100-0004", Country: "JP"},
		"KW": {Street: "Gulf Road 7", City: "Kuwait City", Postcode: "13001", Country: "KW"},
	}[cc]
	return invoice.Customer{
		Name: name, Currency: cur, HourlyRate: dec(rate), TaxRatePercent: dec("19"),
		BillingEmail: "ap@" + cc + ".example", Address: addr, BuyerReference: "PO-" + cc + "-7781",
	}
}

var (
	ibanDE = invoice.PaymentDetails{IBAN: "DE89370400440532013000", BIC: "COBADEFFXXX", AccountName: "Muster GmbH"}
	ibanGB = invoice.PaymentDetails{IBAN: "GB29NWBK60161331926819", BIC: "NWBKGB2L", AccountName: "Fog Ltd"}
	acctUS = invoice.PaymentDetails{AccountNumber: "Routing 121000358, account 000123456789", AccountName: "Bay Corp", Instructions: "ACH or wire to the account above."}
	textJP = invoice.PaymentDetails{Instructions: "Bank transfer to MUFG Bank, Marunouchi branch, ordinary account 1234567."}
)

// timeLine is a time line of seconds at rate, as BuildLines prices it.
func timeLine(key, what string, seconds int64, rate string, cur money.Currency, cat invoice.TaxCategory) invoice.LineItem {
	r := dec(rate)
	return invoice.TimeItem(invoice.Line{
		IssueKey: key, IssueID: "1" + key[len(key)-1:], Description: key + " " + what, Seconds: seconds,
		Hours: money.Hours(seconds), Rate: r, Amount: money.TimeAmount(seconds, r, cur),
	}, cur, cat)
}

func written(t testing.TB, cur money.Currency, def invoice.TaxCategory, in ...invoice.LineItemInput) []invoice.LineItem {
	t.Helper()
	items, err := invoice.CheckLineItems(in, cur, def)
	if err != nil {
		t.Fatal(err)
	}
	return items
}

func fixed(what, qty, price, cat string) invoice.LineItemInput {
	return invoice.LineItemInput{Kind: "fixed", Description: what, Quantity: qty, UnitPrice: price, TaxCategory: cat}
}

func expense(what, amount, receipt string) invoice.LineItemInput {
	return invoice.LineItemInput{Kind: "expense", Description: what, Amount: amount, Receipt: receipt}
}

func issue(t testing.TB, s invoice.Settings, c invoice.Customer, number string, lines []invoice.LineItem, d invoice.Discount) invoice.Document {
	t.Helper()
	doc, err := invoice.Issue(invoice.IssueInput{
		Settings: s, Customer: c, Number: number, IssueDate: date(2026, 11, 30),
		Period: invoice.Period{Start: date(2026, 11, 1), End: date(2026, 11, 30)}, Lines: lines, Discount: d,
		LatePaymentTerms: "Late payments bear interest at 9 points above the ECB reference rate and a 40 EUR recovery fee.",
		Today:            date(2026, 12, 3),
	})
	if err != nil {
		t.Fatalf("%s: %v", number, err)
	}
	return doc
}

func credit(t testing.TB, orig invoice.Document, number string, in invoice.CreditNoteInput) invoice.Document {
	t.Helper()
	inv := invoice.Invoice{ID: 1, Number: orig.Number, Status: invoice.StatusOpen, Currency: orig.Currency, Subtotal: orig.Totals.TaxableBase,
		Tax: orig.Totals.Tax, Total: orig.Totals.Total, Paid: decimal.Zero, LateFees: decimal.Zero, IssueDate: orig.IssueDate, DueDate: orig.DueDate}
	cn, err := invoice.IssueCreditNote(&inv, &orig, decimal.Zero, in, number, date(2026, 12, 2))
	if err != nil {
		t.Fatalf("%s: %v", number, err)
	}
	return cn.Document
}

func pct(s string) invoice.Discount { p := dec(s); return invoice.Discount{Percent: &p} }
func amt(s string) invoice.Discount { a := dec(s); return invoice.Discount{Amount: &a} }

// corpus is the documents every format is made of and held to the rules:
// five currencies (JPY with no minor digits, KWD with three), every tax
// category Remit issues, discounts by percent and by amount, time, fixed
// and expense lines, and credit notes by amount and by lines.
func corpus(t testing.TB) map[string]invoice.Document {
	t.Helper()
	out := map[string]invoice.Document{}

	de := seller("Muster GmbH", "DE", "DE123456789", ibanDE)
	acme := buyer("Acme AG", "DE", "EUR", "95")
	acme.PeppolID = "0204:991-12345-67"
	std := issue(t, de, acme, "INV-2026-0001", append([]invoice.LineItem{
		timeLine("ACME-1", "Checkout redesign", 20*60, "100", "EUR", invoice.TaxStandard), // 0.3333 h at 100.00 = 33.33
		timeLine("ACME-2", "Payment gateway", 7*3600+1234, "95.50", "EUR", invoice.TaxStandard),
	}, written(t, "EUR", invoice.TaxStandard,
		fixed("Monthly retainer", "1", "1500", ""),
		fixed("Licence seats", "3.5", "19.99", ""),
		expense("Train to Hamburg", "89.90", "DB-4711"))...), invoice.Discount{})
	out["eur-standard-time-fixed-expense"] = std

	out["eur-discount-percent-standard-and-zero"] = issue(t, de, acme, "INV-2026-0002", append([]invoice.LineItem{
		timeLine("ACME-3", "Consulting", 5*3600+600, "120", "EUR", invoice.TaxStandard),
	}, written(t, "EUR", invoice.TaxStandard,
		fixed("Printed manuals", "12", "7.25", "zero"),
		fixed("Workshop", "1", "800", ""))...), pct("7.5"))

	rc := buyer("Bruxelles Digital SRL", "BE", "EUR", "110")
	rc.TaxID, rc.TaxCategory, rc.TaxExemptionReason = "BE0123456749", invoice.TaxReverseCharge,
		"Reverse charge: VAT to be accounted for by the recipient, Art. 196 Directive 2006/112/EC"
	rc.PeppolID = "0208:0123456749"
	fr := seller("Atelier Dupont SAS", "FR", "FR40303265045", invoice.PaymentDetails{IBAN: "FR1420041010050500013M02606", BIC: "PSSTFRPPPAR"})
	reverse := issue(t, fr, rc, "F-2026-0042", append([]invoice.LineItem{
		timeLine("BXL-7", "Data migration", 12*3600+45*60, "110", "EUR", invoice.TaxReverseCharge),
	}, written(t, "EUR", invoice.TaxReverseCharge, fixed("Hosting setup", "1", "450", ""))...), invoice.Discount{})
	out["eur-reverse-charge"] = reverse

	ex := buyer("Akademie Süd e.V.", "DE", "EUR", "80")
	ex.TaxCategory, ex.TaxExemptionReason = invoice.TaxExempt, "Exempt under § 4 Nr. 21 UStG (educational services)"
	out["eur-exempt-amount-discount"] = issue(t, de, ex, "INV-2026-0003", append([]invoice.LineItem{
		timeLine("AKA-1", "Course preparation", 9*3600, "80", "EUR", invoice.TaxExempt),
	}, written(t, "EUR", invoice.TaxExempt, fixed("Seminar day", "2", "640", ""))...), amt("100"))

	ic := buyer("Wiener Werkstatt GmbH", "AT", "EUR", "90")
	ic.TaxID, ic.TaxCategory, ic.TaxExemptionReason = "ATU12345678", invoice.TaxIntraCommunity, "Intra-community supply, Art. 138 Directive 2006/112/EC"
	out["eur-intra-community"] = issue(t, de, ic, "INV-2026-0004",
		written(t, "EUR", invoice.TaxIntraCommunity, fixed("Configured edge devices", "4", "312.50", "")), invoice.Discount{})

	gb := seller("Fog Ltd", "GB", "GB980780684", ibanGB)
	gbc := buyer("Thames Water Plc", "GB", "GBP", "85")
	gbc.TaxRatePercent = dec("20")
	gbc.TaxID = "GB123456782"
	gbInv := issue(t, gb, gbc, "FOG-0107", append([]invoice.LineItem{
		timeLine("TW-11", "Incident review", 3*3600+20*60, "85", "GBP", invoice.TaxStandard),
		timeLine("TW-12", "Runbook", 50*60, "85", "GBP", invoice.TaxStandard),
	}, written(t, "GBP", invoice.TaxStandard, expense("Parking", "14.60", ""))...), amt("25.00"))
	out["gbp-standard-amount-discount"] = gbInv

	us := seller("Bay Corp", "US", "12-3456789", acctUS)
	usc := buyer("Cupertino Inc", "US", "USD", "150")
	usc.TaxCategory, usc.TaxExemptionReason = invoice.TaxOutOfScope, "Not subject to VAT: services to a US business"
	usc.TaxID = "98-7654321"
	out["usd-out-of-scope"] = issue(t, us, usc, "BAY-2026-0311", append([]invoice.LineItem{
		timeLine("CUP-4", "API integration", 41*3600+17*60, "150", "USD", invoice.TaxOutOfScope),
	}, written(t, "USD", invoice.TaxOutOfScope, expense("Flight SFO-SEA", "318.40", "UA-88"))...), invoice.Discount{})

	jp := seller("Tokyo Works KK", "JP", "T1234567890123", textJP)
	jpc := buyer("Osaka Trading KK", "JP", "JPY", "5000")
	jpc.TaxRatePercent = dec("10")
	jpInv := issue(t, jp, jpc, "TW-2026-0099", append([]invoice.LineItem{
		timeLine("OSA-1", "Translation review", 20*60, "5000", "JPY", invoice.TaxStandard), // 0.3333 h, 1667 yen
		timeLine("OSA-2", "Localisation", 2*3600+7*60, "5000", "JPY", invoice.TaxStandard),
	}, written(t, "JPY", invoice.TaxStandard, fixed("Style guide", "1.5", "3333", ""))...), pct("3"))
	out["jpy-standard-percent-discount"] = jpInv

	kw := buyer("Gulf Logistics KSC", "KW", "KWD", "25.500")
	kw.TaxCategory, kw.TaxExemptionReason = invoice.TaxExport, "Export of services outside the EU, § 3a UStG"
	out["kwd-export"] = issue(t, de, kw, "INV-2026-0005", append([]invoice.LineItem{
		timeLine("GULF-1", "Route optimisation", 6*3600, "25.500", "KWD", invoice.TaxExport),
	}, written(t, "KWD", invoice.TaxExport, fixed("Licence", "2", "120.250", ""))...), invoice.Discount{})

	out["cn-eur-standard-by-amount"] = credit(t, std, "CN-2026-0001", invoice.CreditNoteInput{Amount: "250.00", Reason: "Retainer reduced for November"})
	out["cn-eur-reverse-charge-by-lines"] = credit(t, reverse, "CN-2026-0002", invoice.CreditNoteInput{
		Lines: []invoice.LineItemInput{fixed("Hosting setup not delivered", "1", "450", "")}, Reason: "Hosting setup cancelled"})
	out["cn-gbp-by-amount"] = credit(t, gbInv, "FOG-CN-0003", invoice.CreditNoteInput{Amount: "40.00", Reason: "Goodwill"})
	out["cn-jpy-by-amount"] = credit(t, jpInv, "TW-CN-0001", invoice.CreditNoteInput{Amount: "1001", Reason: "Rounding dispute settled"})
	return out
}

package invoice

import (
	"bytes"
	"testing"

	"github.com/shopspring/decimal"
)

func TestCheckIssueDate(t *testing.T) {
	period := Period{Start: Date{2026, 11, 1}, End: Date{2026, 11, 30}}
	today := Date{2026, 12, 3}
	cases := []struct {
		issue Date
		ok    bool
	}{
		{Date{2026, 12, 3}, true},   // today
		{Date{2026, 11, 30}, true},  // the period's end
		{Date{2026, 11, 1}, true},   // its start: a retainer billed in advance
		{Date{2026, 10, 31}, false}, // before the period
		{Date{2026, 12, 4}, false},  // tomorrow
		{Date{}, false},
	}
	for _, c := range cases {
		err := CheckIssueDate(c.issue, period, today)
		if (err == nil) != c.ok {
			t.Errorf("CheckIssueDate(%s) = %v, want ok %v", c.issue, err, c.ok)
		}
		if err != nil && fieldsOf(t, err)["issueDate"] == "" {
			t.Errorf("CheckIssueDate(%s) does not name issueDate: %v", c.issue, err)
		}
	}
}

func germanSeller() Settings {
	s := Settings{BillingProjectKey: "BILL", Currency: "EUR", Timezone: "Europe/Berlin"}.WithDefaults()
	s.Seller = Seller{Name: "Northwind Consulting GmbH", TaxID: "DE123456789", Email: "billing@northwind.example",
		PostalAddress: Address{Street: "Hauptstraße 5", City: "Berlin", Postcode: "10115", Country: "DE"}}
	s.Payment = PaymentDetails{IBAN: "DE89 3704 0044 0532 0130 00", BIC: "COBADEFFXXX", AccountName: "Northwind Consulting GmbH"}
	return s
}

func frenchBuyer() Customer {
	return Customer{ID: 7, Name: "Société Lumière SARL", JQL: "project = SOC", Currency: "EUR", HourlyRate: dec("120"), TaxRatePercent: dec("19"),
		Address: Address{Street: "12 rue de la Paix", City: "Paris", Postcode: "75002", Country: "FR"}, TaxID: "FR40303265045",
		BuyerReference: "PO-7781", TaxCategory: TaxReverseCharge,
		TaxExemptionReason: "Reverse charge: VAT to be accounted for by the recipient, Art. 196 Directive 2006/112/EC"}
}

func issueInput() IssueInput {
	c := frenchBuyer()
	lines, _ := BuildLines(&c, 0, []Worklog{{ID: 1, IssueKey: "SOC-1", IssueSummary: "Data migration", Seconds: 1200}, {ID: 2, IssueKey: "SOC-2", IssueSummary: "Review", Seconds: 5400}})
	items := TimeItems(lines, &c)
	fixed, _ := CheckLineItems([]LineItemInput{{Kind: "fixed", Description: "Monthly retainer", Quantity: "1", UnitPrice: "500"}}, "EUR", c.DefaultTaxCategory())
	pct := dec("5")
	return IssueInput{
		Settings: germanSeller(), Customer: c, Number: "INV-2026-0042",
		IssueDate: Date{2026, 12, 1}, Period: Period{Start: Date{2026, 11, 1}, End: Date{2026, 11, 30}},
		Lines: append(items, fixed...), Discount: Discount{Percent: &pct},
		LatePaymentTerms: "Late payment bears simple interest from the day after the due date at the reference rate of the European Central Bank (its main refinancing rate on 1 January or 1 July of each half-year) plus 8 percentage points per year, and a fixed sum of EUR 40 is due as compensation for recovery costs, without a reminder (Directive 2011/7/EU).",
		Today:            Date{2026, 12, 3},
	}
}

func TestIssue(t *testing.T) {
	in := issueInput()
	doc, err := Issue(in)
	if err != nil {
		t.Fatal(err)
	}
	// 20 min at 120 = 40.00, 1.5 h = 180.00, retainer 500.00: 720.00; 5% off
	// = 36.00; reverse charge: no VAT; due after the tenant's 30 days.
	if !doc.Totals.Subtotal.Equal(dec("720")) || !doc.Totals.Discount.Equal(dec("36")) || !doc.Totals.Tax.IsZero() || !doc.Totals.Total.Equal(dec("684")) {
		t.Fatalf("totals %+v", doc.Totals)
	}
	if len(doc.Totals.Taxes) != 1 || doc.Totals.Taxes[0].Code != "AE" || doc.Totals.Taxes[0].Reason != in.Customer.TaxExemptionReason {
		t.Fatalf("tax breakdown %+v", doc.Totals.Taxes)
	}
	if doc.DueDate != (Date{2026, 12, 31}) || doc.Seller.Address.Country != "DE" || doc.Buyer.TaxID != "FR40303265045" ||
		doc.Buyer.BuyerReference != "PO-7781" || doc.Payment.IBAN != "DE89370400440532013000" || doc.Kind != KindInvoice {
		t.Fatalf("document %+v", doc)
	}
	if !doc.Lines[0].Quantity.Equal(dec("0.3333")) {
		t.Fatalf("20 minutes printed as %s h", doc.Lines[0].Quantity)
	}
	// The document is a snapshot: later edits of what it was made from
	// do not reach it.
	in.Lines[0].Description = "changed"
	in.Customer.Name = "changed"
	if doc.Lines[0].Description == "changed" || doc.Buyer.Name == "changed" {
		t.Fatal("the document shares memory with its input")
	}

	b, err := MarshalDocument(doc)
	if err != nil {
		t.Fatal(err)
	}
	back, err := UnmarshalDocument(b)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := MarshalDocument(back)
	if !bytes.Equal(b, again) {
		t.Fatalf("JSON does not round-trip:\n%s\n%s", b, again)
	}
	if !bytes.Contains(b, []byte(`"issueDate":"2026-12-01"`)) || !bytes.Contains(b, []byte(`"code":"AE"`)) {
		t.Fatalf("stored form %s", b)
	}
	if _, err := UnmarshalDocument([]byte(`{"version":99}`)); err == nil {
		t.Fatal("an unknown version was read")
	}
}

func TestIssueRefusesWhatALegalInvoiceLacks(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(in *IssueInput)
		field string
	}{
		{"no seller address", func(in *IssueInput) { in.Settings.Seller.PostalAddress = Address{} }, "settings.seller.postalAddress"},
		{"no seller tax id", func(in *IssueInput) { in.Settings.Seller.TaxID = "" }, "settings.seller.taxId"},
		{"no way to pay", func(in *IssueInput) { in.Settings.Payment = PaymentDetails{} }, "settings.payment"},
		{"no buyer address", func(in *IssueInput) { in.Customer.Address = Address{} }, "customer.address"},
		{"reverse charge without the buyer's VAT id", func(in *IssueInput) { in.Customer.TaxID = "" }, "customer.taxId"},
		{"issued before the period", func(in *IssueInput) { in.IssueDate = Date{2026, 10, 31} }, "issueDate"},
		{"issued tomorrow", func(in *IssueInput) { in.IssueDate = Date{2026, 12, 4} }, "issueDate"},
		{"due before issue", func(in *IssueInput) { in.DueDate = Date{2026, 11, 30} }, "dueDate"},
		{"no lines", func(in *IssueInput) { in.Lines = nil }, "lines"},
		{"no number", func(in *IssueInput) { in.Number = " " }, "number"},
		{"no late-payment terms", func(in *IssueInput) { in.LatePaymentTerms = "" }, "latePaymentTerms"},
		{"discount over the lines", func(in *IssueInput) { a := decimal.NewFromInt(10000); in.Discount = Discount{Amount: &a} }, "discount.amount"},
		{"an exempt line without a reason", func(in *IssueInput) { in.Lines[0].TaxCategory = TaxExempt }, "lines[0].taxCategory"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := issueInput()
			c.edit(&in)
			_, err := Issue(in)
			if f := fieldsOf(t, err); f[c.field] == "" {
				t.Fatalf("err %v, want one naming %s", err, c.field)
			}
		})
	}
}

// TestSnapshotKeepsWhatThereIs builds the document of an invoice issued in
// one step for a seller and buyer missing what Issue requires: it keeps
// what there is, with the same totals Issue computes, and refuses only a
// document without a number, lines or a due date.
func TestSnapshotKeepsWhatThereIs(t *testing.T) {
	in := issueInput()
	in.DueDate = Date{2026, 12, 31}
	full, err := Issue(in)
	if err != nil {
		t.Fatal(err)
	}
	in.Settings.Seller.PostalAddress, in.Settings.Seller.TaxID, in.Settings.Payment = Address{}, "", PaymentDetails{}
	in.Customer.Address, in.Customer.TaxID = Address{}, ""
	if _, err := Issue(in); err == nil {
		t.Fatal("Issue took a seller and buyer without addresses")
	}
	doc, err := Snapshot(in)
	if err != nil {
		t.Fatal(err)
	}
	if !doc.Totals.Total.Equal(full.Totals.Total) || doc.Number != full.Number || doc.DueDate != full.DueDate ||
		doc.PaymentTermsDays != 30 || doc.Seller.Name != full.Seller.Name || !doc.Buyer.Address.IsZero() || doc.LatePaymentTerms == "" {
		t.Fatalf("snapshot %+v, issued %+v", doc, full)
	}
	for field, edit := range map[string]func(*IssueInput){
		"number":  func(in *IssueInput) { in.Number = " " },
		"lines":   func(in *IssueInput) { in.Lines = nil },
		"dueDate": func(in *IssueInput) { in.DueDate = Date{2026, 11, 30} },
	} {
		bad := in
		edit(&bad)
		if _, err := Snapshot(bad); err == nil || fieldsOf(t, err)[field] == "" {
			t.Errorf("Snapshot without a valid %s: %v", field, err)
		}
	}
}

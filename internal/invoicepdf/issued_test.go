package invoicepdf

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/remit"
)

var (
	issueDay  = invoice.Date{Year: 2026, Month: 12, Day: 1}
	novPeriod = invoice.Period{Start: invoice.Date{Year: 2026, Month: 11, Day: 1}, End: invoice.Date{Year: 2026, Month: 11, Day: 30}}
)

func northwind() invoice.Settings {
	s := invoice.Settings{BillingProjectKey: "BILL", Currency: "EUR", Timezone: "Europe/Berlin"}.WithDefaults()
	s.Seller = invoice.Seller{Name: "Northwind Consulting GmbH", TaxID: "DE123456789", Email: "billing@northwind.example",
		PostalAddress: invoice.Address{Street: "Hauptstraße 5", City: "Berlin", Postcode: "10115", Country: "DE"}}
	s.Payment = invoice.PaymentDetails{IBAN: "DE89370400440532013000", BIC: "COBADEFFXXX", AccountName: "Northwind Consulting GmbH"}
	return s
}

// legalCase is one customer of the three the legal checks cover, with the
// text its PDF must show.
type legalCase struct {
	name string
	in   invoice.IssueInput
	want []string
}

func legalCases(t *testing.T) []legalCase {
	t.Helper()
	lines := func(c *invoice.Customer, extra ...invoice.LineItemInput) []invoice.LineItem {
		ls, _ := invoice.BuildLines(c, 0, []invoice.Worklog{
			{ID: 1, IssueKey: "DEV-1", IssueSummary: "Data migration", Seconds: 1200},
			{ID: 2, IssueKey: "DEV-2", IssueSummary: "Architecture review", Seconds: 5400},
		})
		items := invoice.TimeItems(ls, c)
		more, err := invoice.CheckLineItems(extra, c.Currency, c.DefaultTaxCategory())
		if err != nil {
			t.Fatal(err)
		}
		return append(items, more...)
	}
	pct := decimal.RequireFromString("5")
	off := decimal.RequireFromString("50.00")

	fr := invoice.Customer{Name: "Société Lumière SARL", Currency: "EUR", HourlyRate: dec("120"), TaxRatePercent: dec("19"),
		Address: invoice.Address{Street: "12 rue de la Paix", City: "Paris", Postcode: "75002", Country: "FR"}, TaxID: "FR40303265045",
		BuyerReference: "PO-7781", BillingEmail: "compta@lumiere.example", TaxCategory: invoice.TaxReverseCharge,
		TaxExemptionReason: "Reverse charge: VAT to be accounted for by the recipient, Art. 196 Directive 2006/112/EC"}
	uk := northwind()
	uk.Currency = "GBP"
	uk.Seller = invoice.Seller{Name: "Thames Digital Ltd", TaxID: "GB123456789", Email: "accounts@thames.example",
		PostalAddress: invoice.Address{Street: "1 Poultry", City: "London", Postcode: "EC2R 8EJ", Country: "GB"}}
	uk.Payment = invoice.PaymentDetails{IBAN: "GB29NWBK60161331926819", BIC: "NWBKGB2L", AccountName: "Thames Digital Ltd"}
	gb := invoice.Customer{Name: "Kestrel Analytics plc", Currency: "GBP", HourlyRate: dec("95"), TaxRatePercent: dec("20"),
		Address: invoice.Address{Street: "20 Deansgate", City: "Manchester", Postcode: "M3 1AZ", Country: "GB"}, TaxID: "GB987654321"}
	us := northwind()
	us.Payment = invoice.PaymentDetails{AccountName: "Northwind Consulting GmbH", AccountNumber: "Routing 026009593, account 1234567890",
		Instructions: "USD payments by ACH or wire to Bank of America, N.A., New York"}
	usc := invoice.Customer{Name: "Acme Rocket Works Inc.", Currency: "USD", HourlyRate: dec("150"), TaxRatePercent: dec("0"),
		Address: invoice.Address{Street: "350 Fifth Avenue", City: "New York, NY", Postcode: "10118", Country: "US"}, TaxID: "EIN 12-3456789",
		TaxCategory: invoice.TaxOutOfScope, TaxExemptionReason: "Not subject to German VAT: place of supply outside the EU (§ 3a (2) UStG)"}

	return []legalCase{
		{"EU reverse charge: a German seller billing a French business", invoice.IssueInput{
			Settings: northwind(), Customer: fr, Number: "INV-2026-0042", IssueDate: issueDay, Period: novPeriod,
			Lines:    lines(&fr, invoice.LineItemInput{Kind: "fixed", Description: "Monthly retainer", Quantity: "1", UnitPrice: "500"}),
			Discount: invoice.Discount{Percent: &pct}, Today: issueDay,
			LatePaymentTerms: "Late payment bears simple interest from the day after the due date at the reference rate of the European Central Bank (its main refinancing rate on 1 January or 1 July of each half-year) plus 8 percentage points per year, and a fixed sum of EUR 40 is due as compensation for recovery costs, without a reminder (Directive 2011/7/EU).",
		}, []string{
			"Northwind Consulting GmbH", "Hauptstraße 5", "10115 Berlin", "Germany", "VAT ID: DE123456789",
			"Société Lumière SARL", "12 rue de la Paix", "75002 Paris", "France", "VAT ID: FR40303265045", "Your reference: PO-7781",
			"INVOICE", "INV-2026-0042", "Issue date", "2026-12-01", "Due date", "2026-12-31", "Supply period", "2026-11-01 – 2026-11-30",
			"DEV-1 · Data migration", "0.3333 h", "120.00", "40.00", "DEV-2 · Architecture review", "1.50 h", "180.00",
			"Monthly retainer", "500.00", "AE",
			"Reverse charge (AE)", "AE: Reverse charge: VAT to be accounted for by the recipient, Art. 196 Directive 2006/112/EC",
			"Subtotal", "720.00 EUR", "Discount (5%)", "-36.00 EUR", "Net total", "684.00 EUR", "Reverse charge 0%", "0.00 EUR",
			"Total", "Balance due", "Currency", "EUR",
			"IBAN: DE89 3704 0044 0532 0130 00", "BIC: COBADEFFXXX", "Account holder: Northwind Consulting GmbH",
			"Late payment", "European Central Bank",
		}},
		{"UK VAT: a London seller billing a Manchester business", invoice.IssueInput{
			Settings: uk, Customer: gb, Number: "TD-2026-0007", IssueDate: issueDay, Period: novPeriod,
			Lines: lines(&gb,
				invoice.LineItemInput{Kind: "fixed", Description: "Dashboard licences", Quantity: "3", UnitPrice: "19.99"},
				invoice.LineItemInput{Kind: "expense", Description: "Rail fare London–Manchester", Amount: "84.50", Receipt: "LNER-55120", TaxCategory: "zero"}),
			Discount: invoice.Discount{Amount: &off}, Today: issueDay,
			LatePaymentTerms: "Late payment bears statutory simple interest from the day after the due date at 8% per year above the Bank of England base rate in force on the 31 December or 30 June before the half-year in which payment became late, and a fixed sum for recovery costs is due of GBP 40 on a debt under GBP 1,000, GBP 70 under GBP 10,000 and GBP 100 from GBP 10,000 (Late Payment of Commercial Debts (Interest) Act 1998).",
		}, []string{
			"Thames Digital Ltd", "1 Poultry", "EC2R 8EJ London", "United Kingdom", "VAT ID: GB123456789",
			"Kestrel Analytics plc", "20 Deansgate", "M3 1AZ Manchester", "VAT ID: GB987654321",
			"TD-2026-0007", "2026-12-01", "2026-12-31", "2026-11-01 – 2026-11-30",
			"0.3334 h", "95.00", "31.67", // 0.3333 × 95 = 31.66, 0.3334 × 95 = 31.67 "1.50 h", "142.50", "Dashboard licences", "3", "19.99", "59.97",
			"Expense: Rail fare London–Manchester (receipt", "LNER-55120)", "84.50", "20%", "0%",
			// 31.67 + 142.50 + 59.97 = 234.14 standard, 84.50 zero: 318.64;
			// 50.00 off shared 36.74 / 13.26; VAT 20% of 197.40 = 39.48.
			"VAT (S)", "Zero-rated (Z)", "197.40", "71.24", "39.48",
			"Subtotal", "318.64 GBP", "Discount", "-50.00 GBP", "268.64 GBP", "VAT 20%", "39.48 GBP", "Total", "308.12 GBP",
			"IBAN: GB29 NWBK 6016 1331 9268 19", "BIC: NWBKGB2L", "Late Payment of Commercial Debts", "GBP",
		}},
		{"US: a German seller billing a New York company", invoice.IssueInput{
			Settings: us, Customer: usc, Number: "INV-2026-0043", IssueDate: issueDay, Period: novPeriod,
			Lines: lines(&usc), Today: issueDay,
			LatePaymentTerms: "Overdue balances bear simple interest at 18% per year (1.5% per month), accruing daily from the day after the due date until paid, or at the highest rate permitted by law, if lower.",
		}, []string{
			"Northwind Consulting GmbH", "VAT ID: DE123456789", "Acme Rocket Works Inc.", "350 Fifth Avenue", "10118 New York, NY", "United States",
			"VAT ID: EIN 12-3456789", "INV-2026-0043", "0.3333 h", "150.00", "50.00", "1.50 h", "225.00", "O",
			"Not subject to VAT (O)", "O: Not subject to German VAT: place of supply outside the EU (§ 3a (2) UStG)",
			"Subtotal", "275.00 USD", "Not subject to VAT 0%", "0.00 USD", "Total", "Balance due", "275.00 USD",
			"Account: Routing 026009593, account 1234567890", "USD payments by ACH or wire", "1.5% per month", "USD",
		}},
	}
}

func TestRenderIssuedShowsWhatTheLawRequires(t *testing.T) {
	for _, c := range legalCases(t) {
		t.Run(c.name, func(t *testing.T) {
			doc, err := invoice.Issue(c.in)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := RenderIssued(&buf, Issued{Doc: doc, Balance: doc.Totals.Total, SiteURL: "https://northwind.atlassian.net"}); err != nil {
				t.Fatal(err)
			}
			if dir := os.Getenv("INVOICEPDF_OUT"); dir != "" {
				_ = os.WriteFile(dir+"/"+doc.Number+".pdf", buf.Bytes(), 0o600)
			}
			text := pdfText(t, buf.Bytes())
			for _, s := range c.want {
				if !strings.Contains(text, s) {
					t.Errorf("PDF text lacks %q", s)
				}
			}
			if strings.Contains(text, "Late fees") || strings.Contains(text, "Credit note") {
				t.Error("a fresh invoice shows what never happened")
			}
			if t.Failed() {
				t.Logf("PDF text:\n%s", text)
			}
		})
	}
}

// TestRenderIssuedShowsWhatFollowed: payments (one reversed), late fees,
// a waiver and a credit note are listed below the unchanged total, and
// the balance due counts them all.
func TestRenderIssuedShowsWhatFollowed(t *testing.T) {
	c := legalCases(t)[1]
	doc, err := invoice.Issue(c.in)
	if err != nil {
		t.Fatal(err)
	}
	x := Issued{
		Doc: doc, Status: "partially_paid",
		Payments: []PaidRow{
			{PaidOn: invoice.Date{Year: 2026, Month: 12, Day: 5}, Method: "bank-transfer", Amount: dec("100.00")},
			{PaidOn: invoice.Date{Year: 2026, Month: 12, Day: 6}, Method: "cheque", Amount: dec("50.00"), Reversed: true},
		},
		LateFees: dec("40.00"), FeesWaived: dec("10.00"),
		CreditNotes: []CreditRow{{Number: "CN-2026-0001", IssueDate: invoice.Date{Year: 2026, Month: 12, Day: 10}, Total: dec("24.00")}},
	}
	x.Balance = dec("214.12") // 308.12 + 40 − 10 − 100 − 24
	var buf bytes.Buffer
	if err := RenderIssued(&buf, x); err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("INVOICEPDF_OUT"); dir != "" {
		_ = os.WriteFile(dir+"/followed.pdf", buf.Bytes(), 0o600)
	}
	text := pdfText(t, buf.Bytes())
	for _, s := range []string{"PARTIALLY PAID", "Total", "308.12 GBP", "Late fees", "40.00 GBP", "Late fees waived", "-10.00 GBP",
		"Paid 2026-12-05", "-100.00 GBP", "Paid 2026-12-06 (reversed)", "(50.00 GBP)", "Credit note CN-2026-0001", "-24.00 GBP",
		"Balance due", "214.12 GBP", "Please pay 214.12 GBP by 2026-12-31, quoting invoice TD-2026-0007"} {
		if !strings.Contains(text, s) {
			t.Errorf("PDF text lacks %q", s)
		}
	}
	// The total stays above what followed, and the balance comes last.
	if i, j := strings.Index(text, "308.12 GBP"), strings.Index(text, "Balance due"); i < 0 || j < i || strings.Index(text, "Late fees") < i {
		t.Error("what followed is not below the total")
	}
	if t.Failed() {
		t.Logf("PDF text:\n%s", text)
	}
	x.Balance = dec("264.12") // forgets the reversed payment was reversed
	if err := RenderIssued(&bytes.Buffer{}, x); !remit.IsKind(err, remit.Invalid) {
		t.Fatalf("a balance the rows do not add up to: %v", err)
	}
}

func TestRenderCreditNote(t *testing.T) {
	c := legalCases(t)[0]
	doc, err := invoice.Issue(c.in)
	if err != nil {
		t.Fatal(err)
	}
	inv := invoice.Invoice{ID: 1, Number: doc.Number, Status: invoice.StatusOpen, Currency: doc.Currency, Total: doc.Totals.Total, IssueDate: doc.IssueDate}
	cn, err := invoice.IssueCreditNote(&inv, &doc, decimal.Zero, invoice.CreditNoteInput{Amount: "120.00", Reason: "Review hours billed twice"}, "CN-2026-0001", invoice.Date{Year: 2026, Month: 12, Day: 10})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := RenderCreditNote(&buf, cn.Document, ""); err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("INVOICEPDF_OUT"); dir != "" {
		_ = os.WriteFile(dir+"/"+cn.Number+".pdf", buf.Bytes(), 0o600)
	}
	text := pdfText(t, buf.Bytes())
	for _, s := range []string{"CREDIT NOTE", "CN-2026-0001", "Credits invoice", "INV-2026-0042", "Invoice date", "2026-12-01", "2026-12-10",
		"Reason: Review hours billed twice", "Credit on invoice INV-2026-0042", "120.00", "Reverse charge (AE)", "Art. 196",
		"Northwind Consulting GmbH", "VAT ID: DE123456789", "Société Lumière SARL", "VAT ID: FR40303265045", "75002 Paris",
		"Total credited", "120.00 EUR", "not a request for payment", "Credit note CN-2026-0001"} {
		if !strings.Contains(text, s) {
			t.Errorf("PDF text lacks %q", s)
		}
	}
	if strings.Contains(text, "Balance due") || strings.Contains(text, "Please pay") {
		t.Error("a credit note asks for payment")
	}
	if t.Failed() {
		t.Logf("PDF text:\n%s", text)
	}
	if err := RenderCreditNote(&bytes.Buffer{}, doc, ""); !remit.IsKind(err, remit.Invalid) {
		t.Fatalf("an invoice rendered as a credit note: %v", err)
	}
}

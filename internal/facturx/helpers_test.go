package facturx

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/invoicepdf"
)

// ciiExampleFile is the EN 16931 working group's valid CII invoice,
// relative to the repository root (third-party data, kept outside it).
const ciiExampleFile = "../shared/einvoice/examples/cii-valid.xml"

// repoRoot is the nearest directory above the working directory with a
// go.mod: where `go test` runs from, the test's package directory, sits
// inside it.
func repoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the working directory")
		}
		dir = parent
	}
}

func ciiExample(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot(t), ciiExampleFile))
	if err != nil {
		t.Fatalf("the CII example is missing (%v): the shared EN 16931 data must sit beside the repository", err)
	}
	return b
}

var issueDay = invoice.Date{Year: 2026, Month: 12, Day: 1}

// meta is what the endpoint passes for the invoice renderedInvoice draws.
func meta() Meta {
	return Meta{
		Title:   "Invoice INV-2026-0042",
		Author:  "Northwind Consulting GmbH",
		Created: issueDay.Start(time.UTC),
	}
}

// renderedInvoice is the printable PDF of a realistic invoice: a German
// seller billing a French business under reverse charge, time and fixed
// lines, a discount, bank details and late-payment terms.
func renderedInvoice(t testing.TB) []byte {
	t.Helper()
	return renderInvoice(t, 0)
}

// renderInvoice is renderedInvoice with extra worklogs, each a line.
func renderInvoice(t testing.TB, extra int) []byte {
	t.Helper()
	s := invoice.Settings{BillingProjectKey: "BILL", Currency: "EUR", Timezone: "Europe/Berlin"}.WithDefaults()
	s.Seller = invoice.Seller{Name: "Northwind Consulting GmbH", TaxID: "DE123456789", Email: "billing@northwind.example",
		PostalAddress: invoice.Address{Street: "Hauptstraße 5", City: "Berlin", Postcode: "10115", Country: "DE"}}
	s.Payment = invoice.PaymentDetails{IBAN: "DE89370400440532013000", BIC: "COBADEFFXXX", AccountName: "Northwind Consulting GmbH"}
	c := invoice.Customer{Name: "Société Lumière SARL", Currency: "EUR", HourlyRate: decimal.RequireFromString("120"),
		TaxRatePercent: decimal.RequireFromString("19"), TaxID: "FR40303265045", BuyerReference: "PO-7781",
		Address:     invoice.Address{Street: "12 rue de la Paix", City: "Paris", Postcode: "75002", Country: "FR"},
		TaxCategory: invoice.TaxReverseCharge, BillingEmail: "compta@lumiere.example",
		TaxExemptionReason: "Reverse charge: VAT to be accounted for by the recipient, Art. 196 Directive 2006/112/EC"}
	worklogs := []invoice.Worklog{
		{ID: 1, IssueKey: "DEV-1", IssueSummary: "Data migration", Seconds: 1200},
		{ID: 2, IssueKey: "DEV-2", IssueSummary: "Architecture review", Seconds: 5400},
	}
	for i := range extra {
		worklogs = append(worklogs, invoice.Worklog{ID: int64(3 + i), IssueKey: fmt.Sprintf("DEV-%d", 3+i),
			IssueSummary: "Investigate, fix and verify the reported behaviour", Seconds: int64(900 + 60*i)})
	}
	ls, _ := invoice.BuildLines(&c, 0, worklogs)
	fixed, err := invoice.CheckLineItems([]invoice.LineItemInput{
		{Kind: "fixed", Description: "Monthly retainer", Quantity: "1", UnitPrice: "500"},
	}, c.Currency, c.DefaultTaxCategory())
	if err != nil {
		t.Fatal(err)
	}
	pct := decimal.RequireFromString("5")
	doc, err := invoice.Issue(invoice.IssueInput{
		Settings: s, Customer: c, Number: "INV-2026-0042", IssueDate: issueDay,
		Period: invoice.Period{Start: invoice.Date{Year: 2026, Month: 11, Day: 1}, End: invoice.Date{Year: 2026, Month: 11, Day: 30}},
		Lines:  append(invoice.TimeItems(ls, &c), fixed...), Discount: invoice.Discount{Percent: &pct}, Today: issueDay,
		LatePaymentTerms: "Interest at 9 percentage points above the ECB base rate and a flat EUR 40 per invoice (Directive 2011/7/EU).",
	})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := invoicepdf.RenderIssued(&buf, invoicepdf.Issued{Doc: doc, Balance: doc.Totals.Total, SiteURL: "https://northwind.atlassian.net"}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// embedded is the Factur-X file of renderedInvoice and the CII example,
// written to a temporary file for the command-line readers.
func embedded(t testing.TB) (pdf, xml []byte, path string) {
	t.Helper()
	xml = ciiExample(t)
	pdf, err := Embed(renderedInvoice(t), xml, meta())
	if err != nil {
		t.Fatalf("Embed: %v", err)
	}
	return pdf, xml, writeTemp(t, "factur-x.pdf", pdf)
}

func writeTemp(t testing.TB, name string, b []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// run runs a command-line PDF reader and returns its standard output; a
// missing tool, a failure or anything on standard error fails the test.
// The tools come from scripts/deps.sh (poppler-utils, qpdf).
func run(t testing.TB, name string, args ...string) string {
	t.Helper()
	bin, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is not installed: run scripts/deps.sh", name)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil || stderr.Len() > 0 {
		t.Fatalf("%s %v: %v\n%s%s", name, args, err, stderr.Bytes(), stdout.Bytes())
	}
	return stdout.String()
}

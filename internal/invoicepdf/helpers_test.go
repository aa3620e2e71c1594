package invoicepdf

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/money"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// line builds an invoice line whose amount is hours × rate in cur.
func line(key, desc string, seconds int64, r string, cur money.Currency) invoice.Line {
	return invoice.Line{
		IssueKey:    key,
		Description: desc,
		Seconds:     seconds,
		Hours:       money.Hours(seconds),
		Rate:        dec(r),
		Amount:      money.TimeAmount(seconds, dec(r), cur),
	}
}

// newDocument is a complete, consistent document: the totals are computed
// from the lines the way the domain computes them.
func newDocument(cur money.Currency, lines ...invoice.Line) Document {
	d := Document{
		Seller: invoice.Seller{
			Name:    "Northwind Consulting GmbH",
			Address: "Hauptstraße 5\n10115 Berlin\nGermany",
			TaxID:   "DE123456789",
			Email:   "billing@northwind.example",
		},
		Buyer: Buyer{
			Name:  "Acme Rocket Works Ltd",
			Email: "ap@acme.example",
			Lines: []string{"1 Launch Pad Road", "Cape Canaveral, FL 32920"},
		},
		Number:              "INV-2026-0042",
		Status:              "open",
		Currency:            cur,
		IssueDate:           invoice.Date{Year: 2026, Month: 11, Day: 1},
		DueDate:             invoice.Date{Year: 2026, Month: 12, Day: 1},
		Period:              invoice.Period{Start: invoice.Date{Year: 2026, Month: 10, Day: 1}, End: invoice.Date{Year: 2026, Month: 10, Day: 31}},
		PaymentTermsDays:    30,
		Lines:               lines,
		TaxPercent:          dec("8.875"),
		PaymentInstructions: "Bank transfer to IBAN DE89 3704 0044 0532 0130 00\nBIC COBADEFFXXX",
		SiteURL:             "https://acme.atlassian.net",
	}
	for _, l := range lines {
		d.Subtotal = d.Subtotal.Add(l.Amount)
	}
	d.Tax = money.Percent(d.Subtotal, d.TaxPercent, cur)
	d.Total = d.Subtotal.Add(d.Tax)
	d.Balance = d.Total.Add(d.LateFees).Sub(d.Paid)
	return d
}

// manyLines makes n lines with distinct keys and descriptions long enough
// to wrap.
func manyLines(n int, cur money.Currency) []invoice.Line {
	lines := make([]invoice.Line, n)
	for i := range lines {
		desc := fmt.Sprintf("Work item %d: investigate, fix and verify the reported behaviour", i+1)
		if i%7 == 0 {
			desc += " including a regression test, a review round and release notes for the customer"
		}
		lines[i] = line(fmt.Sprintf("ACME-%d", i+1), desc, int64(900+(i*37)%20000), "95.00", cur)
	}
	return lines
}

func render(t testing.TB, d Document) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, d); err != nil {
		t.Fatalf("Render: %v", err)
	}
	return buf.Bytes()
}

// pdfText is the text pdftotext reads back from pdf, laid out as printed.
// Missing pdftotext fails the test: these checks are the point of the suite.
func pdfText(t testing.TB, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Fatal("pdftotext (poppler-utils) is not installed: run scripts/deps.sh")
	}
	in := filepath.Join(t.TempDir(), "invoice.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-layout", "-enc", "UTF-8", in, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return string(out)
}

// pages splits pdftotext output into pages (it separates them with form feeds).
func pages(text string) []string {
	return strings.Split(strings.TrimSuffix(text, "\f"), "\f")
}

package einvoice

import (
	"fmt"
	"testing"

	"github.com/remitapp/remit/internal/invoice"
)

// sized is the corpus's first invoice with n time lines, the sizes
// invoicepdf's BenchmarkRender draws.
func sized(b *testing.B, n int) invoice.Document {
	doc := corpus(b)["eur-standard-time-fixed-expense"]
	doc.Lines = nil
	for i := range n {
		doc.Lines = append(doc.Lines, timeLine(fmt.Sprintf("ACME-%d", i+1), "Work on the thing", int64(600+i*97), "95.50", "EUR", invoice.TaxStandard))
	}
	t, err := invoice.DocumentTotalsOf(doc.Lines, invoice.Discount{}, invoice.TaxTerms{StandardRate: dec("19")}, "EUR")
	if err != nil {
		b.Fatal(err)
	}
	doc.Totals = t
	return doc
}

// BenchmarkGenerate is the time to make one e-invoice, its rules checked
// on the XML read back, for invoices of 50 and 1,000 lines; compare with
// invoicepdf's BenchmarkRender (docs/performance.md).
func BenchmarkGenerate(b *testing.B) {
	for _, n := range []int{50, 1000} {
		doc := sized(b, n)
		for _, f := range Formats {
			b.Run(fmt.Sprintf("%d-lines/%s", n, f), func(b *testing.B) {
				var size int
				for b.Loop() {
					out, err := Generate(&doc, f)
					if err != nil {
						b.Fatal(err)
					}
					size = len(out)
				}
				b.ReportMetric(float64(size), "xml-bytes")
			})
		}
	}
}

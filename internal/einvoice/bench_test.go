package einvoice

import "testing"

// BenchmarkGenerate is the time to make one e-invoice of a five-line
// invoice, rules checked; compare with invoicepdf's BenchmarkRender*.
func BenchmarkGenerate(b *testing.B) {
	doc := corpus(b)["eur-standard-time-fixed-expense"]
	for _, f := range Formats {
		b.Run(string(f), func(b *testing.B) {
			for b.Loop() {
				if _, err := Generate(&doc, f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

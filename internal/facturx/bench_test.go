package facturx

import "testing"

// BenchmarkEmbed measures embedding the EN 16931 example CII (34 KB) in a
// one-page rendered invoice; pdf-bytes is the size of the result.
func BenchmarkEmbed(b *testing.B) {
	src, cii := renderedInvoice(b), ciiExample(b)
	var out []byte
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if out, err = Embed(src, cii, meta()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(out)), "pdf-bytes")
}

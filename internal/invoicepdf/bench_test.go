package invoicepdf

import (
	"bytes"
	"strconv"
	"testing"
)

// BenchmarkRender measures a typical monthly invoice and a very large one;
// bytes/op (via SetBytes) is the size of the PDF produced.
func BenchmarkRender(b *testing.B) {
	for _, n := range []int{50, 1000} {
		d := newDocument("USD", manyLines(n, "USD")...)
		b.Run(strconv.Itoa(n)+"-lines", func(b *testing.B) {
			var buf bytes.Buffer
			b.ReportAllocs()
			for b.Loop() {
				buf.Reset()
				if err := Render(&buf, d); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(buf.Len()), "pdf-bytes")
		})
	}
}

package customerportal_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/httpapi"
)

// BenchmarkCustomerPage measures the customer page as a phone would load
// it: time to first byte and weight of GET /c/{token} (the database read,
// the template, the edge's middleware), against a static file of the
// very same HTML served by net/http's file server on the same machine.
// Figures and the command are in docs/performance.md.
func BenchmarkCustomerPage(b *testing.B) {
	bundle := setup(b)
	ts := bundle.edge(b, httpapi.RateLimit{PerSecond: 1e9, Burst: 1 << 30}, httpapi.RateLimit{PerSecond: 1e9, Burst: 1 << 30})
	_, token := bundle.access(b)
	page := pageOf(ts, token)
	resp, html := get(b, page)
	if resp.StatusCode != http.StatusOK {
		b.Fatalf("page: %d", resp.StatusCode)
	}
	dir := b.TempDir()
	static := httptest.NewServer(http.FileServer(http.Dir(dir)))
	b.Cleanup(static.Close)
	if err := writeFile(dir+"/page.html", html); err != nil {
		b.Fatal(err)
	}
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	_, _ = zw.Write([]byte(html))
	_ = zw.Close()

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1, DisableCompression: true}}
	ttfb := func(u string) time.Duration {
		start := time.Now()
		r, err := client.Get(u)
		if err != nil {
			b.Fatal(err)
		}
		first := time.Since(start) // headers read: the first byte is in
		_, _ = io.Copy(io.Discard, r.Body)
		r.Body.Close()
		return first
	}
	for range 20 { // warm the connection, the pool and the caches
		ttfb(page)
		ttfb(static.URL + "/page.html")
	}
	var dyn, stat time.Duration
	b.ResetTimer()
	for b.Loop() {
		dyn += ttfb(page)
		stat += ttfb(static.URL + "/page.html")
	}
	b.StopTimer()
	n := float64(b.N)
	b.ReportMetric(float64(dyn.Microseconds())/n, "page-ttfb-µs")
	b.ReportMetric(float64(stat.Microseconds())/n, "static-ttfb-µs")
	b.ReportMetric(float64(len(html)), "page-bytes")
	b.ReportMetric(float64(z.Len()), "page-gzip-bytes")
}

func writeFile(path, s string) error {
	return os.WriteFile(path, []byte(s), 0o644)
}

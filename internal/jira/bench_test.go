package jira

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// okTransport answers every request at once, so the benchmarks measure
// only what our transports add per request.
type okTransport struct{}

func (okTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, Header: http.Header{}, Body: http.NoBody, Request: r}, nil
}

func benchRequest(b *testing.B) *http.Request {
	req, err := http.NewRequest("GET", "https://acme.atlassian.net/rest/api/3/search/jql?jql=project%20%3D%20BILL&fields=key&fields=summary&nextPageToken=abc", nil)
	if err != nil {
		b.Fatal(err)
	}
	return req
}

func BenchmarkSigningTransport(b *testing.B) {
	now := time.Unix(1_800_000_000, 0)
	rt := &SigningTransport{Base: okTransport{}, AppKey: testAppKey, ClientKey: testClientKey, Secret: testSecret,
		SiteBaseURL: "https://acme.atlassian.net", Now: func() time.Time { return now }}
	req := benchRequest(b)
	b.ReportAllocs()
	for b.Loop() {
		resp, err := rt.RoundTrip(req)
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
	}
}

func BenchmarkRetryAndSigningTransport(b *testing.B) {
	now := time.Unix(1_800_000_000, 0)
	sign := &SigningTransport{Base: okTransport{}, AppKey: testAppKey, ClientKey: testClientKey, Secret: testSecret,
		SiteBaseURL: "https://acme.atlassian.net", Now: func() time.Time { return now }}
	rt := &RetryTransport{Base: sign, Now: func() time.Time { return now }, Metrics: NewMetrics(nil)}
	req := benchRequest(b)
	b.ReportAllocs()
	for b.Loop() {
		resp, err := rt.RoundTrip(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

func BenchmarkEndpoint(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if !strings.HasPrefix(Endpoint("/jira/acme/rest/api/3/issue/BILL-123/comment/10001"), "/rest") {
			b.Fatal("bad template")
		}
	}
}

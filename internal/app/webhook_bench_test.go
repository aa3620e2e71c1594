package app_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/apptest"
	"github.com/remitapp/remit/internal/connect"
	"github.com/remitapp/remit/internal/loadgen"
)

// BenchmarkWebhookEndpoint drives POST /webhooks/jira over loopback with
// 32 concurrent clients: each delivery is JWT-verified (HS256 + qsh),
// deduplicated and enqueued as a durable job in one transaction. Reported:
// req/s and p50/p99 latency in milliseconds.
func BenchmarkWebhookEndpoint(b *testing.B) {
	atl := apptest.NewAtlassian(b)
	s := apptest.Start(b, apptest.Options{KeysURL: atl.KeysURL})
	const secret = "bench-secret-0123456789abcdef0123"
	atl.Install(b, s, appKey, "bench-site", secret)
	u, _ := url.Parse(s.URL + "/webhooks/jira")
	body := []byte(`{"timestamp":1700000000000,"webhookEvent":"jira:issue_updated","user":{"accountId":"557058:a"},"issue":{"id":"10001","key":"BILL-1","fields":{"summary":"Invoice INV-2026-0001"}},"changelog":{"id":"1","items":[{"field":"status","fieldtype":"jira","from":"1","fromString":"Sent","to":"3","toString":"Paid"}]}}`)
	b.ResetTimer()
	res, err := loadgen.Run(context.Background(), loadgen.Options{
		Requests:    max(b.N, 200),
		Concurrency: 32,
		Make: func(i int) (*http.Request, error) {
			tok, err := connect.SignRequest(secret, "bench-site", "", http.MethodPost, u, "", s.Now(), 3*time.Minute)
			if err != nil {
				return nil, err
			}
			req, err := http.NewRequest(http.MethodPost, u.String(), bytes.NewReader(body))
			if err != nil {
				return nil, err
			}
			req.Header.Set("Authorization", "JWT "+tok)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Atlassian-Webhook-Identifier", "bench-"+strconv.Itoa(i))
			return req, nil
		},
	})
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
	if res.Errors > 0 || res.Status[http.StatusNoContent] != len(res.Latency) {
		b.Fatalf("not every delivery accepted: %v", res)
	}
	b.ReportMetric(res.RPS(), "req/s")
	b.ReportMetric(float64(res.Percentile(50).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(res.Percentile(99).Microseconds())/1000, "p99-ms")
	b.Logf("%v", res)
}

package connect

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// BenchmarkVerifyRequest measures Verify on a webhook-like POST with a
// realistic Jira token (iss, iat, exp, qsh, context) in the header, the
// per-delivery authentication cost of the webhook route.
func BenchmarkVerifyRequest(b *testing.B) {
	const target = "https://remit.test/webhooks/jira?user_id=557058%3A0f3a9b2c-1d4e-4f5a-8b6c-7d8e9f0a1b2c&user_key=JIRAUSER10000"
	req := httptest.NewRequest(http.MethodPost, target, nil)
	claims := jwt.MapClaims{
		"iss":     "tenant-a",
		"sub":     "557058:0f3a9b2c-1d4e-4f5a-8b6c-7d8e9f0a1b2c",
		"iat":     testNow.Unix(),
		"exp":     testNow.Add(3 * time.Minute).Unix(),
		"qsh":     QSHForURL(http.MethodPost, req.URL, ""),
		"context": map[string]any{},
	}
	req.Header.Set("Authorization", "JWT "+hs256(b, "secret-a", claims))
	v := &Verifier{Tenants: testTenants(), Now: fixedClock}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := v.Verify(b.Context(), req, RequestToken); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCanonicalRequest measures the qsh canonicaliser on an iframe
// load URL with the usual Connect parameters.
func BenchmarkCanonicalRequest(b *testing.B) {
	const query = "issueKey=ACME-1&projectKey=ACME&xdm_e=https%3A%2F%2Facme.atlassian.net&xdm_c=channel-remit&cp=&lic=active&cv=1001.0.0&jwt=x.y.z"
	b.ReportAllocs()
	for b.Loop() {
		_ = QSH(http.MethodGet, "/pages/issue-panel", query, "")
	}
}

package jira

import (
	"net/http"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

func TestEndpoint(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"/rest/api/3/issue/BILL-123/comment", "/rest/api/3/issue/{key}/comment"},
		{"/rest/api/3/issue/10042/comment/20001", "/rest/api/3/issue/{key}/comment/{id}"},
		{"/jira/acme/rest/api/3/issue/BILL-1/worklog/7", "/rest/api/3/issue/{key}/worklog/{id}"},
		{"/rest/api/3/issue/BILL-1/properties/remit-invoice", "/rest/api/3/issue/{key}/properties/{propertyKey}"},
		{"/rest/api/3/issue/BILL-1/transitions", "/rest/api/3/issue/{key}/transitions"},
		{"/rest/api/3/issue", "/rest/api/3/issue"},
		{"/rest/api/3/issue/bulk", "/rest/api/3/issue/bulk"},
		{"/rest/api/3/project/BILL", "/rest/api/3/project/{key}"},
		{"/rest/api/3/project/search", "/rest/api/3/project/search"},
		{"/rest/api/3/project/BILL/statuses", "/rest/api/3/project/{key}/statuses"},
		{"/rest/api/3/issuetype/project", "/rest/api/3/issuetype/project"},
		{"/rest/api/3/issuetype/10001", "/rest/api/3/issuetype/{id}"},
		{"/rest/api/3/worklog/list", "/rest/api/3/worklog/list"},
		{"/rest/api/3/worklog/updated", "/rest/api/3/worklog/updated"},
		{"/rest/api/3/search/jql", "/rest/api/3/search/jql"},
		{"/rest/api/3/permissions/check", "/rest/api/3/permissions/check"},
		{"/rest/api/3/issueLink/10100", "/rest/api/3/issueLink/{id}"},
		{"/rest/api/2/myself", "/rest/api/2/myself"},
		{"/rest/agile/1.0/board/12", "/rest/agile/1.0/board/{id}"},
		{"/rest/atlassian-connect/1/addons/io.remit.jira/properties/x", "/rest/atlassian-connect/1/addons/{appKey}/properties/{propertyKey}"},
		{"/rest/api/3/user/5be24ad8b1653240376955d2", "/rest/api/3/user/{id}"},
		{"/rest/api/3/thing/BILL", "/rest/api/3/thing/{key}"},
		{"/rest/api/3/thing/a%2Fb", "/rest/api/3/thing/{id}"},
		{"/rest/api/3/issue/", "/rest/api/3/issue"},
		{"", "/"},
		{"/_edge/tenant_info", "/_edge/tenant_info"},
	}
	for _, tc := range tests {
		if got := Endpoint(tc.in); got != tc.want {
			t.Errorf("Endpoint(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestMetricsLabelsAreTemplated(t *testing.T) {
	t.Parallel()
	_, srv := newScripted(t, status(429, "Retry-After", "1", "RateLimit-Reason", "jira-burst-based"), status(200), status(201))
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	rt := newRetry(newClock(), m)
	for _, p := range []string{"/rest/api/3/issue/BILL-123/comment", "/rest/api/3/issue/BILL-124/comment"} {
		if _, err := send(t, rt, "POST", srv.URL+p, `{}`); err != nil {
			t.Fatal(err)
		}
	}
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, f := range families {
		for _, metric := range f.GetMetric() {
			for _, l := range metric.GetLabel() {
				if strings.Contains(l.GetValue(), "BILL") {
					t.Errorf("%s has raw key in label %s=%s", f.GetName(), l.GetName(), l.GetValue())
				}
				seen[f.GetName()+" "+l.GetName()+"="+l.GetValue()] = true
			}
		}
	}
	for _, want := range []string{
		"remit_jira_requests_total endpoint=/rest/api/3/issue/{key}/comment",
		"remit_jira_requests_total status=429",
		"remit_jira_requests_total status=201",
		"remit_jira_request_duration_seconds method=POST",
		"remit_jira_ratelimited_total reason=jira-burst-based",
		"remit_jira_retries_total reason=rate_limited",
	} {
		if !seen[want] {
			t.Errorf("missing %s", want)
		}
	}
	if got := counterValue(t, m.Requests, "/rest/api/3/issue/{key}/comment", "POST", "201"); got != 1 {
		t.Errorf("201 count %v", got)
	}
	if got := counterValue(t, m.Requests, "/rest/api/3/issue/{key}/comment", "POST", "200"); got != 1 {
		t.Errorf("200 count %v", got)
	}
}

func TestLimitReasonIsClosed(t *testing.T) {
	t.Parallel()
	tests := []struct{ header, value, want string }{
		{"RateLimit-Reason", "jira-quota-tenant-based", "jira-quota-tenant-based"},
		{"X-Beta-RateLimit-Reason", "jira-burst-based", "jira-burst-based"},
		{"RateLimit-Reason", "BILL-123 something", "other"},
		{"", "", "unspecified"},
	}
	for _, tc := range tests {
		h := http.Header{}
		if tc.header != "" {
			h.Set(tc.header, tc.value)
		}
		if got := limitReason(h); got != tc.want {
			t.Errorf("limitReason(%s: %s) = %s, want %s", tc.header, tc.value, got, tc.want)
		}
	}
}

func counterValue(t *testing.T, v *prometheus.CounterVec, labels ...string) float64 {
	t.Helper()
	var m dto.Metric
	if err := v.WithLabelValues(labels...).Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}

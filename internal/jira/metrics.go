package jira

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the Prometheus collectors of outbound Jira traffic. Labels
// carry templated endpoints only, never issue keys or ids, so that their
// cardinality stays bounded across thousands of tenants. A nil *Metrics
// records nothing.
type Metrics struct {
	Requests    *prometheus.CounterVec   // remit_jira_requests_total{endpoint,method,status}
	Duration    *prometheus.HistogramVec // remit_jira_request_duration_seconds{endpoint,method}
	RateLimited *prometheus.CounterVec   // remit_jira_ratelimited_total{reason}
	Retries     *prometheus.CounterVec   // remit_jira_retries_total{reason}
}

// NewMetrics builds the collectors and registers them on reg (skipped when
// reg is nil, e.g. in tests that read the collectors directly).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "remit_jira_requests_total",
			Help: "HTTP requests sent to Jira sites, one per attempt, by templated endpoint, method and status (\"error\" when no response came back).",
		}, []string{"endpoint", "method", "status"}),
		Duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "remit_jira_request_duration_seconds",
			Help:    "Time to the response headers of one attempt of a Jira request.",
			Buckets: []float64{.025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"endpoint", "method"}),
		RateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "remit_jira_ratelimited_total",
			Help: "Rate-limit signals from Jira: 429 responses by RateLimit-Reason, and near_limit warnings.",
		}, []string{"reason"}),
		Retries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "remit_jira_retries_total",
			Help: "Jira request attempts repeated, by cause (rate_limited, server_error, network).",
		}, []string{"reason"}),
	}
	if reg != nil {
		reg.MustRegister(m.Requests, m.Duration, m.RateLimited, m.Retries)
	}
	return m
}

func (m *Metrics) observe(endpoint, method, status string, d time.Duration) {
	if m == nil {
		return
	}
	m.Requests.WithLabelValues(endpoint, method, status).Inc()
	m.Duration.WithLabelValues(endpoint, method).Observe(d.Seconds())
}

func (m *Metrics) rateLimited(reason string) {
	if m == nil {
		return
	}
	m.RateLimited.WithLabelValues(reason).Inc()
}

func (m *Metrics) retried(reason string) {
	if m == nil {
		return
	}
	m.Retries.WithLabelValues(reason).Inc()
}

func limitReason(h http.Header) string {
	r := h.Get("RateLimit-Reason")
	if r == "" {
		r = h.Get("X-RateLimit-Reason")
	}
	if r == "" {
		r = h.Get("X-Beta-RateLimit-Reason")
	}
	switch {
	case r == "":
		return "unspecified"
	case knownLimitReason(r):
		return r
	default:
		return "other"
	}
}

// knownLimitReason reports the RateLimit-Reason values Jira is known to
// send; anything else is counted as "other" to keep the label set closed.
func knownLimitReason(r string) bool {
	switch r {
	case "jira-cost-based", "jira-quota-based", "jira-quota-tenant-based", "jira-quota-global-based",
		"jira-burst-based", "jira-per-issue-on-write", "jira-user-based", "jira-concurrent-requests":
		return true
	}
	return false
}

package httpapi

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the HTTP edge's Prometheus collectors.
type Metrics struct {
	requests *prometheus.HistogramVec
	webhooks *prometheus.CounterVec
}

// NewMetrics registers the edge's collectors on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "remit_http_request_duration_seconds",
			Help:    "Latency of HTTP requests by registered route, method and status.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "method", "status"}),
		webhooks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "remit_webhook_deliveries_total",
			Help: "Webhook deliveries by event and outcome (accepted, duplicate, rejected).",
		}, []string{"event", "outcome"}),
	}
	reg.MustRegister(m.requests, m.webhooks)
	return m
}

package app

import (
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/remitapp/remit/internal/jobs"
)

// jobMetricsBuffer is how many job events may queue up before the
// collector sees them. River drops events past it rather than slow its
// workers, so it is sized for bursts far beyond REMIT_WORKERS' reach.
const jobMetricsBuffer = 50_000

// jobMetrics counts River jobs by kind and outcome and measures webhook
// lag: how long after Jira stamped a delivery (its payload's timestamp)
// Remit finished applying it. Operators alert on both: a rising failed or
// discarded rate means Jira or the database is in trouble, and a growing
// lag means the workers do not keep up with deliveries.
type jobMetrics struct {
	jobs     *prometheus.CounterVec
	duration *prometheus.HistogramVec
	wait     *prometheus.HistogramVec
	lag      prometheus.Histogram
	now      func() time.Time
}

func newJobMetrics(reg prometheus.Registerer, now func() time.Time) *jobMetrics {
	m := &jobMetrics{
		jobs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "remit_jobs_total",
			Help: "Background job runs by kind and outcome (completed, retried, discarded, cancelled, snoozed).",
		}, []string{"kind", "outcome"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "remit_job_duration_seconds",
			Help:    "How long one run of a background job took, by kind.",
			Buckets: []float64{.001, .005, .01, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60},
		}, []string{"kind"}),
		wait: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "remit_job_queue_wait_seconds",
			Help:    "How long a job waited, available, before a worker took it, by kind.",
			Buckets: []float64{.001, .01, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300},
		}, []string{"kind"}),
		lag: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "remit_webhook_lag_seconds",
			Help:    "Time from a webhook delivery's timestamp (stamped by Jira) until Remit finished applying it.",
			Buckets: []float64{.05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600},
		}),
		now: now,
	}
	reg.MustRegister(m.jobs, m.duration, m.wait, m.lag)
	return m
}

// jobEventKinds are the events that end one run of a job.
var jobEventKinds = []river.EventKind{
	river.EventKindJobCompleted, river.EventKindJobFailed, river.EventKindJobCancelled, river.EventKindJobSnoozed,
}

// watch records every job event of client until the returned stop is
// called (after the client has stopped, so no event is missed at the end).
func (m *jobMetrics) watch(client *river.Client[pgx.Tx]) (stop func()) {
	events, cancel := client.SubscribeConfig(&river.SubscribeConfig{Kinds: jobEventKinds, ChanSize: jobMetricsBuffer})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ev := range events {
			m.record(ev)
		}
	}()
	return func() { cancel(); <-done }
}

// record counts one event.
func (m *jobMetrics) record(ev *river.Event) {
	if ev == nil || ev.Job == nil {
		return
	}
	kind := ev.Job.Kind
	m.jobs.WithLabelValues(kind, outcomeOf(ev)).Inc()
	if ev.JobStats != nil {
		m.duration.WithLabelValues(kind).Observe(ev.JobStats.RunDuration.Seconds())
		m.wait.WithLabelValues(kind).Observe(ev.JobStats.QueueWaitDuration.Seconds())
	}
}

// webhookProcessed observes the lag of a webhook job its handler has just
// applied: the worker calls it with the delivery's body, which job args
// do not carry (bodies stay in webhook_deliveries).
func (m *jobMetrics) webhookProcessed(a jobs.WebhookArgs) {
	if stamped, ok := webhookTimestamp(a.Payload); ok {
		// Jira's clock is not ours; a delivery stamped in our future
		// counts as no lag rather than a negative one.
		m.lag.Observe(max(m.now().Sub(stamped), 0).Seconds())
	}
}

// outcomeOf names what became of the run. A failure that River will retry
// is "retried"; one it gave up on is "discarded".
func outcomeOf(ev *river.Event) string {
	switch ev.Kind {
	case river.EventKindJobCompleted:
		return "completed"
	case river.EventKindJobCancelled:
		return "cancelled"
	case river.EventKindJobSnoozed:
		return "snoozed"
	case river.EventKindJobFailed:
		if ev.Job.State == rivertype.JobStateDiscarded {
			return "discarded"
		}
		return "retried"
	}
	return string(ev.Kind)
}

// webhookTimestamp reads the timestamp Jira puts in a delivery's body
// (milliseconds since the epoch).
func webhookTimestamp(body []byte) (time.Time, bool) {
	var p struct {
		Timestamp int64 `json:"timestamp"`
	}
	if err := json.Unmarshal(body, &p); err != nil || p.Timestamp <= 0 {
		return time.Time{}, false
	}
	return time.UnixMilli(p.Timestamp), true
}

package app

import (
	"strconv"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/remitapp/remit/internal/jobs"
)

func TestJobOutcome(t *testing.T) {
	tests := []struct {
		kind  river.EventKind
		state rivertype.JobState
		want  string
	}{
		{river.EventKindJobCompleted, rivertype.JobStateCompleted, "completed"},
		{river.EventKindJobFailed, rivertype.JobStateRetryable, "retried"},
		{river.EventKindJobFailed, rivertype.JobStateAvailable, "retried"},
		{river.EventKindJobFailed, rivertype.JobStateDiscarded, "discarded"},
		{river.EventKindJobCancelled, rivertype.JobStateCancelled, "cancelled"},
		{river.EventKindJobSnoozed, rivertype.JobStateScheduled, "snoozed"},
	}
	for _, tt := range tests {
		ev := &river.Event{Kind: tt.kind, Job: &rivertype.JobRow{State: tt.state}}
		if got := outcomeOf(ev); got != tt.want {
			t.Errorf("%s in state %s: %q, want %q", tt.kind, tt.state, got, tt.want)
		}
	}
}

func TestWebhookTimestamp(t *testing.T) {
	tests := []struct {
		args string
		want time.Time
		ok   bool
	}{
		{`{"timestamp":1700000000123,"webhookEvent":"jira:issue_updated"}`, time.UnixMilli(1700000000123), true},
		{`{"webhookEvent":"jira:issue_updated"}`, time.Time{}, false},
		{`{"timestamp":-5}`, time.Time{}, false},
		{`{"timestamp":"soon"}`, time.Time{}, false},
		{`not json`, time.Time{}, false},
	}
	for _, tt := range tests {
		got, ok := webhookTimestamp([]byte(tt.args))
		if ok != tt.ok || !got.Equal(tt.want) {
			t.Errorf("%s: %v %v, want %v %v", tt.args, got, ok, tt.want, tt.ok)
		}
	}
}

func TestJobMetricsRecord(t *testing.T) {
	reg := prometheus.NewRegistry()
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	m := newJobMetrics(reg, func() time.Time { return now })
	stamped := now.Add(-3 * time.Second).UnixMilli()
	// The worker reports each applied delivery with its body.
	m.webhookProcessed(jobs.WebhookArgs{Payload: []byte(`{"timestamp":` + strconv.FormatInt(stamped, 10) + `}`)})
	// Stamped by a Jira clock ahead of ours: no negative lag.
	m.webhookProcessed(jobs.WebhookArgs{Payload: []byte(`{"timestamp":` + strconv.FormatInt(now.Add(time.Minute).UnixMilli(), 10) + `}`)})
	events := []*river.Event{
		{Kind: river.EventKindJobCompleted, Job: &rivertype.JobRow{Kind: "webhook", State: rivertype.JobStateCompleted},
			JobStats: &river.JobStatistics{RunDuration: 20 * time.Millisecond}},
		{Kind: river.EventKindJobCompleted, Job: &rivertype.JobRow{Kind: "webhook", State: rivertype.JobStateCompleted}},
		// A failed webhook run is counted but has not applied the delivery.
		{Kind: river.EventKindJobFailed, Job: &rivertype.JobRow{Kind: "webhook", State: rivertype.JobStateRetryable}},
		{Kind: river.EventKindJobFailed, Job: &rivertype.JobRow{Kind: "invoice_jira_sync", State: rivertype.JobStateDiscarded}},
		{Kind: river.EventKindJobCompleted},
		nil,
	}
	for _, ev := range events {
		m.record(ev)
	}
	if got := counterValue(t, m.jobs.WithLabelValues("webhook", "completed")); got != 2 {
		t.Errorf("webhook completed = %v, want 2", got)
	}
	if got := counterValue(t, m.jobs.WithLabelValues("webhook", "retried")); got != 1 {
		t.Errorf("webhook retried = %v, want 1", got)
	}
	if got := counterValue(t, m.jobs.WithLabelValues("invoice_jira_sync", "discarded")); got != 1 {
		t.Errorf("sync discarded = %v, want 1", got)
	}
	series := make(chan prometheus.Metric, 10)
	m.jobs.Collect(series)
	if n := len(series); n != 3 {
		t.Errorf("%d job series, want 3", n)
	}
	var lag dto.Metric
	if err := m.lag.Write(&lag); err != nil {
		t.Fatal(err)
	}
	if n, sum := lag.GetHistogram().GetSampleCount(), lag.GetHistogram().GetSampleSum(); n != 2 || sum < 2.999 || sum > 3.001 {
		t.Errorf("lag: %d observations summing to %vs, want 2 summing to 3s (3 s and a clamped 0)", n, sum)
	}
}

func counterValue(t *testing.T, c prometheus.Counter) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}

package jira

import (
	"net/http"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 5, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		in     string
		want   time.Duration
		wantOK bool
	}{
		{"2", 2 * time.Second, true},
		{" 10 ", 10 * time.Second, true},
		{"0", 0, true},
		{"1.5", 1500 * time.Millisecond, true},
		{"Thu, 05 Nov 2026 09:00:30 GMT", 30 * time.Second, true},
		{"Thu, 05 Nov 2026 08:00:00 GMT", 0, true},
		{"", 0, false},
		{"-1", 0, false},
		{"soon", 0, false},
		{"NaN", 0, false},
	}
	for _, tc := range tests {
		got, ok := parseRetryAfter(tc.in, now)
		if got != tc.want || ok != tc.wantOK {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.wantOK)
		}
	}
}

func TestRetryAfterHeaderOrder(t *testing.T) {
	t.Parallel()
	now := time.Unix(0, 0)
	tests := []struct {
		name   string
		h      http.Header
		want   time.Duration
		wantOK bool
	}{
		{"none", http.Header{}, 0, false},
		{"beta only", http.Header{"Beta-Retry-After": {"7"}}, 7 * time.Second, true},
		{"standard first", http.Header{"Retry-After": {"1"}, "Beta-Retry-After": {"7"}}, time.Second, true},
		{"bad standard falls back", http.Header{"Retry-After": {"x"}, "Beta-Retry-After": {"7"}}, 7 * time.Second, true},
	}
	for _, tc := range tests {
		got, ok := retryAfter(tc.h, now)
		if got != tc.want || ok != tc.wantOK {
			t.Errorf("%s: %v, %v", tc.name, got, ok)
		}
	}
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	base, max := 500*time.Millisecond, 10*time.Second
	tests := []struct {
		attempt int
		rnd     float64
		want    time.Duration
	}{
		{1, 0.5, 250 * time.Millisecond},
		{2, 0.5, 500 * time.Millisecond},
		{3, 1, 2 * time.Second},
		{6, 1, 10 * time.Second}, // 16s capped
		{100, 1, 10 * time.Second},
		{1, 0, 0},
		{0, 1, 500 * time.Millisecond},
	}
	for _, tc := range tests {
		if got := backoff(tc.attempt, base, max, func() float64 { return tc.rnd }); got != tc.want {
			t.Errorf("backoff(%d, rnd=%v) = %v, want %v", tc.attempt, tc.rnd, got, tc.want)
		}
	}
}

func TestPacerReserve(t *testing.T) {
	t.Parallel()
	t0 := time.Unix(1000, 0)
	p := &Pacer{Interval: time.Second, Window: 10 * time.Second}
	if d := p.Reserve(t0); d != 0 {
		t.Fatalf("idle pacer made us wait %v", d)
	}
	p.NearLimit(t0)
	got := []time.Duration{p.Reserve(t0), p.Reserve(t0), p.Reserve(t0)}
	want := []time.Duration{0, time.Second, 2 * time.Second}
	if !equalDurations(got, want) {
		t.Errorf("reservations %v, want %v", got, want)
	}
	p.Hold(t0.Add(5 * time.Second))
	if d := p.Reserve(t0); d != 5*time.Second {
		t.Errorf("hold: wait %v, want 5s", d)
	}
	if d := p.Reserve(t0.Add(11 * time.Second)); d != 0 {
		t.Errorf("after window: wait %v", d)
	}
}

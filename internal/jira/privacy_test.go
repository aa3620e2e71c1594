package jira

import (
	"testing"
	"time"
)

func TestParseISODuration(t *testing.T) {
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"P7D", 7 * 24 * time.Hour, true},
		{"P1W", 7 * 24 * time.Hour, true},
		{"PT12H", 12 * time.Hour, true},
		{"P1DT2H30M", 26*time.Hour + 30*time.Minute, true},
		{"PT90S", 90 * time.Second, true},
		{" P2D ", 48 * time.Hour, true},
		{"P", 0, false},
		{"PT", 0, false},
		{"P1M", 0, false}, // months vary: refused (M is only minutes after T)
		{"P1Y", 0, false},
		{"7 days", 0, false},
		{"", 0, false},
		{"-P1D", 0, false},
	}
	for _, c := range cases {
		got, ok := ParseISODuration(c.in)
		if ok != c.ok || got != c.want {
			t.Errorf("ParseISODuration(%q) = %v, %v; want %v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

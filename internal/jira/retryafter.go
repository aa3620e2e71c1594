package jira

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// retryAfter reads how long Jira asked us to wait: Retry-After (delta
// seconds or an HTTP date), then Beta-Retry-After, which Jira sends while
// its point-based limits are in their pre-enforcement phase. ok is false
// when neither header is present or parseable.
func retryAfter(h http.Header, now time.Time) (d time.Duration, ok bool) {
	for _, name := range []string{"Retry-After", "Beta-Retry-After"} {
		if d, ok := parseRetryAfter(h.Get(name), now); ok {
			return d, true
		}
	}
	return 0, false
}

// parseRetryAfter parses one Retry-After value. Fractional seconds are
// accepted (rounded up to the millisecond); dates in the past mean "now".
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if secs < 0 || math.IsNaN(secs) || math.IsInf(secs, 0) {
			return 0, false
		}
		if secs > float64(365*24*3600) { // nonsense; treat as "a very long time"
			secs = 365 * 24 * 3600
		}
		return time.Duration(math.Ceil(secs*1000)) * time.Millisecond, true
	}
	if at, err := http.ParseTime(v); err == nil {
		if d := at.Sub(now); d > 0 {
			return d, true
		}
		return 0, true
	}
	return 0, false
}

// backoff is the capped exponential delay before retry number attempt
// (1-based) with full jitter: uniform in [0, min(max, base·2^(attempt-1))].
// rnd returns a float in [0, 1).
func backoff(attempt int, base, max time.Duration, rnd func() float64) time.Duration {
	if attempt < 1 {
		attempt = 1
	}
	ceiling := max
	if attempt <= 32 {
		if d := base << (attempt - 1); d > 0 && d < max {
			ceiling = d
		}
	}
	return time.Duration(rnd() * float64(ceiling))
}

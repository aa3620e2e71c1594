package jirasim

import (
	"net/http"
	"strconv"
	"time"
)

// rateState is a site's hourly request quota, reported the way Jira's
// points-based limiter reports it (one point per request here).
type rateState struct {
	limit  int
	window time.Time
	used   int
}

// take counts one request and writes the X-RateLimit headers; it reports
// false when the quota is exhausted.
func (rs *rateState) take(h http.Header, now time.Time) bool {
	window := now.UTC().Truncate(time.Hour)
	if !window.Equal(rs.window) {
		rs.window, rs.used = window, 0
	}
	rs.used++
	remaining := rs.limit - rs.used
	if remaining < 0 {
		remaining = 0
	}
	reset := window.Add(time.Hour)
	h.Set("X-RateLimit-Limit", strconv.Itoa(rs.limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-RateLimit-Reset", reset.Format("2006-01-02T15:04Z"))
	if remaining*5 < rs.limit {
		h.Set("X-RateLimit-NearLimit", "true")
	}
	if rs.used > rs.limit {
		h.Set("Retry-After", strconv.Itoa(int(reset.Sub(now).Seconds())+1))
		h.Set("RateLimit-Reason", "jira-quota-tenant-based")
		return false
	}
	return true
}

// SetRateLimit changes the site's hourly quota and restarts the window,
// so tests can drive the app into NearLimit or 429 territory.
func (st *Site) SetRateLimit(limit int) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.rate = rateState{limit: limit}
}

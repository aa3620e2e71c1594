package jira

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// NoWaitLimit is the longest a request of a durable job waits, inside
// its worker, for the tenant's budget or Jira's Retry-After (see
// WithoutWaiting).
const NoWaitLimit = time.Second

type noWaitKey struct{}

// WithoutWaiting marks ctx as a durable job's: its Jira requests wait at
// most NoWaitLimit for the tenant's request budget or a Retry-After.
// Past that, the request is not sent (or a 429 is not retried) and the
// call fails with a 429 *APIError whose RetryAfter says how long: the
// job snoozes that long (river.JobSnooze) and its worker serves other
// tenants meanwhile. Requests of a person's page load keep waiting in
// place.
func WithoutWaiting(ctx context.Context) context.Context {
	return context.WithValue(ctx, noWaitKey{}, true)
}

// waitLimit is how long a request of ctx may wait in place: NoWaitLimit
// for a durable job, any time (negative) otherwise.
func waitLimit(ctx context.Context) (time.Duration, bool) {
	if v, _ := ctx.Value(noWaitKey{}).(bool); v {
		return NoWaitLimit, true
	}
	return -1, false
}

// BudgetReason is the RateLimit-Reason of a 429 Remit answers itself for
// a request over the tenant's budget (never sent to Jira).
const BudgetReason = "remit-tenant-budget"

// paced is the answer to a request that may not wait d: a 429 with a
// Retry-After of d (whole seconds, at least one), as Jira would send.
func paced(req *http.Request, d time.Duration) *http.Response {
	secs := int((d + time.Second - 1) / time.Second)
	if secs < 1 {
		secs = 1
	}
	h := http.Header{}
	h.Set("Retry-After", strconv.Itoa(secs))
	h.Set("RateLimit-Reason", BudgetReason)
	h.Set("Content-Type", "application/json")
	body := `{"errorMessages":["Remit's request budget for this site is spent for now; the job waits."]}`
	return &http.Response{StatusCode: http.StatusTooManyRequests, Status: "429 Too Many Requests", Header: h,
		Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body)), Request: req,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1}
}

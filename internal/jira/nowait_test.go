package jira

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"
)

// sendCtx is send with a request context.
func sendCtx(t *testing.T, ctx context.Context, rt http.RoundTripper, url string) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := (&http.Client{Transport: rt}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// TestRetryJobDoesNotWaitOutA429: Jira answers 429 with a Retry-After of
// 30 s. A durable job's request (WithoutWaiting) gets the 429 back at
// once, unretried and with no sleep in its worker; the hold still
// applies to the tenant, so the job's next request is answered 429 by
// Remit itself, unsent. A person's request waits the 30 s in place, as
// before.
func TestRetryJobDoesNotWaitOutA429(t *testing.T) {
	t.Parallel()
	s, srv := newScripted(t, status(429, "Retry-After", "30"), status(200))
	clock := newClock()
	rt := newRetry(clock, nil)
	rt.Pacer = &Pacer{}
	job := WithoutWaiting(context.Background())
	resp := sendCtx(t, job, rt, srv.URL+"/rest/api/3/myself")
	if resp.StatusCode != 429 || s.count() != 1 || len(clock.Waits()) != 0 {
		t.Fatalf("status %d after %d requests and waits %v; want Jira's 429 at once", resp.StatusCode, s.count(), clock.Waits())
	}
	resp = sendCtx(t, job, rt, srv.URL+"/rest/api/3/myself")
	if resp.StatusCode != 429 || resp.Header.Get("RateLimit-Reason") != BudgetReason || s.count() != 1 {
		t.Fatalf("held request: status %d (%s), %d requests sent", resp.StatusCode, resp.Header.Get("RateLimit-Reason"), s.count())
	}
	if ra := resp.Header.Get("Retry-After"); ra != "30" {
		t.Errorf("Retry-After %q, want the hold's 30", ra)
	}
	if resp := sendCtx(t, context.Background(), rt, srv.URL+"/rest/api/3/myself"); resp.StatusCode != 200 {
		t.Fatalf("a person's request: %d", resp.StatusCode)
	}
	if w := clock.Waits(); !equalDurations(w, []time.Duration{30 * time.Second}) {
		t.Errorf("waits %v, want the person's request to wait out the hold", w)
	}
}

// TestTenantBudget: a tenant's budget of one request every 2 s with a
// burst of 2. A person's requests never wait for it: three go at once and
// spend it past its burst. A job's request that would then wait longer
// than NoWaitLimit (4 s: the person's third request is owed too) is
// answered 429 unsent with the wait as Retry-After, and claims no slot;
// once the wait is within NoWaitLimit it waits and goes.
func TestTenantBudget(t *testing.T) {
	t.Parallel()
	s, srv := newScripted(t, status(200))
	clock := newClock()
	rt := newRetry(clock, nil)
	rt.Pacer = &Pacer{Rate: 0.5, Burst: 2, Clock: clock.Now}
	for range 3 {
		sendCtx(t, context.Background(), rt, srv.URL+"/rest/api/3/myself")
	}
	if w := clock.Waits(); len(w) != 0 {
		t.Fatalf("a person's requests waited %v for the budget", w)
	}
	job := WithoutWaiting(context.Background())
	resp := sendCtx(t, job, rt, srv.URL+"/rest/api/3/myself")
	if resp.StatusCode != 429 || s.count() != 3 || resp.Header.Get("Retry-After") != "4" {
		t.Fatalf("over budget: status %d, Retry-After %q, %d sent", resp.StatusCode, resp.Header.Get("Retry-After"), s.count())
	}
	clock.Advance(3 * time.Second)
	if resp := sendCtx(t, job, rt, srv.URL+"/rest/api/3/myself"); resp.StatusCode != 200 || s.count() != 4 {
		t.Fatalf("within the job's wait: status %d, %d sent", resp.StatusCode, s.count())
	}
	if w := clock.Waits(); !equalDurations(w, []time.Duration{time.Second}) {
		t.Errorf("waits %v, want the job's request to wait its last second", w)
	}
}

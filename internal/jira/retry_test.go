package jira

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// scripted is a Jira stand-in whose n-th response is steps[n] (the last
// step repeats). It records every request body.
type scripted struct {
	mu     sync.Mutex
	steps  []func(w http.ResponseWriter, r *http.Request)
	bodies []string
	n      int
}

func (s *scripted) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	i := min(s.n, len(s.steps)-1)
	s.n++
	s.bodies = append(s.bodies, string(body))
	step := s.steps[i]
	s.mu.Unlock()
	step(w, r)
}

func (s *scripted) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

func status(code int, headers ...string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		w.WriteHeader(code)
		_, _ = io.WriteString(w, `{"ok":true}`)
	}
}

// hangUp reads the request and closes the connection without answering:
// the response is lost after the request reached the server.
func hangUp(w http.ResponseWriter, _ *http.Request) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		conn.Close()
	}
}

func newScripted(t *testing.T, steps ...func(http.ResponseWriter, *http.Request)) (*scripted, *httptest.Server) {
	t.Helper()
	s := &scripted{steps: steps}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, srv
}

func newRetry(clock *fakeClock, m *Metrics) *RetryTransport {
	return &RetryTransport{Sleep: clock.Sleep, Now: clock.Now, Rand: func() float64 { return 0.999 }, Metrics: m}
}

func send(t *testing.T, rt http.RoundTripper, method, url, body string) (*http.Response, error) {
	t.Helper()
	var rdr io.Reader
	if body != "" {
		rdr = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rdr)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := (&http.Client{Transport: rt}).Do(req)
	if resp != nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	return resp, err
}

func TestRetryHonoursServerWaits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		first    func(http.ResponseWriter, *http.Request)
		wantWait time.Duration
	}{
		{"429 Retry-After seconds", status(429, "Retry-After", "2"), 2 * time.Second},
		{"429 Retry-After date", status(429, "Retry-After", "Thu, 05 Nov 2026 09:00:07 GMT"), 7 * time.Second},
		{"429 Beta-Retry-After", status(429, "Beta-Retry-After", "3"), 3 * time.Second},
		{"Retry-After wins over Beta", status(429, "Retry-After", "4", "Beta-Retry-After", "9"), 4 * time.Second},
		{"503 with Retry-After", status(503, "Retry-After", "5"), 5 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, srv := newScripted(t, tc.first, status(200))
			clock := newClock()
			resp, err := send(t, newRetry(clock, nil), "GET", srv.URL+"/rest/api/3/myself", "")
			if err != nil || resp.StatusCode != 200 {
				t.Fatalf("resp %v err %v", resp, err)
			}
			if s.count() != 2 {
				t.Errorf("%d requests, want 2", s.count())
			}
			if w := clock.Waits(); len(w) != 1 || w[0] != tc.wantWait {
				t.Errorf("waits %v, want [%v]", w, tc.wantWait)
			}
		})
	}
}

func TestRetryGivesUpWhenJiraAsksForTooLong(t *testing.T) {
	t.Parallel()
	s, srv := newScripted(t, status(429, "Retry-After", "3600"), status(200))
	clock := newClock()
	resp, err := send(t, newRetry(clock, nil), "GET", srv.URL+"/rest/api/3/myself", "")
	if err != nil || resp.StatusCode != 429 {
		t.Fatalf("resp %v err %v, want the 429 back", resp, err)
	}
	if s.count() != 1 || len(clock.Waits()) != 0 {
		t.Errorf("%d requests, waits %v; want 1 and none", s.count(), clock.Waits())
	}
}

func TestRetryServerErrorsBoundedBackoff(t *testing.T) {
	t.Parallel()
	s, srv := newScripted(t, status(503))
	clock := newClock()
	rt := newRetry(clock, nil)
	rt.MaxAttempts = 5
	rt.MaxWait = 1500 * time.Millisecond
	resp, err := send(t, rt, "GET", srv.URL+"/rest/api/3/myself", "")
	if err != nil || resp.StatusCode != 503 {
		t.Fatalf("resp %v err %v, want the last 503", resp, err)
	}
	if s.count() != 5 {
		t.Errorf("%d requests, want 5", s.count())
	}
	ceilings := []time.Duration{500 * time.Millisecond, time.Second, 1500 * time.Millisecond, 1500 * time.Millisecond}
	waits := clock.Waits()
	if len(waits) != len(ceilings) {
		t.Fatalf("waits %v", waits)
	}
	for i, w := range waits {
		if w > ceilings[i] || w < ceilings[i]*9/10 {
			t.Errorf("wait %d = %v, want just under %v", i, w, ceilings[i])
		}
	}
}

func TestRetryStatusPolicy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		method string
		path   string
		code   int
		want   int // requests
	}{
		{"GET", "/rest/api/3/issue", 500, 3}, {"PUT", "/rest/api/3/issue", 500, 3}, {"DELETE", "/rest/api/3/issue", 500, 3}, {"POST", "/rest/api/3/issue", 500, 1},
		{"POST", "/rest/api/3/issue", 429, 3},
		{"GET", "/rest/api/3/issue", 502, 3}, {"PUT", "/rest/api/3/issue", 504, 3},
		// Searches and checks sent as POST change nothing: repeated as GETs are.
		{"POST", "/rest/api/3/search/jql", 502, 3}, {"POST", "/rest/api/3/permissions/check", 503, 3}, {"POST", "/rest/api/3/issueLink", 504, 3},
		{"GET", "/rest/api/3/issue", 400, 1}, {"GET", "/rest/api/3/issue", 404, 1}, {"POST", "/rest/api/3/issue", 409, 1},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.path+" "+http.StatusText(tc.code), func(t *testing.T) {
			t.Parallel()
			s, srv := newScripted(t, status(tc.code))
			rt := newRetry(newClock(), nil)
			rt.MaxAttempts = 3
			resp, err := send(t, rt, tc.method, srv.URL+tc.path, `{"a":1}`)
			if err != nil || resp.StatusCode != tc.code {
				t.Fatalf("resp %v err %v", resp, err)
			}
			if s.count() != tc.want {
				t.Errorf("%d requests, want %d", s.count(), tc.want)
			}
		})
	}
}

// TestRetryGatewayErrorOnWriteIsUncertain: Jira's gateway answers 502,
// 503 or 504 to writes it may already have stored. A comment or an issue
// creation is sent once and reported uncertain, never repeated in place
// (which posted two comments, or made two issues for one invoice).
func TestRetryGatewayErrorOnWriteIsUncertain(t *testing.T) {
	t.Parallel()
	for _, code := range []int{502, 503, 504} {
		for _, path := range []string{"/rest/api/3/issue/BILL-7/comment", "/rest/api/3/issue"} {
			t.Run(fmt.Sprint(code)+" "+path, func(t *testing.T) {
				t.Parallel()
				s, srv := newScripted(t, status(code), status(201))
				rt := newRetry(newClock(), nil)
				rt.MaxAttempts = 3
				_, err := send(t, rt, "POST", srv.URL+path, `{"body":"x"}`)
				var ue *UncertainError
				if !errors.As(err, &ue) || ue.Method != "POST" {
					t.Fatalf("err %v, want *UncertainError", err)
				}
				if s.count() != 1 {
					t.Errorf("%d requests, want exactly 1", s.count())
				}
			})
		}
	}
}

func TestRetryLostResponseOnPostIsUncertain(t *testing.T) {
	t.Parallel()
	s, srv := newScripted(t, hangUp, status(201))
	_, err := send(t, newRetry(newClock(), nil), "POST", srv.URL+"/rest/api/3/issue/BILL-7/comment", `{"body":"x"}`)
	var ue *UncertainError
	if !errors.As(err, &ue) {
		t.Fatalf("err %v, want *UncertainError", err)
	}
	if ue.Method != "POST" || ue.Endpoint != "/rest/api/3/issue/{key}/comment" {
		t.Errorf("UncertainError %+v", ue)
	}
	if s.count() != 1 {
		t.Errorf("%d requests, want exactly 1", s.count())
	}
}

func TestRetryNetworkErrorOnGetIsRetried(t *testing.T) {
	t.Parallel()
	s, srv := newScripted(t, hangUp, status(200))
	clock := newClock()
	resp, err := send(t, newRetry(clock, nil), "GET", srv.URL+"/rest/api/3/myself", "")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("resp %v err %v", resp, err)
	}
	if s.count() != 2 || len(clock.Waits()) != 1 {
		t.Errorf("%d requests, waits %v", s.count(), clock.Waits())
	}
}

func TestRetryDialFailureOnPostIsRetried(t *testing.T) {
	t.Parallel()
	_, srv := newScripted(t, status(201))
	var calls atomic.Int32
	base := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if calls.Add(1) == 1 {
			return nil, &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
		}
		return http.DefaultTransport.RoundTrip(r)
	})
	rt := newRetry(newClock(), nil)
	rt.Base = base
	resp, err := send(t, rt, "POST", srv.URL+"/rest/api/3/issue", `{}`)
	if err != nil || resp.StatusCode != 201 || calls.Load() != 2 {
		t.Fatalf("resp %v err %v calls %d", resp, err, calls.Load())
	}
}

func TestRetryReplaysBodyIdentically(t *testing.T) {
	t.Parallel()
	const body = `{"fields":{"summary":"INV-2026-0001 ACME 1,234.50"}}`
	tests := []struct {
		name string
		req  func(url string) *http.Request
	}{
		{"GetBody from http.NewRequest", func(url string) *http.Request {
			r, _ := http.NewRequest("POST", url, strings.NewReader(body))
			return r
		}},
		{"opaque reader without GetBody", func(url string) *http.Request {
			r, _ := http.NewRequest("POST", url, io.NopCloser(io.MultiReader(strings.NewReader(body))))
			return r
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, srv := newScripted(t, status(503), status(429, "Retry-After", "1"), status(201))
			req := tc.req(srv.URL + "/rest/api/3/search/jql")
			resp, err := (&http.Client{Transport: newRetry(newClock(), nil)}).Do(req)
			if err != nil || resp.StatusCode != 201 {
				t.Fatalf("resp %v err %v", resp, err)
			}
			resp.Body.Close()
			if len(s.bodies) != 3 {
				t.Fatalf("%d requests", len(s.bodies))
			}
			for i, b := range s.bodies {
				if b != body {
					t.Errorf("attempt %d body %q", i+1, b)
				}
			}
		})
	}
}

func TestRetryStopsWaitingWhenContextEnds(t *testing.T) {
	t.Parallel()
	s, srv := newScripted(t, status(429, "Retry-After", "30"), status(200))
	rt := &RetryTransport{} // real clock and real sleep
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/rest/api/3/myself", nil)
	start := time.Now()
	_, err := rt.RoundTrip(req)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("returned after %v", d)
	}
	if s.count() != 1 {
		t.Errorf("%d requests", s.count())
	}
}

func TestRetryPerAttemptTimeout(t *testing.T) {
	t.Parallel()
	slow := func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(2 * time.Second):
		case <-r.Context().Done():
		}
	}
	tests := []struct {
		method        string
		wantUncertain bool
		wantRequests  int
	}{{"GET", false, 2}, {"POST", true, 1}}
	for _, tc := range tests {
		t.Run(tc.method, func(t *testing.T) {
			t.Parallel()
			s, srv := newScripted(t, slow, status(200))
			rt := newRetry(newClock(), nil)
			rt.Timeout = 50 * time.Millisecond
			resp, err := send(t, rt, tc.method, srv.URL+"/rest/api/3/issue", `{}`)
			var ue *UncertainError
			if got := errors.As(err, &ue); got != tc.wantUncertain {
				t.Fatalf("err %v resp %v, uncertain %v want %v", err, resp, got, tc.wantUncertain)
			}
			if !tc.wantUncertain && resp.StatusCode != 200 {
				t.Errorf("status %d", resp.StatusCode)
			}
			if s.count() != tc.wantRequests {
				t.Errorf("%d requests, want %d", s.count(), tc.wantRequests)
			}
		})
	}
}

func TestRetryNearLimitPacesTheTenant(t *testing.T) {
	t.Parallel()
	_, srv := newScripted(t, status(200, "X-RateLimit-NearLimit", "true"), status(200))
	clock := newClock()
	m := NewMetrics(nil)
	rt := newRetry(clock, m)
	rt.Pacer = &Pacer{Interval: 250 * time.Millisecond, Window: 30 * time.Second}
	for range 4 {
		if _, err := send(t, rt, "GET", srv.URL+"/rest/api/3/myself", ""); err != nil {
			t.Fatal(err)
		}
	}
	want := []time.Duration{250 * time.Millisecond, 250 * time.Millisecond}
	if w := clock.Waits(); !equalDurations(w, want) {
		t.Errorf("waits %v, want %v", w, want)
	}
	clock.Advance(31 * time.Second)
	if _, err := send(t, rt, "GET", srv.URL+"/rest/api/3/myself", ""); err != nil {
		t.Fatal(err)
	}
	if w := clock.Waits(); len(w) != 2 {
		t.Errorf("still paced after the window: %v", w)
	}
	if got := counterValue(t, m.RateLimited, "near_limit"); got != 1 {
		t.Errorf("near_limit counted %v times", got)
	}
}

func TestRetryHoldIsSharedByTheTenant(t *testing.T) {
	t.Parallel()
	_, srv := newScripted(t, status(429, "Retry-After", "2"), status(200))
	clock := newClock()
	pacer := &Pacer{}
	a, b := newRetry(clock, nil), newRetry(clock, nil)
	a.Pacer, b.Pacer = pacer, pacer
	a.MaxAttempts = 1 // a gives up at once but leaves the hold behind
	if resp, _ := send(t, a, "GET", srv.URL+"/rest/api/3/myself", ""); resp.StatusCode != 429 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if _, err := send(t, b, "GET", srv.URL+"/rest/api/3/myself", ""); err != nil {
		t.Fatal(err)
	}
	if w := clock.Waits(); !equalDurations(w, []time.Duration{2 * time.Second}) {
		t.Errorf("waits %v, want [2s]", w)
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

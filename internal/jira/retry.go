package jira

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Defaults of RetryTransport.
const (
	DefaultMaxAttempts = 5
	DefaultMaxWait     = 60 * time.Second
	DefaultBaseDelay   = 500 * time.Millisecond
	DefaultTimeout     = 30 * time.Second
)

// RetryTransport makes Remit a polite Jira client: it honours rate limits,
// backs off on server errors, retries only what is safe to repeat and
// gives up after a budget, so that a struggling site is never hammered and
// a write is never silently duplicated.
type RetryTransport struct {
	Base        http.RoundTripper                                // usually a *SigningTransport
	MaxAttempts int                                              // total attempts; 0 means DefaultMaxAttempts
	MaxWait     time.Duration                                    // cap of one wait; 0 means DefaultMaxWait
	BaseDelay   time.Duration                                    // first backoff ceiling; 0 means DefaultBaseDelay
	Timeout     time.Duration                                    // per attempt; 0 means DefaultTimeout
	Sleep       func(ctx context.Context, d time.Duration) error // nil means a timer that stops on ctx
	Now         func() time.Time                                 // nil means time.Now
	Rand        func() float64                                   // jitter source in [0,1); nil means math/rand/v2
	Pacer       *Pacer                                           // shared per tenant; nil means one per transport
	Metrics     *Metrics                                         // nil records nothing
	Logger      *slog.Logger                                     // nil logs nothing

	pacerOnce sync.Once
	ownPacer  *Pacer
}

// RoundTrip implements http.RoundTripper.
//
// A 429 with Retry-After (or Beta-Retry-After) longer than MaxWait is not
// waited out: the response is returned at once so that a durable job can
// reschedule itself for that time instead of holding a worker.
func (t *RetryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	getBody, err := replayableBody(req)
	if err != nil {
		return nil, err
	}
	endpoint := Endpoint(req.URL.EscapedPath())
	idempotent := isIdempotent(req.Method) || readOnlyPost(endpoint)
	maxAttempts := orInt(t.MaxAttempts, DefaultMaxAttempts)
	maxWait := orDur(t.MaxWait, DefaultMaxWait)
	pacer := t.pacer()
	log := t.logger()

	limit, noWait := waitLimit(ctx)
	for attempt := 1; ; attempt++ {
		d, ok := pacer.ReserveWithin(ctx, t.now(), limit)
		if !ok {
			// A durable job's request over the tenant's budget, or held by
			// Jira's Retry-After, longer than the job may wait: answered
			// as Jira's 429, unsent, so the job snoozes instead.
			t.Metrics.rateLimited("remit_budget")
			return paced(req, d), nil
		}
		if d > 0 {
			if err := t.sleep(ctx, d); err != nil {
				return nil, err
			}
		}
		areq, cancel, err := t.attemptRequest(ctx, req, getBody, attempt)
		if err != nil {
			return nil, err
		}
		start := t.now()
		resp, err := t.base().RoundTrip(areq)
		elapsed := t.now().Sub(start)

		if err != nil {
			cancel()
			t.Metrics.observe(endpoint, req.Method, "error", elapsed)
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if errors.Is(err, ErrForeignHost) {
				return nil, err
			}
			if !idempotent && !notSent(err) {
				return nil, &UncertainError{Method: req.Method, Endpoint: endpoint, Err: err}
			}
			if attempt >= maxAttempts {
				return nil, err
			}
			wait := backoff(attempt, orDur(t.BaseDelay, DefaultBaseDelay), maxWait, t.rand())
			t.Metrics.retried("network")
			log.WarnContext(ctx, "jira request failed, retrying",
				slog.String("method", req.Method), slog.String("endpoint", endpoint),
				slog.Int("attempt", attempt), slog.Duration("wait", wait), slog.String("error", err.Error()))
			if err := t.sleep(ctx, wait); err != nil {
				return nil, err
			}
			continue
		}

		t.Metrics.observe(endpoint, req.Method, strconv.Itoa(resp.StatusCode), elapsed)
		t.noteRateHeaders(ctx, pacer, resp, endpoint)
		if !idempotent && mayHaveStored(resp.StatusCode) {
			// Jira's gateway answers 502, 503 or 504 to writes it may
			// already have stored: repeating the request could post a
			// second comment or create a second issue. The caller looks
			// for its own write before trying again.
			drain(resp.Body)
			cancel()
			return nil, &UncertainError{Method: req.Method, Endpoint: endpoint, Err: fmt.Errorf("the gateway answered %d", resp.StatusCode)}
		}
		reason, retryable := retryReason(resp.StatusCode, idempotent)
		if resp.StatusCode == http.StatusTooManyRequests {
			t.Metrics.rateLimited(limitReason(resp.Header))
		}
		var wait time.Duration
		var hinted bool
		if retryable {
			wait, hinted = retryAfter(resp.Header, t.now())
			if hinted && wait <= maxWait {
				// Every request of this tenant waits, not just this one;
				// the wait itself happens in Reserve.
				pacer.Hold(t.now().Add(wait))
			}
		}
		if !retryable || attempt >= maxAttempts || (hinted && wait > maxWait) || (noWait && resp.StatusCode == http.StatusTooManyRequests && (!hinted || wait > limit)) {
			// A durable job does not wait out a 429 in its worker: its
			// caller snoozes the job for the Retry-After.
			resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
			return resp, nil
		}
		drain(resp.Body)
		cancel()
		t.Metrics.retried(reason)
		if !hinted {
			wait = backoff(attempt, orDur(t.BaseDelay, DefaultBaseDelay), maxWait, t.rand())
		}
		log.WarnContext(ctx, "jira asked us to wait, retrying",
			slog.String("method", req.Method), slog.String("endpoint", endpoint),
			slog.Int("status", resp.StatusCode), slog.Int("attempt", attempt),
			slog.Duration("wait", wait), slog.Bool("server_hint", hinted))
		if hinted {
			continue // Reserve waits out the hold
		}
		if err := t.sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// retryReason says whether a status is worth another attempt and under
// which metric reason. 500 is retried only for idempotent methods: a POST
// that failed inside Jira may still have written something.
func retryReason(status int, idempotent bool) (string, bool) {
	switch status {
	case http.StatusTooManyRequests:
		return "rate_limited", true
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return "server_error", true
	case http.StatusInternalServerError:
		return "server_error", idempotent
	}
	return "", false
}

func (t *RetryTransport) noteRateHeaders(ctx context.Context, p *Pacer, resp *http.Response, endpoint string) {
	near := resp.Header.Get("X-RateLimit-NearLimit")
	if near == "" {
		near = resp.Header.Get("X-Beta-RateLimit-NearLimit")
	}
	if near != "true" {
		return
	}
	t.Metrics.rateLimited("near_limit")
	if !p.Slowed(t.now()) {
		t.logger().InfoContext(ctx, "jira rate limit near, slowing down", slog.String("endpoint", endpoint))
	}
	p.NearLimit(t.now())
}

func (t *RetryTransport) attemptRequest(ctx context.Context, req *http.Request, getBody func() (io.ReadCloser, error), attempt int) (*http.Request, context.CancelFunc, error) {
	actx, cancel := context.WithTimeout(ctx, orDur(t.Timeout, DefaultTimeout))
	out := req.Clone(actx)
	if getBody != nil && (attempt > 1 || req.GetBody == nil) {
		body, err := getBody()
		if err != nil {
			cancel()
			return nil, nil, err
		}
		out.Body = body
	}
	return out, cancel, nil
}

// replayableBody returns a way to get a fresh copy of the request body for
// each attempt, buffering the body when the request cannot replay it.
func replayableBody(req *http.Request) (func() (io.ReadCloser, error), error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	if req.GetBody != nil {
		return req.GetBody, nil
	}
	data, err := io.ReadAll(req.Body)
	_ = req.Body.Close()
	if err != nil {
		return nil, err
	}
	return func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }, nil
}

// mayHaveStored are the answers of a gateway whose backend may have done
// the work before the answer was lost.
func mayHaveStored(status int) bool {
	return status == http.StatusBadGateway || status == http.StatusServiceUnavailable || status == http.StatusGatewayTimeout
}

// readOnlyPost are POST endpoints that change nothing in Jira (searches
// and checks carried in a body), or whose repetition Jira answers as the
// first (an issue link that exists is answered 201): safe to repeat.
func readOnlyPost(endpoint string) bool {
	switch endpoint {
	case "/rest/api/3/search/jql", "/rest/api/3/permissions/check", "/rest/api/3/issueLink", "/rest/api/3/jql/parse",
		"/rest/api/3/comment/list":
		return true
	}
	return false
}

func isIdempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete, "":
		return true
	}
	return false
}

// notSent reports failures that happen before any byte reaches Jira
// (DNS, connection refused), which are safe to retry for any method.
func notSent(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}

// cancelOnClose ends an attempt's timeout context only once the caller
// has finished reading the body.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (c *cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
}

func drain(body io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(body, 64<<10))
	_ = body.Close()
}

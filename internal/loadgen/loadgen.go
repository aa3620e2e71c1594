// Package loadgen drives an HTTP endpoint with a fixed number of requests
// at a fixed concurrency over loopback and reports throughput and latency
// percentiles. Benchmarks and the comparison scripts under bench/ use it,
// so every figure in docs/performance.md is measured the same way.
package loadgen

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Options describe one run. Requests are numbered 0..Requests-1 and built
// by Make, so each can carry its own token and identifier.
type Options struct {
	Requests    int
	Concurrency int
	Make        func(i int) (*http.Request, error)
	Client      *http.Client
}

// Result is what one run measured.
type Result struct {
	Requests int
	Errors   int             // transport errors
	Status   map[int]int     // responses by status code
	Elapsed  time.Duration   // wall time of the whole run
	Latency  []time.Duration // sorted, one per completed request
}

// RPS is completed requests per second of wall time.
func (r Result) RPS() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(len(r.Latency)) / r.Elapsed.Seconds()
}

// Percentile returns the p-th percentile latency (0 < p <= 100) by the
// nearest-rank method.
func (r Result) Percentile(p float64) time.Duration {
	return Percentile(r.Latency, p)
}

// Percentile is the nearest-rank percentile of sorted latencies.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 || p <= 0 {
		return 0
	}
	rank := int(p/100*float64(len(sorted)) + 0.999999999)
	if rank < 1 {
		rank = 1
	}
	if rank > len(sorted) {
		rank = len(sorted)
	}
	return sorted[rank-1]
}

// String is a one-line summary for logs and docs.
func (r Result) String() string {
	return fmt.Sprintf("%d requests in %v: %.0f req/s, p50 %v, p99 %v, max %v, errors %d, status %v",
		len(r.Latency), r.Elapsed.Round(time.Millisecond), r.RPS(),
		r.Percentile(50).Round(time.Microsecond), r.Percentile(99).Round(time.Microsecond),
		r.Percentile(100).Round(time.Microsecond), r.Errors, r.Status)
}

// Run sends the requests and waits for all of them.
func Run(ctx context.Context, o Options) (Result, error) {
	if o.Requests <= 0 || o.Concurrency <= 0 || o.Make == nil {
		return Result{}, fmt.Errorf("loadgen: Requests, Concurrency and Make are required")
	}
	client := o.Client
	if client == nil {
		client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: o.Concurrency, MaxConnsPerHost: o.Concurrency}, Timeout: 30 * time.Second}
	}
	var (
		next    atomic.Int64
		mu      sync.Mutex
		res     = Result{Requests: o.Requests, Status: map[int]int{}}
		wg      sync.WaitGroup
		makeErr error
	)
	lat := make([]time.Duration, 0, o.Requests)
	start := time.Now()
	for range o.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= o.Requests {
					return
				}
				req, err := o.Make(i)
				if err != nil {
					mu.Lock()
					makeErr = err
					mu.Unlock()
					return
				}
				t0 := time.Now()
				resp, err := client.Do(req.WithContext(ctx))
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				d := time.Since(t0)
				mu.Lock()
				if err != nil {
					res.Errors++
				} else {
					res.Status[resp.StatusCode]++
					lat = append(lat, d)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	slices.Sort(lat)
	res.Latency = lat
	if makeErr != nil {
		return res, makeErr
	}
	return res, ctx.Err()
}

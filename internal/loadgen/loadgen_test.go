package loadgen

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		out := make([]time.Duration, len(v))
		for i, x := range v {
			out[i] = time.Duration(x) * time.Millisecond
		}
		return out
	}
	cases := []struct {
		in   []time.Duration
		p    float64
		want time.Duration
	}{
		{nil, 50, 0},
		{ms(7), 99, 7 * time.Millisecond},
		{ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 50, 5 * time.Millisecond},
		{ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 90, 9 * time.Millisecond},
		{ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 99, 10 * time.Millisecond},
		{ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 100, 10 * time.Millisecond},
		{ms(1, 2, 3, 4), 25, 1 * time.Millisecond},
		{ms(1, 2, 3, 4), 26, 2 * time.Millisecond},
	}
	for _, c := range cases {
		if got := Percentile(c.in, c.p); got != c.want {
			t.Errorf("Percentile(%v, %v) = %v, want %v", c.in, c.p, got, c.want)
		}
	}
}

func TestRunSendsEveryRequestOnce(t *testing.T) {
	var hits [500]atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i, _ := strconv.Atoi(r.URL.Query().Get("i"))
		hits[i].Add(1)
		if i%100 == 0 {
			w.WriteHeader(http.StatusTeapot)
		}
	}))
	defer srv.Close()
	res, err := Run(context.Background(), Options{Requests: 500, Concurrency: 8, Make: func(i int) (*http.Request, error) {
		return http.NewRequest(http.MethodGet, srv.URL+"/?i="+strconv.Itoa(i), nil)
	}})
	if err != nil {
		t.Fatal(err)
	}
	for i := range hits {
		if n := hits[i].Load(); n != 1 {
			t.Fatalf("request %d sent %d times", i, n)
		}
	}
	if res.Status[200] != 495 || res.Status[http.StatusTeapot] != 5 || len(res.Latency) != 500 || res.RPS() <= 0 {
		t.Fatalf("result %v", res)
	}
	for i := 1; i < len(res.Latency); i++ {
		if res.Latency[i] < res.Latency[i-1] {
			t.Fatal("latencies not sorted")
		}
	}
}

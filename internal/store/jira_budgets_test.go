package store_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/jira"
	"github.com/remitapp/remit/internal/store"
)

// countedBudget counts the claims two replicas make of the shared budget.
type countedBudget struct {
	db *store.DB
	mu sync.Mutex
	n  int
}

func (c *countedBudget) ClaimJiraBudget(ctx context.Context, clientKey string, slice time.Duration, now time.Time) (time.Time, error) {
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
	return c.db.ClaimJiraBudget(ctx, clientKey, slice, now)
}

// jiraBudgetIsolationChecks: B spending its Jira budget far ahead
// leaves A's where A's own claims put it.
func jiraBudgetIsolationChecks(a, b string) map[string]func(t *testing.T, e env) {
	return map[string]func(t *testing.T, e env){
		"ClaimJiraBudget": func(t *testing.T, e env) {
			ctx, now := context.Background(), e.clock.Now()
			first, err := e.db.ClaimJiraBudget(ctx, a, time.Second, now)
			must(t, err)
			for range 3 {
				_, err := e.db.ClaimJiraBudget(ctx, b, time.Hour, now)
				must(t, err)
			}
			next, err := e.db.ClaimJiraBudget(ctx, a, time.Second, now)
			must(t, err)
			if !first.Equal(now.Add(time.Second)) || !next.Equal(now.Add(2*time.Second)) {
				t.Fatalf("A's budget after its two claims of 1 s: %s then %s, want now + 1 s and + 2 s (B's claims moved it?)", first.Sub(now), next.Sub(now))
			}
		},
	}
}

// budgetRun is what one simulated run of two replicas sent to Jira.
type budgetRun struct {
	sent   []time.Time // when each request reached Jira
	claims int
	waits  []time.Duration
	clock  *testClock
	client []*jira.Client
}

// runReplicas lets two replicas (two jira.Factory, as two processes
// build them) work one tenant's durable jobs as fast as their budget
// lets them for window, on a simulated clock: each job's request goes, or
// waits for the budget within jira.NoWaitLimit, or comes back 429
// unsent (the job would snooze); when neither replica could send, the
// clock moves on 20 ms. With shared, the factories keep the tenant's
// budget in the database.
func runReplicas(t *testing.T, e env, clientKey string, shared bool, window time.Duration) *budgetRun {
	t.Helper()
	clk := newClock()
	run := &budgetRun{clock: clk}
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		run.sent = append(run.sent, clk.Now())
		mu.Unlock()
		_, _ = w.Write([]byte(`{}`))
	}))
	t.Cleanup(srv.Close)
	tenant := install(t, e.db, clientKey)
	tenant.BaseURL = srv.URL
	budget := &countedBudget{db: e.db}
	sleep := func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		run.waits = append(run.waits, d)
		mu.Unlock()
		clk.Advance(d)
		return ctx.Err()
	}
	for range 2 {
		f := &jira.Factory{AppKey: "io.remit.jira", HTTP: srv.Client(), Now: clk.Now, Clock: clk.Now, Sleep: sleep,
			TenantRate: 10, TenantBurst: 20}
		if shared {
			f.Budget = budget
		}
		c, err := f.Client(tenant)
		if err != nil {
			t.Fatal(err)
		}
		run.client = append(run.client, c)
	}
	job := jira.WithoutWaiting(context.Background())
	end := clk.Now().Add(window)
	for clk.Now().Before(end) {
		progressed := false
		for _, c := range run.client {
			if _, err := c.Do(job, http.MethodGet, "/rest/api/3/myself", nil, nil, nil); err == nil {
				progressed = true
			} else if apiErr, ok := jira.AsAPIError(err); !ok || apiErr.Status != http.StatusTooManyRequests {
				t.Fatalf("request: %v", err)
			}
		}
		if !progressed {
			clk.Advance(20 * time.Millisecond)
		}
	}
	run.claims = budget.n
	return run
}

// most is the largest number of requests sent within any span of d.
func (r *budgetRun) most(d time.Duration) int {
	best := 0
	for i, first := range r.sent {
		n := 0
		for _, at := range r.sent[i:] {
			if at.Sub(first) < d {
				n++
			}
		}
		best = max(best, n)
	}
	return best
}

// TestJiraBudgetIsSharedByReplicas: a tenant's budget of 10 requests a
// second with a burst of 20 is the tenant's total, whatever the number
// of replicas. Two factories on one database, each working the tenant's
// jobs flat out for 30 simulated seconds, together send no more than
// GCRA allows one process (20 + 10 × 30 = 320), give or take the slice
// each may hold unspent (10 each), and in no 10-second span more than
// 100 + 20 + 2 × 10. They claim the budget ten requests at a time, not
// once per request. A person's request still goes at once when the
// budget is spent. Each factory with its own budget, as before, sends
// twice as much.
func TestJiraBudgetIsSharedByReplicas(t *testing.T) {
	t.Parallel()
	e := newEnv(t, store.Options{})
	const window = 30 * time.Second
	run := runReplicas(t, e, "budget-shared", true, window)
	n := len(run.sent)
	if n > 340 || n < 290 {
		t.Fatalf("two replicas sent %d requests in %s on a budget of 320 (+ 2 slices of 10)", n, window)
	}
	if most := run.most(10 * time.Second); most > 140 {
		t.Fatalf("%d requests within 10 s, over 100 + a burst of 20 + 2 slices", most)
	}
	if run.claims > n/jira.DefaultBudgetSlice+4 {
		t.Fatalf("%d claims of the shared budget for %d requests: a round trip per request", run.claims, n)
	}
	waited := len(run.waits)
	if _, err := run.client[1].Do(context.Background(), http.MethodGet, "/rest/api/3/myself", nil, nil, nil); err != nil {
		t.Fatalf("a person's request on a spent budget: %v", err)
	}
	if len(run.waits) != waited || len(run.sent) != n+1 {
		t.Fatalf("a person's request waited %v for the budget", run.waits[waited:])
	}
	t.Logf("shared: %d requests in %s (most in 10 s: %d), %d claims", n, window, run.most(10*time.Second), run.claims)

	apart := runReplicas(t, e, "budget-apart", false, window)
	if m := len(apart.sent); m < 2*300 {
		t.Fatalf("each replica on its own budget sent %d together, want about twice 320", m)
	}
	t.Logf("apart: %d requests in %s", len(apart.sent), window)
}

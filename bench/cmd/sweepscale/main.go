// Command sweepscale measures how the follow-up sweep scales with the
// number of open invoices: for each size it creates a database with one
// tenant holding that many open invoices (bulk INSERT … SELECT
// generate_series), of which -due have an action due, and measures
// planning the sweep (followupengine.Engine.Preview, read-only, repeated) and one
// real Sweep (events and jobs written), with the Go allocations of each
// and the process's resident memory. The goal: the largest size within
// 2× the smallest, memory flat.
//
//	go run ./bench/cmd/sweepscale                         # 10,000 and 1,000,000
//	go run ./bench/cmd/sweepscale -sizes 10000,100000 -reps 3
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/bench/internal/benchkit"
	"github.com/remitapp/remit/internal/followupengine"
	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/pgtest"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/secretbox"
	"github.com/remitapp/remit/internal/store"
)

func main() {
	sizes := flag.String("sizes", "10000,1000000", "open invoices of the tenant, one database each")
	due := flag.Int("due", 1000, "invoices with an action due")
	reps := flag.Int("reps", 5, "Preview runs per size (the median is reported)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	var ns []int
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < *due {
			fmt.Fprintf(os.Stderr, "sweepscale: bad size %q (at least -due)\n", s)
			os.Exit(2)
		}
		ns = append(ns, n)
	}
	if err := run(ctx, ns, *due, *reps, os.Stdout, logger); err != nil {
		fmt.Fprintln(os.Stderr, "sweepscale:", err)
		os.Exit(1)
	}
}

// result is one size's figures.
type result struct {
	open, due      int
	setup          time.Duration
	preview        time.Duration // median
	previewAlloc   uint64        // bytes allocated by one Preview
	previewMallocs uint64
	sweep          time.Duration
	sweepAlloc     uint64
	decided        int
	rss, heap      int64
	plan           string
}

func run(ctx context.Context, sizes []int, due, reps int, out io.Writer, logger *slog.Logger) error {
	cluster, err := pgtest.StartCluster(ctx, "", logger)
	if err != nil {
		return err
	}
	defer cluster.Stop()
	var results []result
	for _, n := range sizes {
		r, err := measure(ctx, cluster, n, due, reps, logger)
		if err != nil {
			return err
		}
		results = append(results, r)
		fmt.Fprintf(out, "%9d open, %d due: setup %v; Preview median %v, %s and %d allocs per run; Sweep %v (%d decisions), %s allocated; RSS %s, heap in use %s\n",
			r.open, r.due, r.setup.Round(time.Second), r.preview.Round(time.Millisecond), benchkit.MiB(int64(r.previewAlloc)), r.previewMallocs,
			r.sweep.Round(time.Millisecond), r.decided, benchkit.MiB(int64(r.sweepAlloc)), benchkit.MiB(r.rss), benchkit.MiB(r.heap))
		fmt.Fprintf(out, "          due-invoice query plan: %s\n", r.plan)
	}
	if len(results) > 1 {
		a, b := results[0], results[len(results)-1]
		fmt.Fprintf(out, "ratio %d/%d open: Preview time %.2f×, Sweep time %.2f×, Preview allocations %.2f×\n", b.open, a.open,
			float64(b.preview)/float64(a.preview), float64(b.sweep)/float64(a.sweep), float64(b.previewAlloc)/float64(a.previewAlloc))
	}
	return nil
}

// measure builds a database with n open invoices of one tenant, due of
// them due at asOf, and times Preview and Sweep.
func measure(ctx context.Context, cluster *pgtest.Cluster, n, due, reps int, logger *slog.Logger) (result, error) {
	r := result{open: n, due: due}
	start := time.Now()
	url, err := benchkit.CreateDatabase(ctx, cluster.URL("postgres"), fmt.Sprintf("sweep_%d", n))
	if err != nil {
		return r, err
	}
	box, err := secretbox.New([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		return r, err
	}
	db, err := store.Open(ctx, url, box, store.Options{Logger: logger})
	if err != nil {
		return r, err
	}
	defer db.Close()
	if err := store.Migrate(ctx, db.Pool(), logger); err != nil {
		return r, err
	}
	t, err := db.UpsertInstall(ctx, remit.Tenant{ClientKey: "sweep-tenant", AppKey: "io.remit.jira", BaseURL: "https://sweep.atlassian.net",
		ProductType: "jira", SharedSecret: "s3cret-s3cret-s3cret-s3cret-s3cret"})
	if err != nil {
		return r, err
	}
	set := invoice.DefaultSettings()
	set.BillingProjectKey, set.Timezone, set.Currency = "BILL", "UTC", "EUR"
	set.Seller = invoice.Seller{Name: "Sweep Consulting", Email: "seller@sweep.example"}
	if err := db.PutSettings(ctx, nil, t.ClientKey, set, "bench"); err != nil {
		return r, err
	}
	c := invoice.Customer{Name: "Customer", JQL: "project = WORK", Currency: "EUR", HourlyRate: decimal.NewFromInt(100), BillingEmail: "ap@customer.example"}
	if err := db.CreateCustomer(ctx, nil, t.ClientKey, &c, "bench"); err != nil {
		return r, err
	}
	asOf := time.Now().UTC().Truncate(time.Second)
	// Invoices g <= due are 8 days overdue with their action due now (the
	// overdue-7 step); the others are due in 10..100 days, their next
	// action (the reminder) still ahead.
	if _, err := db.Pool().Exec(ctx, `
		INSERT INTO invoices (client_key, number, customer_id, customer_name, status, currency, subtotal, tax, tax_percent, total,
			issue_date, due_date, period_start, period_end, jira_issue_key, jira_issue_id, next_action_at, created_by, created_at, updated_at)
		SELECT $1, 'INV-' || g, $2, 'Customer', 'open', 'EUR', 1000, 0, 0, 1000,
			$3::date - 40, CASE WHEN g <= $4 THEN $3::date - 8 ELSE $3::date + 10 + g % 90 END, '2025-01-01', '2025-01-31',
			'BILL-' || g, (10000 + g)::text,
			CASE WHEN g <= $4 THEN $5::timestamptz - interval '1 hour' ELSE ($3::date + 7 + g % 90)::timestamptz END,
			'bench', now(), now()
		FROM generate_series(1, $6) AS g`, t.ClientKey, c.ID, asOf.Format(time.DateOnly), due, asOf, n); err != nil {
		return r, fmt.Errorf("insert invoices: %w", err)
	}
	if _, err := db.Pool().Exec(ctx, `VACUUM ANALYZE invoices`); err != nil {
		return r, err
	}
	r.setup = time.Since(start)
	var plan []string
	rows, err := db.Pool().Query(ctx, `EXPLAIN SELECT id, next_action_at FROM invoices WHERE client_key = $1 AND next_action_at <= $2
		ORDER BY next_action_at, id LIMIT 200`, t.ClientKey, asOf)
	if err != nil {
		return r, err
	}
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return r, err
		}
		plan = append(plan, strings.TrimSpace(line))
	}
	rows.Close()
	r.plan = strings.Join(plan, " | ")

	e := &followupengine.Engine{DB: db, Logger: logger}
	var times []time.Duration
	for i := range reps {
		allocs, mallocs, d, res, err := measured(func() (followupengine.SweepResult, error) { return e.Preview(ctx, t, asOf) })
		if err != nil {
			return r, err
		}
		if res.Invoices != due {
			return r, fmt.Errorf("preview planned %d invoices, want %d", res.Invoices, due)
		}
		times = append(times, d)
		if i == 0 {
			r.previewAlloc, r.previewMallocs = allocs, mallocs
		}
	}
	slices.Sort(times)
	r.preview = times[len(times)/2]
	allocs, _, d, res, err := measured(func() (followupengine.SweepResult, error) { return e.Sweep(ctx, t, asOf) })
	if err != nil {
		return r, err
	}
	if res.Invoices != due {
		return r, fmt.Errorf("sweep handled %d invoices, want %d", res.Invoices, due)
	}
	r.sweep, r.sweepAlloc, r.decided = d, allocs, len(res.Outcomes)
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	r.heap = int64(ms.HeapInuse)
	r.rss, err = benchkit.RSS(os.Getpid())
	return r, err
}

// measured runs fn and returns the bytes and objects it allocated and
// how long it took.
func measured(fn func() (followupengine.SweepResult, error)) (bytes, mallocs uint64, d time.Duration, res followupengine.SweepResult, err error) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	res, err = fn()
	d = time.Since(start)
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc, after.Mallocs - before.Mallocs, d, res, err
}

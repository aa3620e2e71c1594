// Command webhooksoak is the webhook soak test: it builds and starts Remit
// as a child process on a throw-away PostgreSQL, installs -tenants Jira
// sites with signed installs, then sends -deliveries signed webhook
// deliveries (a share -dup of them repeats of earlier identifiers, as Jira
// does) spread evenly over -duration. At the end it checks from the
// database that every distinct delivery was recorded exactly once and that
// its job ran exactly once, and reports Remit's resident memory at the
// start and the end.
//
//	go run ./bench/cmd/webhooksoak                      # 100,000 over 10 minutes
//	go run ./bench/cmd/webhooksoak -deliveries 5000 -duration 30s
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/remitapp/remit/bench/internal/benchkit"
	"github.com/remitapp/remit/internal/loadgen"
	"github.com/remitapp/remit/internal/pgtest"
)

type options struct {
	deliveries  int
	dup         float64
	duration    time.Duration
	window      time.Duration
	tenants     int
	concurrency int
	workers     int
	seed        uint64
}

func main() {
	var o options
	flag.IntVar(&o.deliveries, "deliveries", 100_000, "webhook deliveries to send, duplicates included")
	flag.Float64Var(&o.dup, "dup", 0.05, "share of deliveries that repeat an earlier identifier")
	flag.DurationVar(&o.duration, "duration", 10*time.Minute, "time to spread the deliveries over")
	flag.DurationVar(&o.window, "window", 10*time.Second, "pacing window: each sends duration/window's share at once")
	flag.IntVar(&o.tenants, "tenants", 100, "installed Jira sites")
	flag.IntVar(&o.concurrency, "concurrency", 16, "concurrent senders")
	flag.IntVar(&o.workers, "workers", 10, "Remit's REMIT_WORKERS")
	flag.Uint64Var(&o.seed, "seed", 2026, "seed of the delivery plan")
	flag.Parse()
	benchkit.Main("webhooksoak", slog.LevelInfo, func(ctx context.Context, out io.Writer, logger *slog.Logger) error { return run(ctx, o, out, logger) })
}

// delivery is one planned request.
type delivery struct {
	tenant int
	id     string
	n      int
}

// plan draws the deliveries: new identifiers, and with probability dup a
// repeat of an earlier delivery (same tenant, identifier and body).
func plan(o options) (all []delivery, distinct int) {
	r := rand.New(rand.NewPCG(o.seed, 7))
	all = make([]delivery, 0, o.deliveries)
	for i := range o.deliveries {
		if i > 0 && r.Float64() < o.dup {
			all = append(all, all[r.IntN(len(all))])
			continue
		}
		all = append(all, delivery{tenant: r.IntN(o.tenants), id: fmt.Sprintf("soak-%08d", i), n: i})
		distinct++
	}
	return all, distinct
}

func run(ctx context.Context, o options, out io.Writer, logger *slog.Logger) error {
	work, err := os.MkdirTemp("", "remit-soak-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	root, err := benchkit.ModuleRoot()
	if err != nil {
		return err
	}
	bin := filepath.Join(work, "remit")
	build := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", bin, "./cmd/remit")
	build.Dir, build.Stdout, build.Stderr = root, os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("build remit: %w", err)
	}

	cluster, err := pgtest.StartCluster(ctx, "", logger)
	if err != nil {
		return err
	}
	defer cluster.Stop()
	dbURL, err := benchkit.CreateDatabase(ctx, cluster.URL("postgres"), "remit_soak")
	if err != nil {
		return err
	}
	atl, err := benchkit.NewAtlassian()
	if err != nil {
		return err
	}
	defer atl.Close()
	addr, err := benchkit.FreeAddr()
	if err != nil {
		return err
	}
	base := "http://" + addr
	opsAddr, err := benchkit.FreeAddr()
	if err != nil {
		return err
	}
	ops := "http://" + opsAddr
	logPath := filepath.Join(work, "remit.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return err
	}
	defer logFile.Close()
	remit := exec.Command(bin, "serve", "-log-level", "warn")
	remit.Env = append(os.Environ(),
		"DATABASE_URL="+dbURL, "REMIT_LISTEN="+addr, "REMIT_OPS_LISTEN="+opsAddr, "REMIT_BASE_URL="+base,
		"REMIT_ENCRYPTION_KEY="+benchkit.EncryptionKey(), "REMIT_CONNECT_KEYS_URL="+atl.KeysURL,
		"REMIT_WORKERS="+strconv.Itoa(o.workers))
	remit.Stdout, remit.Stderr = logFile, logFile
	if err := remit.Start(); err != nil {
		return err
	}
	exited := make(chan error, 1)
	go func() { exited <- remit.Wait() }()
	defer func() {
		_ = remit.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			_ = remit.Process.Kill()
		}
	}()
	readyCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	err = benchkit.WaitHTTP(readyCtx, ops+"/readyz")
	cancel()
	if err != nil {
		return err
	}

	tenants := make([]benchkit.Tenant, o.tenants)
	for i := range tenants {
		tenants[i] = benchkit.NewTenant(i)
		if err := atl.Install(ctx, base, "io.remit.jira", tenants[i]); err != nil {
			return err
		}
	}
	deliveries, distinct := plan(o)
	pid := remit.Process.Pid
	rssStart, err := benchkit.RSS(pid)
	if err != nil {
		return err
	}
	heapStart := scrapeOne(ops, "go_memstats_heap_inuse_bytes")
	fmt.Fprintf(out, "soak: %d deliveries (%d distinct, %d repeats) to %d tenants over %v; remit pid %d, RSS at start %s\n",
		len(deliveries), distinct, len(deliveries)-distinct, o.tenants, o.duration, pid, benchkit.MiB(rssStart))

	u, _ := url.Parse(base + "/webhooks/jira")
	windows := max(int(o.duration/o.window), 1)
	per := (len(deliveries) + windows - 1) / windows
	total := loadgen.Result{Status: map[int]int{}}
	rssMax := rssStart
	start := time.Now()
	for w := 0; w*per < len(deliveries); w++ {
		begin := start.Add(time.Duration(w) * o.window)
		if d := time.Until(begin); d > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(d):
			}
		}
		chunk := deliveries[w*per : min((w+1)*per, len(deliveries))]
		res, err := loadgen.Run(ctx, loadgen.Options{
			Requests: len(chunk), Concurrency: o.concurrency,
			Make: func(i int) (*http.Request, error) {
				d := chunk[i]
				return benchkit.WebhookRequest(u, tenants[d.tenant], d.id, benchkit.WebhookBody(d.n, time.Now()))
			},
		})
		if err != nil {
			return err
		}
		total.Errors += res.Errors
		for k, v := range res.Status {
			total.Status[k] += v
		}
		total.Latency = append(total.Latency, res.Latency...)
		rss, err := benchkit.RSS(pid)
		if err != nil {
			return fmt.Errorf("remit is gone: %w", err)
		}
		rssMax = max(rssMax, rss)
		if w%6 == 5 || (w+1)*per >= len(deliveries) {
			fmt.Fprintf(out, "  %6.0fs  sent %6d  RSS %s  window p99 %v\n", time.Since(start).Seconds(),
				min((w+1)*per, len(deliveries)), benchkit.MiB(rss), res.Percentile(99).Round(time.Microsecond))
		}
	}
	sendTime := time.Since(start)

	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	drainStart := time.Now()
	if err := waitDrained(ctx, pool, 5*time.Minute); err != nil {
		return err
	}
	drain := time.Since(drainStart)
	rssEnd, err := benchkit.RSS(pid)
	if err != nil {
		return err
	}
	heapEnd := scrapeOne(ops, "go_memstats_heap_inuse_bytes")
	lagSum, lagCount := scrapeOne(ops, "remit_webhook_lag_seconds_sum"), scrapeOne(ops, "remit_webhook_lag_seconds_count")
	metricCompleted := scrapeOne(ops, `remit_jobs_total{kind="webhook",outcome="completed"}`)

	total.Elapsed = sendTime
	slices.Sort(total.Latency)
	fmt.Fprintf(out, "sent: %d requests in %v (%.0f req/s), p50 %v, p99 %v, max %v, transport errors %d, status %v\n",
		len(total.Latency), sendTime.Round(time.Second), total.RPS(), total.Percentile(50).Round(time.Microsecond),
		total.Percentile(99).Round(time.Microsecond), total.Percentile(100).Round(time.Microsecond), total.Errors, total.Status)
	fmt.Fprintf(out, "jobs drained %v after the last delivery; mean webhook lag %.3fs over %.0f deliveries\n",
		drain.Round(time.Millisecond), lagSum/max(lagCount, 1), lagCount)
	fmt.Fprintf(out, "memory: RSS start %s, max %s, end %s; Go heap in use start %s, end %s\n",
		benchkit.MiB(rssStart), benchkit.MiB(rssMax), benchkit.MiB(rssEnd), benchkit.MiB(int64(heapStart)), benchkit.MiB(int64(heapEnd)))

	problems := verify(ctx, pool, deliveries, tenants, distinct)
	if total.Errors > 0 || total.Status[http.StatusNoContent] != len(deliveries) {
		problems = append(problems, fmt.Sprintf("not every delivery was answered 204: errors %d, status %v", total.Errors, total.Status))
	}
	if int(metricCompleted) != distinct {
		// Informational: the counter comes from River's event stream.
		fmt.Fprintf(out, "note: remit_jobs_total{kind=\"webhook\",outcome=\"completed\"} = %.0f, distinct deliveries %d\n", metricCompleted, distinct)
	}
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintln(out, "FAIL:", p)
		}
		return fmt.Errorf("%d checks failed (remit log: %s)", len(problems), logPath)
	}
	fmt.Fprintf(out, "OK: %d distinct deliveries recorded exactly once, %d webhook jobs each completed on its first and only run; %d repeats recorded nothing\n",
		distinct, distinct, len(deliveries)-distinct)
	return nil
}

// waitDrained waits until no webhook job is left to run.
func waitDrained(ctx context.Context, pool *pgxpool.Pool, within time.Duration) error {
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		var pending int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'webhook' AND state NOT IN ('completed', 'cancelled', 'discarded')`).Scan(&pending); err != nil {
			return err
		}
		if pending == 0 {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return errors.New("webhook jobs still pending after " + within.String())
}

// verify compares the database with the plan: the set of recorded
// deliveries and the set of webhook jobs must both equal the set of
// distinct planned deliveries, each job completed with one attempt.
func verify(ctx context.Context, pool *pgxpool.Pool, plan []delivery, tenants []benchkit.Tenant, distinct int) []string {
	want := map[string]bool{}
	for _, d := range plan {
		want[tenants[d.tenant].ClientKey+"/"+d.id] = true
	}
	var problems []string
	check := func(what, query string) {
		rows, err := pool.Query(ctx, query)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", what, err))
			return
		}
		defer rows.Close()
		seen := map[string]int{}
		bad := 0
		for rows.Next() {
			var ck, id string
			var ok bool
			if err := rows.Scan(&ck, &id, &ok); err != nil {
				problems = append(problems, fmt.Sprintf("%s: %v", what, err))
				return
			}
			seen[ck+"/"+id]++
			if !ok {
				bad++
			}
		}
		missing, extra, twice := 0, 0, 0
		for k := range want {
			if seen[k] == 0 {
				missing++
			}
		}
		for k, n := range seen {
			if !want[k] {
				extra++
			}
			if n > 1 {
				twice++
			}
		}
		if missing+extra+twice+bad > 0 || len(seen) != distinct {
			problems = append(problems, fmt.Sprintf("%s: %d distinct rows of %d wanted; %d missing, %d unexpected, %d more than once, %d not completed on a single run",
				what, len(seen), distinct, missing, extra, twice, bad))
		}
	}
	check("webhook_deliveries", `SELECT client_key, identifier, true FROM webhook_deliveries`)
	check("river_job", `SELECT args->>'client_key', args->>'identifier', state = 'completed' AND attempt = 1 FROM river_job WHERE kind = 'webhook'`)
	return problems
}

// scrapeOne reads one sample from the /metrics of Remit's ops listener at
// ops (0 when absent).
func scrapeOne(ops, sample string) float64 {
	resp, err := http.Get(ops + "/metrics")
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, sample+" "); ok {
			v, _ := strconv.ParseFloat(strings.TrimSpace(rest), 64)
			return v
		}
	}
	return 0
}

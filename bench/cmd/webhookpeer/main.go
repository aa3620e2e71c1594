// Command webhookpeer is the peer benchmark: the same JWT-verified webhook
// (verify the HS256 token and its qsh, dedupe on the delivery id, enqueue
// a job in the same transaction) served by Remit and by a minimal app on
// atlassian-connect-express (bench/ace, with ACE's PostgreSQL store), on
// one throw-away PostgreSQL, driven one after the other by the same load
// generator with the same tenants, concurrency and request count.
//
//	go run ./bench/cmd/webhookpeer                  # 20,000 requests, 32 concurrent
//	go run ./bench/cmd/webhookpeer -ace-workers 2   # ACE on node's cluster module, one process per core
//	go run ./bench/cmd/webhookpeer -durable         # PostgreSQL on disk, fsync and synchronous commit on
//
// It needs node and the packages of bench/ace (installed with npm ci when
// node_modules is missing).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
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

	"github.com/jackc/pgx/v5"

	"github.com/remitapp/remit/bench/internal/benchkit"
	"github.com/remitapp/remit/internal/app"
	"github.com/remitapp/remit/internal/config"
	"github.com/remitapp/remit/internal/httpapi"
	"github.com/remitapp/remit/internal/loadgen"
	"github.com/remitapp/remit/internal/pgtest"
)

type options struct {
	requests    int
	warmup      int
	concurrency int
	tenants     int
	aceWorkers  int
	pool        int
	durable     bool
	runs        int
}

func main() {
	var o options
	flag.IntVar(&o.requests, "requests", 20_000, "measured deliveries per app")
	flag.IntVar(&o.warmup, "warmup", 1_000, "deliveries sent first and not measured")
	flag.IntVar(&o.concurrency, "concurrency", 32, "concurrent senders")
	flag.IntVar(&o.tenants, "tenants", 10, "installed tenants; deliveries rotate over them")
	flag.IntVar(&o.aceWorkers, "ace-workers", 1, "node processes serving the ACE app (ACE_WORKERS)")
	flag.IntVar(&o.pool, "pool", 10, "database connections each app may open (per node process for ACE)")
	flag.IntVar(&o.runs, "runs", 1, "measured runs, alternating the apps; the median ratio is reported")
	flag.BoolVar(&o.durable, "durable", false, "run PostgreSQL as production does: on disk, fsync and synchronous commit on")
	flag.Parse()
	benchkit.Main("webhookpeer", slog.LevelWarn, func(ctx context.Context, out io.Writer, logger *slog.Logger) error { return run(ctx, o, out, logger) })
}

// target is one app under load.
type target struct {
	pid     int // the app's process (ACE only; Remit runs in this one)
	name    string
	url     string // base URL
	dbURL   string
	count   string // SQL counting recorded deliveries and enqueued jobs
	tenants []benchkit.Tenant
}

func run(ctx context.Context, o options, out io.Writer, logger *slog.Logger) error {
	root, err := benchkit.ModuleRoot()
	if err != nil {
		return err
	}
	start := pgtest.StartCluster
	if o.durable {
		start = pgtest.StartDurableCluster
	}
	cluster, err := start(ctx, "", logger)
	if err != nil {
		return err
	}
	defer cluster.Stop()
	tenants := make([]benchkit.Tenant, o.tenants)
	for i := range tenants {
		tenants[i] = benchkit.NewTenant(i)
	}

	remit, stopRemit, err := startRemit(ctx, cluster, tenants, o.pool, logger)
	if err != nil {
		return err
	}
	defer stopRemit()
	ace, stopACE, err := startACE(ctx, root, cluster, tenants, o.aceWorkers, o.pool)
	if err != nil {
		return err
	}
	defer stopACE()

	durability := "PostgreSQL in memory, fsync off"
	if o.durable {
		durability = "PostgreSQL on disk, fsync and synchronous commit on"
	}
	fmt.Fprintf(out, "peer benchmark: %d signed webhook deliveries per app after %d warm-up, %d concurrent, %d tenants; ACE on %d node process(es); %d database connections per process; %s; %s\n",
		o.requests, o.warmup, o.concurrency, o.tenants, o.aceWorkers, o.pool, durability, machine())
	var ratios []float64
	for round := 1; round <= o.runs; round++ {
		if o.runs > 1 {
			fmt.Fprintf(out, "\nrun %d of %d\n", round, o.runs)
		}
		ratio, err := measure(ctx, o, out, cluster, remit, ace, round)
		if err != nil {
			return err
		}
		ratios = append(ratios, ratio)
	}
	if o.runs > 1 {
		sorted := slices.Clone(ratios)
		slices.Sort(sorted)
		fmt.Fprintf(out, "\nthroughput remit/ace over %d runs: %s; median %.2f×\n", o.runs, fmtRatios(ratios), sorted[len(sorted)/2])
	}
	return nil
}

// measure sends one warm-up and one measured load to each app in turn and
// prints the figures; it returns Remit's throughput over ACE's. round
// counts the loads each app has had, whose rows its database must hold.
func measure(ctx context.Context, o options, out io.Writer, cluster *pgtest.Cluster, remit, ace target, round int) (float64, error) {
	results := map[string]loadgen.Result{}
	cpu := map[string]cpuUse{}
	for _, t := range []target{remit, ace} {
		if err := refusesForgery(t); err != nil {
			return 0, err
		}
		// Each round's deliveries are new ones: a repeated identifier is a
		// redelivery, which both apps record once.
		if _, err := load(ctx, t, fmt.Sprintf("warm%d", round), o.warmup, o.concurrency); err != nil {
			return 0, fmt.Errorf("%s warm-up: %w", t.name, err)
		}
		before := cpuNow(cluster, ace)
		res, err := load(ctx, t, fmt.Sprintf("run%d", round), o.requests, o.concurrency)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", t.name, err)
		}
		cpu[t.name] = cpuNow(cluster, ace).minus(before, o.requests)
		if res.Errors > 0 || res.Status[http.StatusNoContent] != o.requests {
			return 0, fmt.Errorf("%s: not every delivery was accepted: %v", t.name, res)
		}
		deliveries, jobs, err := counts(ctx, t)
		if err != nil {
			return 0, err
		}
		if want := round * (o.warmup + o.requests); deliveries != want || jobs != want {
			return 0, fmt.Errorf("%s recorded %d deliveries and %d jobs, want %d of each", t.name, deliveries, jobs, want)
		}
		results[t.name] = res
		fmt.Fprintf(out, "%-6s %s; %d deliveries and %d jobs in its database\n", t.name, res, deliveries, jobs)
	}
	r, a := results["remit"], results["ace"]
	fmt.Fprintf(out, "\n| app | req/s | p50 | p99 |\n| --- | --- | --- | --- |\n")
	for _, name := range []string{"remit", "ace"} {
		res := results[name]
		fmt.Fprintf(out, "| %s | %.0f | %v | %v |\n", name, res.RPS(), ms(res.Percentile(50)), ms(res.Percentile(99)))
	}
	fmt.Fprintf(out, "\nthroughput remit/ace = %.2f×; p99 remit/ace = %.2f\n", r.RPS()/a.RPS(),
		float64(r.Percentile(99))/float64(a.Percentile(99)))
	// The Go process is the load generator plus Remit during Remit's run
	// and the load generator alone during ACE's.
	gen := cpu["ace"].goProc
	fmt.Fprintf(out, "CPU per delivery: Remit %v, ACE (node) %v; PostgreSQL %v under Remit, %v under ACE; load generator %v\n",
		(cpu["remit"].goProc - gen).Round(time.Microsecond), cpu["ace"].node.Round(time.Microsecond),
		cpu["remit"].postgres.Round(time.Microsecond), cpu["ace"].postgres.Round(time.Microsecond), gen.Round(time.Microsecond))
	return r.RPS() / a.RPS(), nil
}

func fmtRatios(rs []float64) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = fmt.Sprintf("%.2f×", r)
	}
	return strings.Join(parts, ", ")
}

// cpuUse is processor time by process group.
type cpuUse struct{ goProc, node, postgres time.Duration }

// cpuNow reads the processor time used so far by this process, the node
// processes and the PostgreSQL cluster.
func cpuNow(cluster *pgtest.Cluster, ace target) cpuUse {
	self, _ := benchkit.CPU(os.Getpid(), false)
	return cpuUse{goProc: self, node: benchkit.TreeCPU(ace.pid), postgres: benchkit.TreeCPU(postmaster(cluster))}
}

// minus is the use since before, per delivery.
func (u cpuUse) minus(before cpuUse, n int) cpuUse {
	per := func(d time.Duration) time.Duration { return d / time.Duration(n) }
	return cpuUse{per(u.goProc - before.goProc), per(u.node - before.node), per(u.postgres - before.postgres)}
}

// postmaster is the pid of the cluster's server process.
func postmaster(c *pgtest.Cluster) int {
	b, err := os.ReadFile(filepath.Join(c.Dir(), "data", "postmaster.pid"))
	if err != nil {
		return -1
	}
	first, _, _ := strings.Cut(string(b), "\n")
	pid, _ := strconv.Atoi(strings.TrimSpace(first))
	return pid
}

// load sends n deliveries with distinct ids (prefix-i) to t.
func load(ctx context.Context, t target, prefix string, n, concurrency int) (loadgen.Result, error) {
	u, err := url.Parse(t.url + "/webhooks/jira")
	if err != nil {
		return loadgen.Result{}, err
	}
	return loadgen.Run(ctx, loadgen.Options{
		Requests: n, Concurrency: concurrency,
		Make: func(i int) (*http.Request, error) {
			return benchkit.WebhookRequest(u, t.tenants[i%len(t.tenants)], prefix+"-"+strconv.Itoa(i), benchkit.WebhookBody(i, time.Now()))
		},
	})
}

// refusesForgery checks that t really verifies tokens: a delivery signed
// with the wrong secret, and one whose qsh is for another path, are
// refused (Remit answers 401; ACE 400 for a bad signature, 401 for a bad
// qsh) and, as the counts after the run show, recorded nowhere.
func refusesForgery(t target) error {
	u, _ := url.Parse(t.url + "/webhooks/jira")
	other, _ := url.Parse(t.url + "/webhooks/other")
	forged := t.tenants[0]
	forged.SharedSecret = strings.Repeat("f", len(forged.SharedSecret))
	for what, make := range map[string]func() (*http.Request, error){
		"wrong secret": func() (*http.Request, error) {
			return benchkit.WebhookRequest(u, forged, "forged-1", benchkit.WebhookBody(1, time.Now()))
		},
		"qsh of another path": func() (*http.Request, error) {
			req, err := benchkit.WebhookRequest(other, t.tenants[0], "forged-2", benchkit.WebhookBody(1, time.Now()))
			if err == nil {
				req.URL = u
			}
			return req, err
		},
	} {
		req, err := make()
		if err != nil {
			return err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized && resp.StatusCode != http.StatusBadRequest {
			return fmt.Errorf("%s accepted a delivery with a %s: status %d", t.name, what, resp.StatusCode)
		}
	}
	return nil
}

func counts(ctx context.Context, t target) (deliveries, jobs int, err error) {
	conn, err := pgx.Connect(ctx, t.dbURL)
	if err != nil {
		return 0, 0, err
	}
	defer conn.Close(ctx)
	err = conn.QueryRow(ctx, t.count).Scan(&deliveries, &jobs)
	return deliveries, jobs, err
}

// startRemit builds Remit with app.New, exactly as `remit serve` does, and
// serves its HTTP edge. Its workers are not started: the comparison is of
// the webhook endpoint (ACE's peer has no workers either); the soak test
// measures the workers.
func startRemit(ctx context.Context, cluster *pgtest.Cluster, tenants []benchkit.Tenant, pool int, logger *slog.Logger) (target, func(), error) {
	dbURL, err := benchkit.CreateDatabase(ctx, cluster.URL("postgres"), "remit_peer")
	if err != nil {
		return target{}, nil, err
	}
	poolURL := dbURL + "&pool_max_conns=" + strconv.Itoa(pool)
	atl, err := benchkit.NewAtlassian()
	if err != nil {
		return target{}, nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		atl.Close()
		return target{}, nil, err
	}
	base := "http://" + ln.Addr().String()
	env := map[string]string{"DATABASE_URL": poolURL, "REMIT_BASE_URL": base, "REMIT_ENCRYPTION_KEY": benchkit.EncryptionKey(),
		"REMIT_CONNECT_KEYS_URL": atl.KeysURL}
	cfg, err := config.FromEnv(func(k string) string { return env[k] }, config.Need{Database: true, Secrets: true})
	if err != nil {
		atl.Close()
		return target{}, nil, err
	}
	a, err := app.New(ctx, cfg, logger, app.Options{})
	if err != nil {
		atl.Close()
		return target{}, nil, err
	}
	srv := httpapi.NewHTTPServer(ln.Addr().String(), a.Server.Handler())
	go func() { _ = srv.Serve(ln) }()
	stop := func() { _ = srv.Close(); a.Close(); atl.Close() }
	readyCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	// app.New has migrated the database, so serving is all that is left.
	if err := benchkit.WaitHTTP(readyCtx, base+"/healthz"); err != nil {
		stop()
		return target{}, nil, err
	}
	for _, t := range tenants {
		if err := atl.Install(ctx, base, cfg.AppKey, t); err != nil {
			stop()
			return target{}, nil, err
		}
	}
	return target{name: "remit", url: base, dbURL: dbURL, tenants: tenants,
		count: `SELECT (SELECT count(*) FROM webhook_deliveries), (SELECT count(*) FROM river_job WHERE kind = 'webhook')`}, stop, nil
}

// startACE runs bench/ace/app.js with node and writes the tenants into
// ACE's own store table, as its install route would.
func startACE(ctx context.Context, root string, cluster *pgtest.Cluster, tenants []benchkit.Tenant, workers, pool int) (target, func(), error) {
	dir := filepath.Join(root, "bench", "ace")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "atlassian-connect-express")); err != nil {
		npm := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
		npm.Dir, npm.Stdout, npm.Stderr = dir, os.Stderr, os.Stderr
		if err := npm.Run(); err != nil {
			return target{}, nil, fmt.Errorf("npm ci in bench/ace: %w", err)
		}
	}
	dbURL, err := benchkit.CreateDatabase(ctx, cluster.URL("postgres"), "ace_peer")
	if err != nil {
		return target{}, nil, err
	}
	addr, err := benchkit.FreeAddr()
	if err != nil {
		return target{}, nil, err
	}
	_, port, _ := net.SplitHostPort(addr)
	base := "http://" + addr
	node := exec.Command("node", "app.js")
	node.Dir = dir
	node.Env = append(os.Environ(), "PORT="+port, "AC_LOCAL_BASE_URL="+base, "DB_URL="+strings.Replace(dbURL, "?sslmode=disable", "", 1),
		"ACE_WORKERS="+strconv.Itoa(workers), "ACE_POOL_MAX="+strconv.Itoa(pool))
	node.Stdout, node.Stderr = os.Stderr, os.Stderr
	node.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := node.Start(); err != nil {
		return target{}, nil, err
	}
	stop := func() {
		_ = syscall.Kill(-node.Process.Pid, syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = node.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-node.Process.Pid, syscall.SIGKILL)
		}
	}
	readyCtx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if err := benchkit.WaitHTTP(readyCtx, base+"/healthz"); err != nil {
		stop()
		return target{}, nil, err
	}
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		stop()
		return target{}, nil, err
	}
	defer conn.Close(ctx)
	for _, t := range tenants {
		val, _ := json.Marshal(benchkit.InstallPayload("io.remit.bench.ace", t))
		if _, err := conn.Exec(ctx, `INSERT INTO "AddonSettings" ("clientKey", "key", "val") VALUES ($1, 'clientInfo', $2)`, t.ClientKey, string(val)); err != nil {
			stop()
			return target{}, nil, fmt.Errorf("store ACE tenant: %w", err)
		}
	}
	return target{pid: node.Process.Pid, name: "ace", url: base, dbURL: dbURL, tenants: tenants,
		count: `SELECT (SELECT count(*) FROM ace_webhook_deliveries), (SELECT count(*) FROM ace_jobs)`}, stop, nil
}

// machine names the CPU count and Node version the figures came from.
func machine() string {
	v, _ := exec.Command("node", "--version").Output()
	cores, _ := exec.Command("nproc").Output()
	return fmt.Sprintf("%s cores, node %s", strings.TrimSpace(string(cores)), strings.TrimSpace(string(v)))
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 1, 64) + " ms"
}

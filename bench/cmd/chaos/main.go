// Command chaos is the follow-up engine's bounded chaos run (loopback
// only): three `remit serve` replicas on one throw-away PostgreSQL, 20
// Jira sites with 250 invoices each at various distances past their due
// dates (over 10,000 due follow-up effects), every site swept on every
// replica at once and by the schedule, while one replica is SIGKILLed
// and restarted every 10 s, PostgreSQL is restarted once, and the Jira
// simulator answers 20 % of REST calls 429 and 10 % 503, and stores 10 %
// of writes before answering 502 or 504 (from setup on, invoice issues
// included). When the kills stop it waits for the work to drain, then
// counts from the simulator's and the SMTP server's records that every
// due action happened exactly once, none lost, none duplicated: comments,
// e-mails, transitions, and in Jira one issue per invoice, the late fee
// once in each invoice's balance and each stop-work label added once;
// and it reports the time to drain.
//
//	go run ./bench/cmd/chaos                       # make bench-chaos
//	go run ./bench/cmd/chaos -tenants 4 -per 20 -chaos 40s
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/shopspring/decimal"
	"golang.org/x/sync/errgroup"

	"github.com/remitapp/remit/bench/internal/benchkit"
	"github.com/remitapp/remit/internal/followup"
	"github.com/remitapp/remit/internal/jirasim"
)

type options struct {
	tenants, per, replicas, workers int
	every, chaos, pgAt, drain       time.Duration
	rescue                          time.Duration
	rate429, rate503, lostMail      float64
	rate502After, rate504After      float64
	fee                             string
	seed                            uint64
	keep                            bool
}

// offsets are the distances past the due date the invoices are spread
// over: each reaches a different step of the ladder, with catch-ups.
var offsets = []int{-3, 1, 7, 14, 30, 45, 60}

func main() {
	var o options
	flag.IntVar(&o.tenants, "tenants", 20, "Jira sites")
	flag.IntVar(&o.per, "per", 250, "invoices per site")
	flag.IntVar(&o.replicas, "replicas", 3, "remit serve processes")
	flag.IntVar(&o.workers, "workers", 30, "REMIT_WORKERS of each replica")
	flag.DurationVar(&o.every, "every", 10*time.Second, "one replica is SIGKILLed and restarted this often")
	flag.DurationVar(&o.chaos, "chaos", 90*time.Second, "how long the kills go on")
	flag.DurationVar(&o.pgAt, "pg-restart", 45*time.Second, "when into the chaos PostgreSQL is restarted")
	flag.DurationVar(&o.drain, "drain", 40*time.Minute, "how long the work may take to drain")
	flag.DurationVar(&o.rescue, "rescue", 30*time.Second, "REMIT_RESCUE_STUCK_AFTER")
	flag.Float64Var(&o.rate429, "429", 0.2, "share of Jira REST calls answered 429")
	flag.Float64Var(&o.rate503, "503", 0.1, "share of Jira REST calls answered 503")
	flag.Float64Var(&o.lostMail, "lost-mail", 0, "share of e-mails whose SMTP reply is lost after the message was stored")
	flag.Float64Var(&o.rate502After, "502-after", 0.05, "share of Jira writes (POST, PUT) stored and then answered 502, from setup on")
	flag.Float64Var(&o.rate504After, "504-after", 0.05, "share of Jira writes (POST, PUT) stored and then answered 504, from setup on")
	flag.StringVar(&o.fee, "fee", "25.00", "the fixed late fee of the sites' policy (custom preset, no interest)")
	flag.Uint64Var(&o.seed, "seed", 7, "seed of faults and kills")
	flag.BoolVar(&o.keep, "keep", false, "keep the work directory (replica logs)")
	flag.Parse()
	benchkit.Main("chaos", slog.LevelInfo, func(ctx context.Context, out io.Writer, logger *slog.Logger) error { return run(ctx, o, out, logger) })
}

func run(ctx context.Context, o options, out io.Writer, logger *slog.Logger) error {
	start := time.Now()
	ws, err := benchkit.NewWorkspace(ctx, "remit-chaos-", "remit_chaos", o.keep, logger)
	if err != nil {
		return err
	}
	defer ws.Close()
	fee, err := decimal.NewFromString(o.fee)
	if err != nil {
		return fmt.Errorf("-fee: %w", err)
	}
	policy := benchkit.MarkedPolicy()
	policy.LateFee = followup.LateFeePolicy{Preset: followup.PresetCustom, FixedFee: fee}
	f, err := ws.StartFleet(ctx, benchkit.FleetConfig{Replicas: o.replicas, Workers: o.workers,
		RescueAfter: o.rescue, SMTPLostReply: o.lostMail, Seed: o.seed, Logger: logger, Policy: policy})
	if err != nil {
		return err
	}
	defer f.Close()
	// Jira's gateway stores a write and answers 502 or 504: from setup on,
	// so that the invoice issues are created under it too. Each rule sees
	// the calls the rules before it let through.
	// A POST rule and a PUT rule never see the same call, so each method's
	// 504 rule is scaled by what its 502 rule let through.
	for _, method := range []string{http.MethodPost, http.MethodPut} {
		f.Sim.AddFault(jirasim.FaultRule{Kind: jirasim.FaultServerErrorAfterCommit, Method: method, Status: http.StatusBadGateway,
			Probability: o.rate502After})
		f.Sim.AddFault(jirasim.FaultRule{Kind: jirasim.FaultServerErrorAfterCommit, Method: method, Status: http.StatusGatewayTimeout,
			Probability: o.rate504After / (1 - o.rate502After)})
	}
	offs := make([]int, o.per)
	for j := range offs {
		offs[j] = offsets[j%len(offsets)]
	}
	f.Sites = make([]*benchkit.FleetSite, o.tenants)
	var g errgroup.Group
	g.SetLimit(4)
	for i := range o.tenants {
		g.Go(func() error {
			s, err := f.AddSite(ctx, fmt.Sprintf("chaos-%02d", i+1), offs)
			f.Sites[i] = s
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	fmt.Fprintf(out, "chaos: %d replicas, %d sites × %d invoices set up in %v (logs in %s)\n",
		len(f.Replicas), o.tenants, o.per, time.Since(start).Round(time.Second), ws.Dir)

	f.Sim.AddFault(jirasim.FaultRule{Kind: jirasim.FaultRateLimit, Probability: o.rate429, RetryAfter: 1})
	// The 503 rule sees only calls the 429 rule let through: scale it so
	// that it fires on rate503 of all calls.
	f.Sim.AddFault(jirasim.FaultRule{Kind: jirasim.FaultServerError, Status: 503, Probability: o.rate503 / (1 - o.rate429)})
	if err := f.Age(ctx, 0); err != nil {
		return err
	}
	chaosStart := time.Now()
	var kills, pgRestarts int
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		rng := rand.New(rand.NewPCG(o.seed, 9))
		pgDone := false
		for tick := time.NewTicker(o.every); time.Since(chaosStart) < o.chaos; {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			if !pgDone && time.Since(chaosStart) >= o.pgAt {
				pgDone = true
				if err := benchkit.RestartPostgres(ctx, filepath.Join(ws.Cluster.Dir(), "data")); err != nil {
					logger.Error("postgres restart failed", slog.String("error", err.Error()))
				} else {
					pgRestarts++
					logger.Info("postgres restarted")
				}
			}
			r := f.Replicas[rng.IntN(len(f.Replicas))]
			r.Kill()
			kills++
			if err := r.Start(ctx); err != nil {
				logger.Error("restart failed", slog.String("replica", r.Name), slog.String("error", err.Error()))
			}
		}
	}()
	ok, errs := f.SweepAll(ctx, time.Now().UTC())
	fmt.Fprintf(out, "sweeps: %d answered, %d cut off by kills (the schedule sweeps every minute as well)\n", ok, len(errs))
	wg.Wait()
	fmt.Fprintf(out, "chaos over after %v: %d SIGKILLs, %d PostgreSQL restarts\n", time.Since(chaosStart).Round(time.Second), kills, pgRestarts)
	if err := f.Drain(ctx, o.drain, 30*time.Second); err != nil {
		return err
	}
	drained := time.Since(chaosStart)
	t := f.Count()
	v := f.Verify(t, policy, []int{0})
	v.Print(out)
	ledger := f.CheckJira(benchkit.TermsOf(policy), 0)
	ledger.Print(out)
	var fired int
	var kinds []string
	for _, r := range f.Sim.Faults() {
		fired += r.Fired
		kinds = append(kinds, fmt.Sprintf("%s %s %d: %d", r.Method, r.Kind, r.Status, r.Fired))
	}
	fmt.Fprintf(out, "Jira faults fired by rule: %s\n", strings.Join(kinds, "; "))
	fmt.Fprintf(out, "drained %v after the sweeps started (%v after the last kill); Jira faults fired %d; SMTP replies lost %d\n",
		drained.Round(time.Second), (drained - o.chaos).Round(time.Second), fired, f.Mail.LostReplies())
	fmt.Fprintf(out, "due effects expected %d, found %d (comments %d, admin comments %d, e-mails %d distinct / %d raw, admin e-mails %d, transitions %d); stray %d\n",
		v.Want.Actions(), v.Got.Actions(), v.Got.Comments, v.Got.AdminComments, v.Got.Emails, v.Got.RawEmails, v.Got.AdminEmails, v.Got.Transitions, len(t.Stray))
	for i, m := range append(v.Mismatches, ledger.Mismatches...) {
		if i == 50 {
			fmt.Fprintf(out, "… %d more\n", len(v.Mismatches)-50)
			break
		}
		fmt.Fprintln(out, "FAIL:", m)
	}
	if len(v.Mismatches)+len(t.Stray)+len(ledger.Mismatches) > 0 {
		return fmt.Errorf("%d (invoice, step) pairs wrong, %d stray records, %d issue, fee or label counts wrong",
			len(v.Mismatches), len(t.Stray), len(ledger.Mismatches))
	}
	fmt.Fprintf(out, "OK: %d due effects each exactly once, none lost, none duplicated; %d other (invoice, step) pairs untouched; "+
		"%d invoice issues, one each; %d late fees, each charged once; %d stop-work labels, each added once\n",
		v.Want.Actions(), v.Pairs-v.DuePairs, ledger.Issues, ledger.FeeInvoices, ledger.LabelAdds)
	return nil
}

// Command chaos is the follow-up engine's bounded chaos run (loopback
// only): three `remit serve` replicas on one throw-away PostgreSQL, 20
// Jira sites with 250 invoices each at various distances past their due
// dates (over 10,000 due follow-up effects), every site swept on every
// replica at once and by the schedule, while one replica is SIGKILLed
// and restarted every 10 s, PostgreSQL is restarted once, and the Jira
// simulator answers 20 % of REST calls 429 and 10 % 503. When the kills
// stop it waits for the work to drain, then counts from the simulator's
// and the SMTP server's records that every due action happened exactly
// once, none lost, none duplicated, and reports the time to drain.
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
	"path/filepath"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/remitapp/remit/bench/internal/benchkit"
	"github.com/remitapp/remit/internal/jirasim"
)

type options struct {
	tenants, per, replicas, workers int
	every, chaos, pgAt, drain       time.Duration
	rescue                          time.Duration
	rate429, rate503, lostMail      float64
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
	f, err := ws.StartFleet(ctx, benchkit.FleetConfig{Replicas: o.replicas, Workers: o.workers,
		RescueAfter: o.rescue, SMTPLostReply: o.lostMail, Seed: o.seed, Logger: logger})
	if err != nil {
		return err
	}
	defer f.Close()
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
	v := f.Verify(t, benchkit.MarkedPolicy(), []int{0})
	v.Print(out)
	var fired int
	for _, r := range f.Sim.Faults() {
		fired += r.Fired
	}
	fmt.Fprintf(out, "drained %v after the sweeps started (%v after the last kill); Jira faults fired %d; SMTP replies lost %d\n",
		drained.Round(time.Second), (drained - o.chaos).Round(time.Second), fired, f.Mail.LostReplies())
	fmt.Fprintf(out, "due effects expected %d, found %d (comments %d, admin comments %d, e-mails %d distinct / %d raw, admin e-mails %d, transitions %d); stray %d\n",
		v.Want.Actions(), v.Got.Actions(), v.Got.Comments, v.Got.AdminComments, v.Got.Emails, v.Got.RawEmails, v.Got.AdminEmails, v.Got.Transitions, len(t.Stray))
	for i, m := range v.Mismatches {
		if i == 50 {
			fmt.Fprintf(out, "… %d more\n", len(v.Mismatches)-50)
			break
		}
		fmt.Fprintln(out, "FAIL:", m)
	}
	if len(v.Mismatches)+len(t.Stray) > 0 {
		return fmt.Errorf("%d (invoice, step) pairs wrong, %d stray records", len(v.Mismatches), len(t.Stray))
	}
	fmt.Fprintf(out, "OK: %d due effects each exactly once, none lost, none duplicated; %d other (invoice, step) pairs untouched\n",
		v.Want.Actions(), v.Pairs-v.DuePairs)
	return nil
}

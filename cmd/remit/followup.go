package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/remitapp/remit/internal/app"
	"github.com/remitapp/remit/internal/config"
	"github.com/remitapp/remit/internal/jobs"
)

const followupUsage = `usage: remit followup plan|run --tenant CLIENT_KEY [--as-of RFC3339]

  plan  print, as JSON lines, what a sweep at the instant would do; change nothing
  run   sweep at the instant and return once every action has been attempted`

// followup runs `remit followup plan|run`: an operator's view of the
// engine for one tenant at one instant. run starts the job workers in
// this process, so it works whether or not a server is running.
func followup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "plan" && args[0] != "run") {
		return errors.New(followupUsage)
	}
	sub := args[0]
	fs := flag.NewFlagSet("followup "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	tenant := fs.String("tenant", "", "the tenant's clientKey (required)")
	asOfText := fs.String("as-of", "", "the sweep instant, RFC 3339 (default: now on Remit's clock; run refuses a later instant)")
	level := fs.String("log-level", "warn", "debug, info, warn or error")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *tenant == "" {
		return errors.New("--tenant is required\n" + followupUsage)
	}
	var asOf time.Time
	if *asOfText != "" {
		var err error
		if asOf, err = time.Parse(time.RFC3339, *asOfText); err != nil {
			return fmt.Errorf("--as-of must be an RFC 3339 instant such as 2026-11-05T09:00:00Z: %w", err)
		}
	}
	cfg, err := config.OS(config.Need{Database: true, Secrets: true})
	if err != nil {
		return err
	}
	logger, err := newLogger(stderr, *level)
	if err != nil {
		return err
	}
	a, err := app.New(ctx, cfg, logger, app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	if asOf.IsZero() {
		asOf = a.Now() // Remit's one clock, REMIT_CLOCK_OFFSET included
	}
	t, err := a.DB.TenantByClientKey(ctx, *tenant)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	if sub == "plan" {
		res, err := a.Followups.Preview(ctx, t, asOf)
		if err != nil {
			return err
		}
		if res.Paused != "" {
			fmt.Fprintln(stderr, "remit: nothing to do:", res.Paused)
		}
		for _, o := range res.Outcomes {
			if err := enc.Encode(o); err != nil {
				return err
			}
		}
		return nil
	}
	if err := a.Jobs.Start(ctx); err != nil {
		return fmt.Errorf("start workers: %w", err)
	}
	defer func() {
		stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 25*time.Second)
		defer cancel()
		_ = jobs.Stop(stopCtx, a.Jobs)
	}()
	res, err := a.Followups.Sweep(ctx, t, asOf)
	if err != nil {
		return err
	}
	if res.Paused != "" {
		fmt.Fprintln(stderr, "remit: nothing to do:", res.Paused)
	}
	outs, err := a.Followups.Wait(ctx, t.ClientKey, res.Outcomes, progressLine(stderr, a.Now))
	if err != nil {
		return err
	}
	for _, o := range outs {
		if err := enc.Encode(o); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// progressLine reports progress on stderr every two seconds, so a long
// run shows it is moving; short runs print nothing.
func progressLine(w io.Writer, now func() time.Time) func(final, total int) {
	start, last := now(), now()
	return func(final, total int) {
		if t := now(); t.Sub(last) >= 2*time.Second {
			last = t
			fmt.Fprintf(w, "remit: %d of %d actions attempted (%s)\n", final, total, t.Sub(start).Round(time.Second))
		}
	}
}

// Command jirasim serves the in-memory Jira Cloud simulator for the local
// demo and for black-box tests:
//
//	jirasim -listen 127.0.0.1:9090 -url http://127.0.0.1:9090 [-seed demo]
//
// Install keys are served at <url>/connect-install-keys/<kid>, sites at
// <url>/jira/<site>, and the control API at <url>/_sim/. The demo host
// (internal/demohost) is mounted too: a simplified Jira's pages such as
// <url>/jira/<site>/browse/<key>, framing an installed app, and the
// stand-in Connect JS API at <url>/_demo/all.js.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/remitapp/remit/internal/demohost"
	"github.com/remitapp/remit/internal/jirasim"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "jirasim:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("jirasim", flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:9090", "address to listen on")
	publicURL := fs.String("url", "", "public URL of the simulator (default http://<listen>)")
	seed := fs.String("seed", "", `data to load at start: "demo" or empty`)
	keyID := fs.String("kid", "", "install signing key id (default random)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *publicURL == "" {
		*publicURL = "http://" + *listen
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	sim := jirasim.New(jirasim.Options{Logger: logger, KeyID: *keyID})
	defer sim.Close()
	sim.SetURL(*publicURL)
	demohost.Mount(sim, logger)
	switch *seed {
	case "":
	case "demo":
		st, err := sim.SeedDemo()
		if err != nil {
			return fmt.Errorf("seeding demo: %w", err)
		}
		logger.Info("seeded demo site", "site", st.Name(), "base_url", st.BaseURL())
	default:
		return fmt.Errorf("unknown -seed %q (want demo)", *seed)
	}

	srv := &http.Server{Addr: *listen, Handler: sim.Handler(), ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	logger.Info("jirasim listening", "listen", *listen, "url", *publicURL, "kid", sim.KeyID())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

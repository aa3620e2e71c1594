package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/remitapp/remit/internal/config"
)

// healthcheck asks the Remit listening on listen (REMIT_LISTEN, default
// :8080) for /healthz over loopback, with a 2 s timeout. The container
// image has no shell or curl, so its HEALTHCHECK runs `remit healthcheck`.
func healthcheck(ctx context.Context, listen string) error {
	if listen == "" {
		listen = config.DefaultListen
	}
	_, port, err := net.SplitHostPort(listen)
	if err != nil {
		return fmt.Errorf("healthcheck: REMIT_LISTEN %q: %w", listen, err)
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.JoinHostPort("127.0.0.1", port)+"/healthz", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: /healthz answered %d", resp.StatusCode)
	}
	return nil
}

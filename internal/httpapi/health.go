package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// healthz says the process is alive; it checks nothing else so that a
// database outage does not make an orchestrator restart every replica.
func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// readyz says this replica can serve: database reachable, migrations applied.
func (s *Server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := s.deps.Ready(ctx); err != nil {
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": err.Error()})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}

// me tells a page who it is talking as: the tenant and the user of the
// context token. Pages use it to check their token works.
func (s *Server) me(c echo.Context) error {
	t, cl := tenantOf(c), claimsOf(c)
	return c.JSON(http.StatusOK, map[string]string{
		"clientKey": t.ClientKey,
		"baseUrl":   t.LinkURL(),
		"accountId": cl.Subject,
	})
}

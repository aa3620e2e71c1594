package httpapi

import (
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/remitapp/remit/internal/connect"
	"github.com/remitapp/remit/internal/remit"
)

func (s *Server) descriptor(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "no-cache")
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, s.deps.Descriptor)
}

// verifyLifecycle reads the body and checks the RS256 signed-install token.
// Every authentication failure is the generic 401, its reason logged.
func (s *Server) verifyLifecycle(c echo.Context) (connect.LifecyclePayload, error) {
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return connect.LifecyclePayload{}, err
	}
	p, _, err := s.deps.Installs.Verify(c.Request().Context(), c.Request(), body)
	if err != nil {
		if remit.KindOf(err) == remit.Unauthorized {
			return p, s.refuse(c, surfaceLifecycle, err)
		}
		return p, err
	}
	if p.Key != s.deps.AppKey {
		return p, s.refuse(c, surfaceLifecycle, remit.Errorf(remit.Unauthorized, "lifecycle", "callback is for app %q, not this app", p.Key))
	}
	c.Set(ctxTenant, remit.Tenant{ClientKey: p.ClientKey})
	return p, nil
}

// installed stores the tenant, or updates it on a re-install: every
// install carries a fresh shared secret, which replaces the old one.
func (s *Server) installed(c echo.Context) error {
	p, err := s.verifyLifecycle(c)
	if err != nil {
		return err
	}
	// The token does not sign the body, so a replayed token could carry
	// a body of anyone's making: Remit signs requests to this URL with the
	// new secret, so it must be a Jira site.
	if !s.deps.JiraHosts.Allows(p.BaseURL) {
		return s.refuse(c, surfaceLifecycle, remit.Errorf(remit.Unauthorized, "lifecycle", "baseUrl %q is not on REMIT_JIRA_HOSTS", clip(p.BaseURL)))
	}
	t, err := s.deps.Tenants.UpsertInstall(c.Request().Context(), remit.Tenant{
		ClientKey:      p.ClientKey,
		AppKey:         p.Key,
		BaseURL:        p.BaseURL,
		DisplayURL:     p.DisplayURL,
		ProductType:    p.ProductType,
		SharedSecret:   p.SharedSecret,
		OAuthClientID:  p.OAuthClientID,
		InstallationID: p.InstallationID,
		State:          remit.TenantInstalled,
		Enabled:        true,
	})
	if err != nil {
		return err
	}
	s.deps.Logger.InfoContext(c.Request().Context(), "tenant installed",
		"request_id", requestID(c), "client_key", t.ClientKey, "base_url", t.BaseURL)
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) uninstalled(c echo.Context) error {
	p, err := s.verifyLifecycle(c)
	if err != nil {
		return err
	}
	err = s.deps.Tenants.MarkTenantUninstalled(c.Request().Context(), p.ClientKey, s.deps.Now())
	if err != nil && !remit.IsKind(err, remit.NotFound) {
		return err
	}
	s.deps.Logger.InfoContext(c.Request().Context(), "tenant uninstalled",
		"request_id", requestID(c), "client_key", p.ClientKey)
	return c.NoContent(http.StatusNoContent)
}

// enabledChanged handles enabled and disabled. Jira sometimes sends
// disabled with no JWT after an uninstall (AC-2561): like every unsigned
// callback it gets the generic 401, without a look at the tenant, so the
// answer says nothing about whether or how the site uses Remit.
func (s *Server) enabledChanged(enabled bool) echo.HandlerFunc {
	event := "enabled"
	if !enabled {
		event = "disabled"
	}
	return func(c echo.Context) error {
		p, err := s.verifyLifecycle(c)
		if err != nil {
			return err
		}
		err = s.deps.Tenants.SetTenantEnabled(c.Request().Context(), p.ClientKey, enabled)
		if remit.IsKind(err, remit.NotFound) {
			return c.NoContent(http.StatusNoContent)
		}
		if err != nil {
			return err
		}
		s.deps.Logger.InfoContext(c.Request().Context(), "tenant "+event,
			"request_id", requestID(c), "client_key", p.ClientKey)
		return c.NoContent(http.StatusNoContent)
	}
}

// clip shortens a caller's string for a log line.
func clip(v string) string {
	if len(v) > 200 {
		return v[:200] + "…"
	}
	return v
}

package httpapi

import (
	"encoding/json"
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
func (s *Server) verifyLifecycle(c echo.Context, event string) (connect.LifecyclePayload, error) {
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return connect.LifecyclePayload{}, err
	}
	p, _, err := s.deps.Installs.Verify(c.Request().Context(), c.Request(), body)
	if err != nil {
		if remit.KindOf(err) == remit.Internal {
			return p, err
		}
		s.deps.Logger.WarnContext(c.Request().Context(), "lifecycle callback refused",
			"request_id", requestID(c), "event", event, "reason", err.Error())
		if remit.KindOf(err) == remit.Invalid {
			return p, err
		}
		return p, unauthorized(err)
	}
	if p.Key != s.deps.AppKey {
		return p, remit.Errorf(remit.Unauthorized, "lifecycle", "callback is for app %q, not this app", p.Key)
	}
	c.Set(ctxTenant, remit.Tenant{ClientKey: p.ClientKey})
	return p, nil
}

// installed stores the tenant, or updates it on a re-install: every
// install carries a fresh shared secret, which replaces the old one.
func (s *Server) installed(c echo.Context) error {
	p, err := s.verifyLifecycle(c, "installed")
	if err != nil {
		return err
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
	p, err := s.verifyLifecycle(c, "uninstalled")
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
// disabled with no JWT after an uninstall (AC-2561): that call is answered
// 204 and changes nothing, while an unsigned call for a live tenant is 401.
func (s *Server) enabledChanged(enabled bool) echo.HandlerFunc {
	event := "enabled"
	if !enabled {
		event = "disabled"
	}
	return func(c echo.Context) error {
		if !enabled {
			if _, err := connect.TokenFromRequest(c.Request()); err != nil {
				return s.unsignedDisabled(c)
			}
		}
		p, err := s.verifyLifecycle(c, event)
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

func (s *Server) unsignedDisabled(c echo.Context) error {
	var p struct {
		ClientKey string `json:"clientKey"`
	}
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return err
	}
	if json.Unmarshal(body, &p) != nil || p.ClientKey == "" {
		return remit.Errorf(remit.Unauthorized, "lifecycle", "missing token")
	}
	t, err := s.deps.Tenants.TenantByClientKey(c.Request().Context(), p.ClientKey)
	switch {
	case remit.IsKind(err, remit.NotFound):
		return c.NoContent(http.StatusNoContent)
	case err != nil:
		return err
	case t.State == remit.TenantUninstalled:
		return c.NoContent(http.StatusNoContent)
	}
	return remit.Errorf(remit.Unauthorized, "lifecycle", "missing token")
}

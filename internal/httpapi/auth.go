package httpapi

import (
	"errors"
	"log/slog"

	"github.com/labstack/echo/v4"

	"github.com/remitapp/remit/internal/connect"
	"github.com/remitapp/remit/internal/remit"
)

// Surfaces name where a refused request came in, for the log line.
const (
	surfaceLifecycle = "lifecycle"
	surfaceWebhook   = "webhook"
	surfacePage      = "page"
	surfaceAPI       = "api"
	surfaceForge     = "forge"
)

// authFailedDetail is all a refused caller learns. Whether the site uses
// Remit, was uninstalled or disabled, or which claim was wrong is for the
// log alone: a more precise answer would let anyone probe tenant state.
const authFailedDetail = "authentication failed"

// requireToken verifies the Connect JWT of the kind the route group takes
// and puts the tenant and claims on the context. Every failure is the one
// generic 401.
func (s *Server) requireToken(kind connect.TokenKind) echo.MiddlewareFunc {
	surface := surfaceWebhook
	if kind == connect.ContextToken {
		surface = surfaceAPI
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			tenant, claims, err := s.deps.Requests.Verify(c.Request().Context(), c.Request(), kind)
			if err != nil {
				if remit.KindOf(err) == remit.Unauthorized {
					return s.refuse(c, surface, err)
				}
				return err
			}
			c.Set(ctxTenant, tenant)
			c.Set(ctxClaims, claims)
			return next(c)
		}
	}
}

func tenantOf(c echo.Context) remit.Tenant {
	t, _ := c.Get(ctxTenant).(remit.Tenant)
	return t
}

func claimsOf(c echo.Context) connect.Claims {
	cl, _ := c.Get(ctxClaims).(connect.Claims)
	return cl
}

// refuse logs why a request failed authentication, under the stable key
// auth_reason, and returns the generic 401 every surface answers with.
func (s *Server) refuse(c echo.Context, surface string, err error) error {
	s.logRefusal(c, surface, err)
	return unauthenticated()
}

func (s *Server) logRefusal(c echo.Context, surface string, err error) {
	s.deps.Logger.InfoContext(c.Request().Context(), "token refused",
		slog.String("request_id", requestID(c)),
		slog.String("surface", surface),
		slog.String("route", c.Path()),
		slog.String("auth_reason", authReason(err)))
}

// unauthenticated is the error behind the generic 401.
func unauthenticated() error {
	return &remit.Error{Kind: remit.Unauthorized, Op: "httpapi.auth", Msg: authFailedDetail}
}

// authReason is the verifier's short reason for the log.
func authReason(err error) string {
	var de *remit.Error
	if errors.As(err, &de) && de.Msg != "" {
		return de.Msg
	}
	if err != nil {
		return err.Error()
	}
	return authFailedDetail
}

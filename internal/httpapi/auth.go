package httpapi

import (
	"errors"

	"github.com/labstack/echo/v4"

	"github.com/remitapp/remit/internal/connect"
	"github.com/remitapp/remit/internal/remit"
)

// requireToken verifies the Connect JWT of the kind the route group takes
// and puts the tenant and claims on the context. Every failure is 401.
func (s *Server) requireToken(kind connect.TokenKind) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			tenant, claims, err := s.deps.Requests.Verify(c.Request().Context(), c.Request(), kind)
			if err != nil {
				if remit.KindOf(err) != remit.Internal {
					s.deps.Logger.InfoContext(c.Request().Context(), "token refused",
						"request_id", requestID(c), "route", c.Path(), "reason", err.Error())
					return unauthorized(err)
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

// unauthorized turns any refusal into a 401 that keeps the verifier's
// short, caller-safe reason ("token expired", "qsh mismatch").
func unauthorized(err error) error {
	var de *remit.Error
	msg := "authentication failed"
	if errors.As(err, &de) && de.Msg != "" {
		msg = de.Msg
	}
	return &remit.Error{Kind: remit.Unauthorized, Msg: msg}
}

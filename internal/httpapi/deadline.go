package httpapi

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/remitapp/remit/internal/remit"
)

// Default request deadlines. Jira gives up on a webhook after 10 s and
// retries it, so working on past that only doubles the load; an API call
// that takes 30 s has lost its user already.
const (
	DefaultAPITimeout     = 30 * time.Second
	DefaultWebhookTimeout = 10 * time.Second
)

// withDeadline bounds the request's context by d, so database queries and
// Jira calls made for it stop when the caller has stopped waiting. A
// handler that failed because the deadline passed is answered 503, not 500:
// the request may well succeed when retried.
func withDeadline(d time.Duration) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			ctx, cancel := context.WithTimeout(c.Request().Context(), d)
			defer cancel()
			c.SetRequest(c.Request().WithContext(ctx))
			err := next(c)
			var he *echo.HTTPError
			if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) && remit.KindOf(err) == remit.Internal && !errors.As(err, &he) {
				return &remit.Error{Kind: remit.Unavailable, Op: "http", Msg: fmt.Sprintf("request took longer than %v; try again", d), Err: err}
			}
			return err
		}
	}
}

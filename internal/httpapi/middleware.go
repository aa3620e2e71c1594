package httpapi

import (
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/remitapp/remit/internal/remit"
)

// MaxBodyBytes is the largest request body Remit reads (SPEC §7).
const MaxBodyBytes = 1 << 20

const (
	ctxTenant   = "remit.tenant"
	ctxClaims   = "remit.claims"
	headerReqID = echo.HeaderXRequestID
)

func requestID(c echo.Context) string { return c.Response().Header().Get(headerReqID) }

func clientKeyOf(c echo.Context) string {
	if t, ok := c.Get(ctxTenant).(remit.Tenant); ok {
		return t.ClientKey
	}
	return ""
}

// observe records one access log line and the latency histogram per
// registered route (never the raw path, so ids do not explode the labels).
func observe(logger *slog.Logger, m *Metrics, now func() time.Time) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := now()
			err := next(c)
			if err != nil {
				c.Error(err)
			}
			status := c.Response().Status
			route := c.Path()
			if route == "" {
				route = "unmatched"
			}
			elapsed := now().Sub(start)
			m.requests.WithLabelValues(route, c.Request().Method, strconv.Itoa(status)).Observe(elapsed.Seconds())
			level := slog.LevelInfo
			if route == "/healthz" { // probed every few seconds
				level = slog.LevelDebug
			}
			logger.Log(c.Request().Context(), level, "http request",
				slog.String("request_id", requestID(c)),
				slog.String("client_key", clientKeyOf(c)),
				slog.String("method", c.Request().Method),
				slog.String("route", route),
				slog.Int("status", status),
				slog.Int64("bytes", c.Response().Size),
				slog.Duration("duration", elapsed))
			return nil
		}
	}
}

// recoverPanics turns a panic into a 500 problem document and a log line
// with the stack, so one bad request never takes the process down.
func recoverPanics() echo.MiddlewareFunc {
	return middleware.RecoverWithConfig(middleware.RecoverConfig{
		StackSize:         8 << 10,
		DisableStackAll:   true,
		DisablePrintStack: false,
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			return fmt.Errorf("panic: %w\n%s", err, stack)
		},
	})
}

// limitBody answers 413 for bodies over MaxBodyBytes, whether or not the
// client declared a Content-Length.
func limitBody() echo.MiddlewareFunc {
	return middleware.BodyLimit(strconv.Itoa(MaxBodyBytes) + "B")
}

// securityHeaders are sent on every answer; pages add their own CSP.
func securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		if h.Get("Cache-Control") == "" {
			h.Set("Cache-Control", "no-store")
		}
		return next(c)
	}
}

// requestIDs gives every request an id, echoed in X-Request-ID and on
// every log line. An incoming id is kept only when it is a short plain
// token, so a caller cannot inject text into the logs.
func requestIDs(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		id := c.Request().Header.Get(headerReqID)
		if !plainToken(id) {
			id = newID()
		}
		c.Response().Header().Set(headerReqID, id)
		return next(c)
	}
}

func plainToken(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

package httpapi

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/remitapp/remit/internal/remit"
)

// Problem is an RFC 9457 problem document. Errors carries per-field
// messages for 400 and 422 answers.
type Problem struct {
	Type     string            `json:"type"`
	Title    string            `json:"title"`
	Status   int               `json:"status"`
	Detail   string            `json:"detail,omitempty"`
	Instance string            `json:"instance,omitempty"`
	Errors   map[string]string `json:"errors,omitempty"`
}

const problemContentType = "application/problem+json"

// statusOf maps a domain error kind to its HTTP status. This and
// errorHandler are the only places that know the mapping.
func statusOf(k remit.Kind) int {
	switch k {
	case remit.Invalid:
		return http.StatusBadRequest
	case remit.Unprocessable:
		return http.StatusUnprocessableEntity
	case remit.NotFound:
		return http.StatusNotFound
	case remit.Conflict:
		return http.StatusConflict
	case remit.Unauthorized:
		return http.StatusUnauthorized
	case remit.Forbidden:
		return http.StatusForbidden
	case remit.Unavailable:
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}

// errorHandler answers every failed request with a problem document.
// Internal errors are logged here, once, and never shown to the caller.
func errorHandler(logger *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		p := problemFor(err)
		if p.Status >= 500 {
			logger.ErrorContext(c.Request().Context(), "request failed",
				slog.String("request_id", requestID(c)),
				slog.String("client_key", clientKeyOf(c)),
				slog.String("route", c.Path()),
				slog.String("error", err.Error()))
		}
		if p.Status == http.StatusUnauthorized {
			// Every refusal reads the same, whatever the path or reason.
			c.Response().Header().Set("WWW-Authenticate", `JWT realm="remit"`)
		} else {
			p.Instance = c.Request().URL.Path
		}
		writeProblem(c, p)
	}
}

// unauthorizedProblem is the one answer to an authentication failure on
// any surface; the reason is logged where the request was refused.
var unauthorizedProblem = Problem{Type: "about:blank", Title: http.StatusText(http.StatusUnauthorized),
	Status: http.StatusUnauthorized, Detail: authFailedDetail}

func problemFor(err error) Problem {
	if remit.KindOf(err) == remit.Unauthorized {
		return unauthorizedProblem
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		if he.Code == http.StatusUnauthorized {
			return unauthorizedProblem
		}
		msg, _ := he.Message.(string)
		if he.Code == http.StatusRequestEntityTooLarge {
			msg = "request body is larger than 1 MiB"
		}
		return Problem{Type: "about:blank", Title: http.StatusText(he.Code), Status: he.Code, Detail: msg}
	}
	var de *remit.Error
	if !errors.As(err, &de) {
		return Problem{Type: "about:blank", Title: http.StatusText(500), Status: 500, Detail: "internal error"}
	}
	status := statusOf(de.Kind)
	p := Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: de.Msg, Errors: de.Fields}
	if status >= 500 && status != http.StatusServiceUnavailable {
		p.Detail = "internal error"
	}
	if p.Detail == "" {
		p.Detail = p.Title
	}
	return p
}

func writeProblem(c echo.Context, p Problem) {
	body, _ := json.Marshal(p)
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(p.Status)
		return
	}
	_ = c.Blob(p.Status, problemContentType, body)
}

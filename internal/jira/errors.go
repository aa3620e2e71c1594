package jira

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"

	gojira "github.com/andygrunwald/go-jira"

	"github.com/remitapp/remit/internal/remit"
)

// maxErrorBody bounds how much of an error response is read.
const maxErrorBody = 64 << 10

// APIError is a non-2xx answer from Jira with its ErrorCollection body
// ({"errorMessages":[],"errors":{}}). Callers that need to tell a bad
// request of theirs from a business-rule failure (400 → Invalid or
// Unprocessable) inspect it with errors.As.
type APIError struct {
	Status     int
	Messages   []string          // errorMessages
	Fields     map[string]string // errors: Jira field name -> message
	RetryAfter time.Duration     // from Retry-After on 429/503, when Jira sent one
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "jira: status %d", e.Status)
	if len(e.Messages) > 0 {
		b.WriteString(": ")
		b.WriteString(strings.Join(e.Messages, "; "))
	}
	if len(e.Fields) > 0 {
		names := make([]string, 0, len(e.Fields))
		for k := range e.Fields {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			fmt.Fprintf(&b, "; %s: %s", k, e.Fields[k])
		}
	}
	return b.String()
}

// Summary is a one-line, caller-safe text of Jira's complaint, e.g. for a
// 422 problem document when a customer's JQL is invalid.
func (e *APIError) Summary() string {
	parts := append([]string(nil), e.Messages...)
	names := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		parts = append(parts, k+": "+e.Fields[k])
	}
	if len(parts) == 0 {
		return http.StatusText(e.Status)
	}
	return strings.Join(parts, "; ")
}

// decodeAPIError reads Jira's error body from resp (closing it). Bodies
// that are not an ErrorCollection (HTML from a proxy, empty) still give
// an APIError with the status.
func decodeAPIError(resp *http.Response, now time.Time) *APIError {
	e := &APIError{Status: resp.StatusCode}
	if d, ok := retryAfter(resp.Header, now); ok {
		e.RetryAfter = d
	}
	data, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	_ = resp.Body.Close()
	var body struct {
		ErrorMessages []string          `json:"errorMessages"`
		Errors        map[string]string `json:"errors"`
	}
	if json.Unmarshal(data, &body) == nil {
		e.Messages = body.ErrorMessages
		if len(body.Errors) > 0 {
			e.Fields = body.Errors
		}
	}
	return e
}

// classify maps an APIError to the domain error kinds: 400 is Invalid
// (callers may re-wrap it as Unprocessable), 401/403 Forbidden — Remit
// itself was refused, which the end user cannot fix — 404 NotFound, 409
// Conflict, 413/422 Unprocessable, 429 and 5xx Unavailable.
func classify(op string, e *APIError) error {
	kind := remit.Internal
	switch s := e.Status; {
	case s == http.StatusBadRequest:
		kind = remit.Invalid
	case s == http.StatusUnauthorized || s == http.StatusForbidden:
		kind = remit.Forbidden
	case s == http.StatusNotFound:
		kind = remit.NotFound
	case s == http.StatusConflict:
		kind = remit.Conflict
	case s == http.StatusRequestEntityTooLarge || s == http.StatusUnprocessableEntity:
		kind = remit.Unprocessable
	case s == http.StatusTooManyRequests || s >= 500:
		kind = remit.Unavailable
	}
	return &remit.Error{Kind: kind, Op: op, Msg: "jira: " + e.Summary(), Err: e}
}

// classifyTransport maps a failure without a response: cancellation stays
// as it is (the caller gave up), everything else — including an
// *UncertainError, which stays reachable with errors.As — is Unavailable.
func classifyTransport(op string, err error) error {
	if errors.Is(err, context.Canceled) {
		return remit.Wrap(remit.Internal, op, err)
	}
	if errors.Is(err, ErrForeignHost) {
		return remit.Wrap(remit.Internal, op, err)
	}
	return remit.Wrap(remit.Unavailable, op, err)
}

// Classify turns the result of a go-jira call made through Raw into a
// domain error, so feature code treats v2 and v3 calls alike. It returns
// nil when err is nil.
func (c *Client) Classify(op string, resp *gojira.Response, err error) error {
	if err == nil {
		return nil
	}
	if resp == nil || resp.Response == nil {
		return classifyTransport(op, err)
	}
	e := &APIError{Status: resp.StatusCode}
	if d, ok := retryAfter(resp.Header, c.now()); ok {
		e.RetryAfter = d
	}
	var je *gojira.Error
	if errors.As(err, &je) {
		e.Messages = je.ErrorMessages
		if len(je.Errors) > 0 {
			e.Fields = je.Errors
		}
	}
	if e.Status >= 200 && e.Status < 300 {
		// The call succeeded but decoding its body failed.
		return remit.Wrap(remit.Internal, op, err)
	}
	return classify(op, e)
}

// AsAPIError returns the APIError in err's chain, if any.
func AsAPIError(err error) (*APIError, bool) {
	var e *APIError
	ok := errors.As(err, &e)
	return e, ok
}

// ErrorOf is the error a Client returns when Jira answers e to the call
// op: a *remit.Error of the kind classify gives e's status, wrapping e.
// Fakes of a Site use it so their errors read exactly like Jira's.
func ErrorOf(op string, e *APIError) error { return classify(op, e) }

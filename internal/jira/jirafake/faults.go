package jirafake

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/remitapp/remit/internal/jira"
	"github.com/remitapp/remit/internal/remit"
)

// Method names a jira.Site method, for faults and call counts.
type Method string

// The methods of jira.Site.
const (
	MethodProject               Method = "Project"
	MethodIssueTypesForProject  Method = "IssueTypesForProject"
	MethodProjectStatuses       Method = "ProjectStatuses"
	MethodCheckJQL              Method = "CheckJQL"
	MethodCheckPermissions      Method = "CheckPermissions"
	MethodWorklogs              Method = "Worklogs"
	MethodIssueWorklogs         Method = "IssueWorklogs"
	MethodFindIssueByProperty   Method = "FindIssueByProperty"
	MethodCreateIssue           Method = "CreateIssue"
	MethodLinkIssues            Method = "LinkIssues"
	MethodSetIssueProperty      Method = "SetIssueProperty"
	MethodIssueStatus           Method = "IssueStatus"
	MethodTransitions           Method = "Transitions"
	MethodTransition            Method = "Transition"
	MethodAddComment            Method = "AddComment"
	MethodFindComment           Method = "FindComment"
	MethodFindCommentByProperty Method = "FindCommentByProperty"
	MethodIssueLabels           Method = "IssueLabels"
	MethodAddLabel              Method = "AddLabel"
	MethodRemoveLabel           Method = "RemoveLabel"
	MethodReportAccounts        Method = "ReportAccounts"
	MethodAppLicence            Method = "AppLicence"
)

type fault struct {
	err   error
	after bool // the call's effect happens, then err is the answer
}

// FailNext makes the next calls of m fail with errs, one call each, in
// order, before they have any effect.
func (s *Site) FailNext(m Method, errs ...error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, err := range errs {
		s.faults[m] = append(s.faults[m], fault{err: err})
	}
}

// FailAfterWrite makes the next calls of m take effect and then answer
// errs, one call each: the write happened but Remit hears an error, as
// when Jira's answer is lost (see Lost).
func (s *Site) FailAfterWrite(m Method, errs ...error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, err := range errs {
		s.faults[m] = append(s.faults[m], fault{err: err, after: true})
	}
}

// Down makes every call fail with err, without effect, until Up.
func (s *Site) Down(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down = err
}

// Up ends Down.
func (s *Site) Up() { s.Down(nil) }

// begin counts the call and decides its fault. It returns with s.mu held
// (the caller unlocks): err ends the call at once, after answers it once
// its effect is made.
func (s *Site) begin(ctx context.Context, m Method, key string) (after, err error) {
	if fn := s.BeforeFn; fn != nil {
		if err := fn(m, key); err != nil {
			s.mu.Lock()
			s.calls[m]++
			return nil, err
		}
	}
	s.mu.Lock()
	s.calls[m]++
	if err := ctx.Err(); err != nil {
		return nil, remit.Wrap(remit.Internal, "jira "+string(m), err)
	}
	if s.down != nil {
		return nil, s.down
	}
	if q := s.faults[m]; len(q) > 0 {
		f := q[0]
		s.faults[m] = q[1:]
		if f.after {
			return f.err, nil
		}
		return nil, f.err
	}
	return nil, nil
}

// apiError is the error a jira.Client returns for Jira's answer.
func apiError(m Method, status int, msgs ...string) error {
	return jira.ErrorOf("jira "+string(m), &jira.APIError{Status: status, Messages: msgs})
}

func notFound(m Method, key string) error {
	return apiError(m, http.StatusNotFound, "Issue does not exist or you do not have permission to see it.")
}

// Unavailable is Jira's 503 after the client's retries: an Unavailable
// error with the *jira.APIError.
func Unavailable() error {
	return apiError("", http.StatusServiceUnavailable, "Service Unavailable")
}

// RateLimited is Jira's 429 that outlasted the client's retries, with the
// Retry-After it named.
func RateLimited(after time.Duration) error {
	return jira.ErrorOf("jira", &jira.APIError{Status: http.StatusTooManyRequests, RetryAfter: after})
}

// Forbidden is Jira refusing the app (401/403): a Forbidden error.
func Forbidden() error {
	return apiError("", http.StatusForbidden, "You do not have permission to do this.")
}

// Gateway is Jira's gateway answering status (502, 503 or 504) to a
// write it may have stored: Unavailable, wrapping the *jira.UncertainError
// the client's retry transport reports instead of repeating the write.
// Use it with FailAfterWrite for "Jira stored it", or with FailNext for
// "it did not".
func Gateway(m Method, status int) error {
	return remit.Wrap(remit.Unavailable, "jira "+string(m),
		&jira.UncertainError{Method: http.MethodPost, Endpoint: string(m), Err: fmt.Errorf("the gateway answered %d", status)})
}

// Lost is a write whose answer was lost on the way back: Unavailable,
// wrapping a *jira.UncertainError as the client's retry transport
// reports it. Use it with FailAfterWrite for "the write happened", or
// with FailNext for "it did not".
func Lost(m Method) error {
	return remit.Wrap(remit.Unavailable, "jira "+string(m),
		&jira.UncertainError{Method: http.MethodPost, Endpoint: string(m), Err: errors.New("connection reset by peer")})
}

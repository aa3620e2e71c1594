package jira

import "fmt"

// UncertainError reports a non-idempotent request (POST, PATCH) whose
// response was lost after it may have reached Jira. It is not retried,
// because Jira may already have created the comment, issue or worklog;
// the caller should look up whether the write happened before trying
// again.
type UncertainError struct {
	Method   string
	Endpoint string // templated path, safe to log
	Err      error  // the transport failure
}

func (e *UncertainError) Error() string {
	return fmt.Sprintf("jira: outcome of %s %s unknown: %v", e.Method, e.Endpoint, e.Err)
}

func (e *UncertainError) Unwrap() error { return e.Err }

package mail

import (
	"errors"
	"fmt"
)

// Error is a failed send, classified so that the caller knows whether to
// retry: 4xx replies, timeouts and lost connections are temporary; 5xx
// replies (recipient rejected, message refused, authentication refused)
// and messages that cannot be built are permanent.
type Error struct {
	Temporary bool
	Code      int // the SMTP reply code, 0 when there was none
	Err       error
}

func (e *Error) Error() string {
	kind := "permanent"
	if e.Temporary {
		kind = "temporary"
	}
	if e.Code != 0 {
		return fmt.Sprintf("mail: %s failure (%d): %v", kind, e.Code, e.Err)
	}
	return fmt.Sprintf("mail: %s failure: %v", kind, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// Temporary reports whether err is a send failure worth retrying.
func Temporary(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Temporary
}

package mail_test

import (
	"errors"

	"github.com/remitapp/remit/internal/mail"
)

func asMailError(err error, target **mail.Error) bool { return errors.As(err, target) }

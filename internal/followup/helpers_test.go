package followup

import (
	"errors"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/remit"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func date(s string) invoice.Date {
	d, err := invoice.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func asRemit(err error, target **remit.Error) bool { return errors.As(err, target) }

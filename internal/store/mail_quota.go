package store

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/store/internal/dbsqlc"
)

// MailQuota is the answer to a request to send one e-mail.
type MailQuota struct {
	// Allowed says the e-mail may go: it was counted against the day.
	Allowed bool
	// FirstRefusal is true for the first e-mail held back on the day, so
	// that the tenant's administrators are told once, not per e-mail.
	FirstRefusal bool
}

// TakeMailQuota counts one e-mail of the tenant on day when fewer than
// limit were sent that day, and says whether it may go.
func (db *DB) TakeMailQuota(ctx context.Context, clientKey string, day invoice.Date, limit int) (MailQuota, error) {
	const op = "store.TakeMailQuota"
	d := pgDate(day)
	_, err := db.q().TakeMailQuota(ctx, dbsqlc.TakeMailQuotaParams{ClientKey: clientKey, Day: d, DailyLimit: int64(limit)})
	switch {
	case err == nil:
		return MailQuota{Allowed: true}, nil
	case !errors.Is(err, pgx.ErrNoRows):
		return MailQuota{}, classify(op, err)
	}
	n, err := db.q().RefuseMailQuota(ctx, dbsqlc.RefuseMailQuotaParams{ClientKey: clientKey, Day: d})
	if err != nil {
		return MailQuota{}, classify(op, err)
	}
	return MailQuota{FirstRefusal: n == 1}, nil
}

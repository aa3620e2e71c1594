package store

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/remitapp/remit/internal/invoice"
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
	var sent int
	err := db.pool.QueryRow(ctx, `
		INSERT INTO mail_quota (client_key, day, sent) VALUES ($1, $2, 1)
		ON CONFLICT (client_key, day) DO UPDATE SET sent = mail_quota.sent + 1 WHERE mail_quota.sent < $3
		RETURNING sent`, clientKey, d, limit).Scan(&sent)
	switch {
	case err == nil:
		return MailQuota{Allowed: true}, nil
	case !errors.Is(err, pgx.ErrNoRows):
		return MailQuota{}, classify(op, err)
	}
	tag, err := db.pool.Exec(ctx, `UPDATE mail_quota SET refused = true WHERE client_key = $1 AND day = $2 AND NOT refused`, clientKey, d)
	if err != nil {
		return MailQuota{}, classify(op, err)
	}
	return MailQuota{FirstRefusal: tag.RowsAffected() == 1}, nil
}

package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/remit"
)

// Installments returns an invoice's payment plan by due date (nil when
// it has none), in tx when given so a payment sees the plan it settles.
func (db *DB) Installments(ctx context.Context, tx *Tx, clientKey string, invoiceID int64) ([]invoice.Installment, error) {
	const op = "store.Installments"
	rows, err := db.on(tx).Query(ctx, `
		SELECT id, due_date, amount, paid, settled_at
		FROM installments WHERE client_key = $1 AND invoice_id = $2 ORDER BY position`, clientKey, invoiceID)
	if err != nil {
		return nil, classify(op, err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (invoice.Installment, error) {
		var in invoice.Installment
		err := row.Scan(&in.ID, date(&in.DueDate), dec(&in.Amount), dec(&in.Paid), &in.SettledAt)
		return in, err
	})
	if err != nil {
		return nil, classify(op, err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// ReplaceInstallments makes ins the invoice's payment plan, replacing any
// earlier plan, and sets their IDs. The caller validated them with
// invoice.CheckPlan under InvoiceForUpdate's lock.
func (db *DB) ReplaceInstallments(ctx context.Context, tx *Tx, clientKey string, invoiceID int64, ins []invoice.Installment) error {
	const op = "store.ReplaceInstallments"
	return db.inTx(ctx, tx, func(tx *Tx) error {
		var exists bool
		if err := tx.pgx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM invoices WHERE client_key = $1 AND id = $2)`, clientKey, invoiceID).Scan(&exists); err != nil {
			return classify(op, err)
		}
		if !exists {
			return errNotFoundf(op, "no invoice %d", invoiceID)
		}
		if _, err := tx.pgx.Exec(ctx, `DELETE FROM installments WHERE client_key = $1 AND invoice_id = $2`, clientKey, invoiceID); err != nil {
			return classify(op, err)
		}
		for i := range ins {
			err := tx.pgx.QueryRow(ctx, `
				INSERT INTO installments (client_key, invoice_id, position, due_date, amount, paid, settled_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
				clientKey, invoiceID, i, pgDate(ins[i].DueDate), numeric(ins[i].Amount), numeric(ins[i].Paid), ins[i].SettledAt).
				Scan(&ins[i].ID)
			if err != nil {
				return classify(op, err)
			}
		}
		return nil
	})
}

// UpdateInstallments writes what has been paid towards each installment
// and when it was settled, after invoice.Settle applied a payment.
func (db *DB) UpdateInstallments(ctx context.Context, tx *Tx, clientKey string, ins []invoice.Installment) error {
	const op = "store.UpdateInstallments"
	if len(ins) == 0 {
		return nil
	}
	ids := make([]int64, len(ins))
	paid := make([]decimal.Decimal, len(ins))
	settled := make([]*time.Time, len(ins))
	for i, in := range ins {
		ids[i], paid[i], settled[i] = in.ID, in.Paid, in.SettledAt
	}
	tag, err := db.on(tx).Exec(ctx, `
		UPDATE installments i SET paid = u.paid, settled_at = u.settled_at
		FROM unnest($2::bigint[], $3::numeric[], $4::timestamptz[]) AS u(id, paid, settled_at)
		WHERE i.client_key = $1 AND i.id = u.id`, clientKey, ids, numerics(paid), settled)
	if err != nil {
		return classify(op, err)
	}
	if int(tag.RowsAffected()) != len(ins) {
		return remit.Errorf(remit.NotFound, op, "some installments do not exist")
	}
	return nil
}

// AddLateFeeToPlan puts a late fee of amount, just charged on the invoice,
// inside its payment plan, in tx: on the last installment not yet
// settled, or, when every installment is settled, on a new last
// installment due on due (or the day after the last one, if later). So
// the installments keep adding up to the balance and the fee is chased
// with them. An invoice without a plan is left as it is.
func (db *DB) AddLateFeeToPlan(ctx context.Context, tx *Tx, clientKey string, invoiceID int64, amount decimal.Decimal, due invoice.Date) error {
	const op = "store.AddLateFeeToPlan"
	q := db.on(tx)
	tag, err := q.Exec(ctx, `
		UPDATE installments SET amount = amount + $3
		WHERE client_key = $1 AND id = (SELECT id FROM installments
			WHERE client_key = $1 AND invoice_id = $2 AND settled_at IS NULL ORDER BY position DESC LIMIT 1)`,
		clientKey, invoiceID, numeric(amount))
	if err != nil || tag.RowsAffected() == 1 {
		return classify(op, err)
	}
	_, err = q.Exec(ctx, `
		INSERT INTO installments (client_key, invoice_id, position, due_date, amount, paid, settled_at)
		SELECT $1, $2, max(position) + 1, greatest($4::date, max(due_date) + 1), $3, 0, NULL
		FROM installments WHERE client_key = $1 AND invoice_id = $2
		HAVING count(*) > 0`, clientKey, invoiceID, numeric(amount), pgDate(due))
	return classify(op, err)
}

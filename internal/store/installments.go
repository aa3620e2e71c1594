package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store/internal/dbsqlc"
)

// Installments returns an invoice's payment plan by due date (nil when
// it has none), in tx when given so a payment sees the plan it settles.
func (db *DB) Installments(ctx context.Context, tx *Tx, clientKey string, invoiceID int64) ([]invoice.Installment, error) {
	const op = "store.Installments"
	rows, err := db.queries(tx).Installments(ctx, dbsqlc.InstallmentsParams{ClientKey: clientKey, InvoiceID: invoiceID})
	if err != nil {
		return nil, classify(op, err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	var c rowConv
	out := make([]invoice.Installment, 0, len(rows))
	for _, r := range rows {
		out = append(out, invoice.Installment{
			ID: r.ID, DueDate: c.date(r.DueDate), Amount: c.dec(r.Amount), Paid: c.dec(r.Paid), SettledAt: r.SettledAt,
		})
	}
	if c.err != nil {
		return nil, classify(op, c.err)
	}
	return out, nil
}

// ReplaceInstallments makes ins the invoice's payment plan, replacing any
// earlier plan, and sets their IDs. The caller validated them with
// invoice.CheckPlan under InvoiceForUpdate's lock.
func (db *DB) ReplaceInstallments(ctx context.Context, tx *Tx, clientKey string, invoiceID int64, ins []invoice.Installment) error {
	const op = "store.ReplaceInstallments"
	return db.inTx(ctx, tx, func(tx *Tx) error {
		q := db.queries(tx)
		exists, err := q.InvoiceExists(ctx, dbsqlc.InvoiceExistsParams{ClientKey: clientKey, ID: invoiceID})
		if err != nil {
			return classify(op, err)
		}
		if !exists {
			return errNotFoundf(op, "no invoice %d", invoiceID)
		}
		if err := q.DeleteInstallments(ctx, dbsqlc.DeleteInstallmentsParams{ClientKey: clientKey, InvoiceID: invoiceID}); err != nil {
			return classify(op, err)
		}
		for i := range ins {
			id, err := q.InsertInstallment(ctx, dbsqlc.InsertInstallmentParams{
				ClientKey: clientKey, InvoiceID: invoiceID, Position: int32(i), DueDate: pgDate(ins[i].DueDate),
				Amount: numeric(ins[i].Amount), Paid: numeric(ins[i].Paid), SettledAt: ins[i].SettledAt,
			})
			if err != nil {
				return classify(op, err)
			}
			ins[i].ID = id
		}
		return nil
	})
}

// UpdateInstallments writes each installment's amount, what has been
// paid towards it and when it was settled, after invoice.Settle applied a
// payment or invoice.LowerPlan or RaisePlan followed the balance. An
// installment without an ID (RaisePlan's new last one) is added to
// invoiceID's plan and given its ID.
func (db *DB) UpdateInstallments(ctx context.Context, tx *Tx, clientKey string, invoiceID int64, ins []invoice.Installment) error {
	const op = "store.UpdateInstallments"
	if len(ins) == 0 {
		return nil
	}
	var ids []int64
	var amounts, paid []pgtype.Numeric
	var settled []time.Time // the zero time stands for NULL (see the query)
	for _, in := range ins {
		if in.ID == 0 {
			continue
		}
		var at time.Time
		if in.SettledAt != nil {
			at = *in.SettledAt
		}
		ids, amounts, paid, settled = append(ids, in.ID), append(amounts, numeric(in.Amount)), append(paid, numeric(in.Paid)), append(settled, at)
	}
	q := db.queries(tx)
	n, err := q.UpdateInstallments(ctx, dbsqlc.UpdateInstallmentsParams{
		ClientKey: clientKey, Ids: ids, Amounts: amounts, Paid: paid, SettledAts: settled,
	})
	if err != nil {
		return classify(op, err)
	}
	if int(n) != len(ids) {
		return remit.Errorf(remit.NotFound, op, "some installments do not exist")
	}
	for i := range ins {
		if ins[i].ID != 0 {
			continue
		}
		if !ins[i].Paid.IsZero() || ins[i].SettledAt != nil {
			return remit.Errorf(remit.Internal, op, "a new installment is added unpaid")
		}
		exists, err := q.InvoiceExists(ctx, dbsqlc.InvoiceExistsParams{ClientKey: clientKey, ID: invoiceID})
		if err != nil {
			return classify(op, err)
		}
		if !exists {
			return errNotFoundf(op, "no invoice %d", invoiceID)
		}
		id, err := q.AppendInstallment(ctx, dbsqlc.AppendInstallmentParams{
			ClientKey: clientKey, InvoiceID: invoiceID, DueDate: pgDate(ins[i].DueDate), Amount: numeric(ins[i].Amount),
		})
		if err != nil {
			return classify(op, err)
		}
		ins[i].ID = id
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
	q := db.queries(tx)
	n, err := q.AddFeeToOpenInstallment(ctx, dbsqlc.AddFeeToOpenInstallmentParams{ClientKey: clientKey, InvoiceID: invoiceID, Fee: numeric(amount)})
	if err != nil || n == 1 {
		return classify(op, err)
	}
	err = q.AppendFeeInstallment(ctx, dbsqlc.AppendFeeInstallmentParams{ClientKey: clientKey, InvoiceID: invoiceID, Fee: numeric(amount), Due: pgDate(due)})
	return classify(op, err)
}

package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/money"
	"github.com/remitapp/remit/internal/store/internal/dbsqlc"
)

// FollowupState is what the follow-up engine reads of one invoice: the
// invoice with its payment plan, when the last payment was made, whether
// its Jira issue was deleted, its next action time and its events.
type FollowupState struct {
	Invoice      invoice.Invoice // Plan filled; no lines
	JiraDeleted  bool
	LastPaidOn   invoice.Date // the date of the latest payment; zero when none
	NextActionAt *time.Time
	Events       []FollowupEvent
}

// FollowupState reads an invoice for the engine. In a transaction it
// locks the invoice row until tx ends, so that the sweeps of several
// replicas take turns on an invoice and each sees the events the other
// recorded. An unknown or other tenant's id is remit.NotFound.
func (db *DB) FollowupState(ctx context.Context, tx *Tx, clientKey string, id int64) (FollowupState, error) {
	const op = "store.FollowupState"
	lock := ""
	if tx != nil {
		lock = " FOR UPDATE"
	}
	q := db.on(tx)
	var st FollowupState
	var status, currency string
	inv := &st.Invoice
	err := q.QueryRow(ctx, `SELECT id, number, customer_id, customer_name, status, disputed, currency,
			subtotal, tax, tax_percent, total, paid, late_fees, issue_date, due_date, coalesce(jira_issue_key, ''),
			jira_deleted, next_action_at, late_fees_waived, credited,
			(SELECT max(paid_on) FROM payments p WHERE p.client_key = i.client_key AND p.invoice_id = i.id AND p.reversed_at IS NULL)
		FROM invoices i WHERE client_key = $1 AND id = $2`+lock, clientKey, id).
		Scan(&inv.ID, &inv.Number, &inv.CustomerID, &inv.Customer, &status, &inv.Disputed, &currency,
			dec(&inv.Subtotal), dec(&inv.Tax), dec(&inv.TaxPercent), dec(&inv.Total), dec(&inv.Paid), dec(&inv.LateFees),
			date(&inv.IssueDate), date(&inv.DueDate), &inv.IssueKey, &st.JiraDeleted, &st.NextActionAt,
			dec(&inv.LateFeesWaived), dec(&inv.Credited), date(&st.LastPaidOn))
	if errors.Is(err, pgx.ErrNoRows) {
		return st, errNotFoundf(op, "no invoice %d", id)
	}
	if err != nil {
		return st, classify(op, err)
	}
	inv.Status, inv.Currency = invoice.Status(status), money.Currency(currency)
	if inv.Plan, err = db.Installments(ctx, tx, clientKey, id); err != nil {
		return st, err
	}
	if st.Events, err = db.FollowupEvents(ctx, tx, clientKey, id); err != nil {
		return st, err
	}
	return st, nil
}

// DueInvoice is an invoice with a follow-up action due.
type DueInvoice struct {
	ID           int64
	NextActionAt time.Time
}

// DueInvoices returns up to limit of the tenant's invoices whose next
// action time is at or before asOf, in (next action time, id) order after
// the cursor (nil = from the start). The index on (client_key,
// next_action_at, id) serves it, so a sweep reads only due invoices.
func (db *DB) DueInvoices(ctx context.Context, clientKey string, asOf time.Time, after *DueInvoice, limit int) ([]DueInvoice, error) {
	const op = "store.DueInvoices"
	if limit <= 0 || limit > 10_000 {
		limit = 500
	}
	var rows []dbsqlc.DueInvoicesRow
	var err error
	if after == nil {
		rows, err = db.q().DueInvoices(ctx, dbsqlc.DueInvoicesParams{ClientKey: clientKey, AsOf: asOf, MaxRows: int64(limit)})
	} else {
		var page []dbsqlc.DueInvoicesAfterRow
		page, err = db.q().DueInvoicesAfter(ctx, dbsqlc.DueInvoicesAfterParams{
			ClientKey: clientKey, AsOf: asOf, AfterAt: after.NextActionAt, AfterID: after.ID, MaxRows: int64(limit),
		})
		for _, r := range page {
			rows = append(rows, dbsqlc.DueInvoicesRow(r))
		}
	}
	if err != nil {
		return nil, classify(op, err)
	}
	out := make([]DueInvoice, 0, len(rows))
	for _, r := range rows {
		out = append(out, DueInvoice(r))
	}
	return out, nil
}

// SetNextActionAt stores when the engine next has something to do for
// the invoice (nil = nothing until something changes), in tx when given.
func (db *DB) SetNextActionAt(ctx context.Context, tx *Tx, clientKey string, id int64, at *time.Time) error {
	const op = "store.SetNextActionAt"
	tag, err := db.on(tx).Exec(ctx, `UPDATE invoices SET next_action_at = $3 WHERE client_key = $1 AND id = $2`, clientKey, id, at)
	if err != nil {
		return classify(op, err)
	}
	if tag.RowsAffected() == 0 {
		return errNotFoundf(op, "no invoice %d", id)
	}
	return nil
}

// SetInvoiceLateFees sets the late fees on an invoice the caller locked
// (InvoiceForUpdate) and records the change, before and after, in the
// audit log, in tx. The fee is part of the balance, so it shows in the
// totals, the PDF and the issue property once the sync job ran.
func (db *DB) SetInvoiceLateFees(ctx context.Context, tx *Tx, clientKey string, id int64, fee decimal.Decimal, actor, note string) error {
	const op = "store.SetInvoiceLateFees"
	if fee.IsNegative() {
		return fmt.Errorf("%s: negative fee %s", op, fee)
	}
	return db.inTx(ctx, tx, func(tx *Tx) error {
		var before decimal.Decimal
		var currency string
		now := db.now()
		err := tx.pgx.QueryRow(ctx, `
			UPDATE invoices n SET late_fees = $3, updated_at = $4
			FROM invoices o WHERE n.client_key = $1 AND n.id = $2 AND o.client_key = n.client_key AND o.id = n.id
			RETURNING o.late_fees, n.currency`, clientKey, id, numeric(fee), now).Scan(dec(&before), &currency)
		if errors.Is(err, pgx.ErrNoRows) {
			return errNotFoundf(op, "no invoice %d", id)
		}
		if err != nil {
			return classify(op, err)
		}
		c := money.Currency(currency)
		b, _ := json.Marshal(map[string]string{"lateFees": money.Format(before, c)})
		a, _ := json.Marshal(map[string]string{"lateFees": money.Format(fee, c), "note": note})
		return db.AppendAudit(ctx, tx, clientKey, AuditEntry{
			At: now, Actor: actor, Entity: "invoice", EntityID: strconv.FormatInt(id, 10), Action: "late_fee", Before: b, After: a,
		})
	})
}

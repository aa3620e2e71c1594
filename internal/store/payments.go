package store

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store/internal/dbsqlc"
)

// pgCheckViolation is PostgreSQL's code for a failed CHECK constraint.
const pgCheckViolation = "23514"

// AddPayment records a payment against an invoice in tx and raises the
// invoice's paid amount by it, setting status (the caller computed it
// with invoice.StatusAfterPaid under InvoiceForUpdate's lock). It sets
// p.ID and p.RecordedAt. A payment that would take the paid amount past
// the total is refused by the database itself (remit.Unprocessable), so
// no race can leave a negative balance. An unknown invoice is
// remit.NotFound.
func (db *DB) AddPayment(ctx context.Context, tx *Tx, clientKey string, invoiceID int64, p *invoice.Payment, status invoice.Status) error {
	const op = "store.AddPayment"
	if !p.Amount.IsPositive() || p.Method == "" || p.PaidOn.IsZero() || p.RecordedBy == "" {
		return remit.Errorf(remit.Invalid, op, "a payment needs a positive amount, a date, a method and who recorded it")
	}
	return db.inTx(ctx, tx, func(tx *Tx) error {
		now := db.now()
		q := db.queries(tx)
		n, err := q.AddPaidAmount(ctx, dbsqlc.AddPaidAmountParams{
			ClientKey: clientKey, ID: invoiceID, Amount: numeric(p.Amount), Status: string(status), Now: now,
		})
		if err != nil {
			return paymentError(op, err)
		}
		if n == 0 {
			return errNotFoundf(op, "no invoice %d", invoiceID)
		}
		row, err := q.InsertPayment(ctx, dbsqlc.InsertPaymentParams{
			ClientKey: clientKey, InvoiceID: invoiceID, Amount: numeric(p.Amount), PaidOn: pgDate(p.PaidOn),
			Method: p.Method, Reference: p.Reference, RecordedBy: p.RecordedBy, RecordedAt: now,
		})
		if err == nil {
			p.ID, p.RecordedAt = row.ID, row.RecordedAt
		}
		return paymentError(op, err)
	})
}

// paymentError turns the paid-within-total CHECK into the business error
// it stands for.
func paymentError(op string, err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == pgCheckViolation {
		return remit.FieldErrors(remit.Unprocessable, op, "the payment is more than the balance",
			map[string]string{"amount": "is more than the balance"})
	}
	return classify(op, err)
}

// Payments lists an invoice's payments, oldest first. An invoice of
// another tenant has none.
func (db *DB) Payments(ctx context.Context, clientKey string, invoiceID int64) ([]invoice.Payment, error) {
	return paymentsOn(ctx, db.q(), clientKey, invoiceID)
}

func paymentsOn(ctx context.Context, q *dbsqlc.Queries, clientKey string, invoiceID int64) ([]invoice.Payment, error) {
	const op = "store.Payments"
	rows, err := q.Payments(ctx, dbsqlc.PaymentsParams{ClientKey: clientKey, InvoiceID: invoiceID})
	if err != nil {
		return nil, classify(op, err)
	}
	out := make([]invoice.Payment, 0, len(rows))
	var c rowConv
	for _, r := range rows {
		out = append(out, invoice.Payment{
			ID: r.ID, Amount: c.dec(r.Amount), Returned: c.dec(r.Returned), PaidOn: c.date(r.PaidOn), Method: r.Method,
			Reference: r.Reference, RecordedBy: r.RecordedBy, RecordedAt: r.RecordedAt,
			Reversed: r.ReversedAt != nil, ReversedAt: r.ReversedAt, ReversedBy: r.ReversedBy, ReversalReason: r.ReversalReason,
		})
	}
	if c.err != nil {
		return nil, classify(op, c.err)
	}
	return out, nil
}

// SetInvoiceStatus moves an invoice to status (a write-off, say; voids go
// through VoidInvoice, which also releases worklogs). Leaving the open
// states clears the follow-up engine's next action. The caller checks the
// transition with invoice.Apply under InvoiceForUpdate's lock and writes
// the audit entry.
func (db *DB) SetInvoiceStatus(ctx context.Context, tx *Tx, clientKey string, id int64, status invoice.Status) error {
	const op = "store.SetInvoiceStatus"
	n, err := db.queries(tx).SetInvoiceStatus(ctx, dbsqlc.SetInvoiceStatusParams{
		ClientKey: clientKey, ID: id, Status: string(status), Now: db.now(),
	})
	if err != nil {
		return classify(op, err)
	}
	if n == 0 {
		return errNotFoundf(op, "no invoice %d", id)
	}
	return nil
}

// SetInvoiceDisputed sets or clears the disputed flag, which pauses the
// invoice's follow-ups.
func (db *DB) SetInvoiceDisputed(ctx context.Context, tx *Tx, clientKey string, id int64, disputed bool) error {
	const op = "store.SetInvoiceDisputed"
	n, err := db.queries(tx).SetInvoiceDisputed(ctx, dbsqlc.SetInvoiceDisputedParams{
		ClientKey: clientKey, ID: id, Disputed: disputed, Now: db.now(),
	})
	if err != nil {
		return classify(op, err)
	}
	if n == 0 {
		return errNotFoundf(op, "no invoice %d", id)
	}
	return nil
}

// InvoiceIDByIssue finds the invoice behind an invoice issue by its key
// or, when the key changed (the issue moved), by its id, for webhooks.
// remit.NotFound when the issue is not an invoice issue of the tenant.
func (db *DB) InvoiceIDByIssue(ctx context.Context, clientKey, issueID, issueKey string) (int64, error) {
	const op = "store.InvoiceIDByIssue"
	id, err := db.q().InvoiceIDByIssue(ctx, dbsqlc.InvoiceIDByIssueParams{ClientKey: clientKey, IssueKey: issueKey, IssueID: issueID})
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, errNotFoundf(op, "no invoice for issue %s (%s)", issueKey, issueID)
	}
	if err != nil {
		return 0, classify(op, err)
	}
	return id, nil
}

// ClaimJiraEvent records that a Jira event of instant at is being
// applied to the invoice and reports whether it is newer than every
// event applied before; an older or equal one (a late or repeated
// delivery) must change nothing. Call it in the transaction that applies
// the event, so a rollback un-claims it.
func (db *DB) ClaimJiraEvent(ctx context.Context, tx *Tx, clientKey string, id int64, at time.Time) (bool, error) {
	const op = "store.ClaimJiraEvent"
	n, err := db.queries(tx).ClaimJiraEvent(ctx, dbsqlc.ClaimJiraEventParams{ClientKey: clientKey, ID: id, At: at})
	if err != nil {
		return false, classify(op, err)
	}
	return n == 1, nil
}

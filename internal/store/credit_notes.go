package store

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store/internal/dbsqlc"
)

// Corrections of finalized invoices (SPEC §4 "Corrections"): credit
// notes, payment reversals and late-fee waivers. Each write runs in the
// caller's unit of work, under the invoice row lock InvoiceForUpdate
// took, with the status the caller computed with the domain's rules; the
// invoices table's CHECK keeps the balance from going below zero whatever
// a caller computed.

// StoredCreditNote is a credit note as stored: the domain's credit note
// and who issued it, when.
type StoredCreditNote struct {
	invoice.CreditNote
	CreatedBy string
	CreatedAt time.Time
}

// AddCreditNote stores a credit note against its invoice, lowers the
// invoice's balance by its total and sets status, in tx. It sets cn.ID.
// A credit that would take the balance below zero is refused by the
// database itself (remit.Unprocessable); a number already used is
// remit.Conflict; an unknown invoice is remit.NotFound.
func (db *DB) AddCreditNote(ctx context.Context, tx *Tx, clientKey string, cn *invoice.CreditNote, status invoice.Status, by string) error {
	const op = "store.AddCreditNote"
	if tx == nil {
		return remit.Errorf(remit.Internal, op, "needs the transaction that took the credit note's number")
	}
	if !cn.Total.IsPositive() || cn.Number == "" || cn.Reason == "" || by == "" {
		return remit.Errorf(remit.Invalid, op, "a credit note needs a positive total, a number, a reason and who issued it")
	}
	doc, err := invoice.MarshalDocument(cn.Document)
	if err != nil {
		return remit.Wrap(remit.Internal, op, err)
	}
	q := dbsqlc.New(tx.pgx)
	n, err := q.AddInvoiceCredit(ctx, dbsqlc.AddInvoiceCreditParams{
		Total: numeric(cn.Total), Status: string(status), Now: tx.now, ClientKey: clientKey, ID: cn.InvoiceID,
	})
	if err != nil {
		return correctionError(op, "amount", "the credit note is more than the balance", err)
	}
	if n == 0 {
		return errNotFoundf(op, "no invoice %d", cn.InvoiceID)
	}
	cn.ID, err = q.InsertCreditNote(ctx, dbsqlc.InsertCreditNoteParams{
		ClientKey: clientKey, InvoiceID: cn.InvoiceID, Number: cn.Number, IssueDate: pgDate(cn.IssueDate),
		Amount: numeric(cn.Amount), Tax: numeric(cn.Tax), Total: numeric(cn.Total), Reason: cn.Reason,
		Document: doc, CreatedBy: by, CreatedAt: tx.now,
	})
	return classify(op, err)
}

// CreditNotes lists an invoice's credit notes, oldest first. An invoice
// of another tenant has none.
func (db *DB) CreditNotes(ctx context.Context, clientKey string, invoiceID int64) ([]StoredCreditNote, error) {
	const op = "store.CreditNotes"
	rows, err := db.q().CreditNotes(ctx, dbsqlc.CreditNotesParams{ClientKey: clientKey, InvoiceID: invoiceID})
	if err != nil {
		return nil, classify(op, err)
	}
	out := make([]StoredCreditNote, 0, len(rows))
	for _, r := range rows {
		cn, err := creditNoteOf(dbsqlc.CreditNoteRow(r))
		if err != nil {
			return nil, classify(op, err)
		}
		out = append(out, cn)
	}
	return out, nil
}

// CreditNote reads one credit note of an invoice; one of another invoice
// or tenant is remit.NotFound.
func (db *DB) CreditNote(ctx context.Context, clientKey string, invoiceID, id int64) (StoredCreditNote, error) {
	const op = "store.CreditNote"
	r, err := db.q().CreditNote(ctx, dbsqlc.CreditNoteParams{ClientKey: clientKey, InvoiceID: invoiceID, ID: id})
	if errors.Is(err, pgx.ErrNoRows) {
		return StoredCreditNote{}, errNotFoundf(op, "invoice %d has no credit note %d", invoiceID, id)
	}
	if err != nil {
		return StoredCreditNote{}, classify(op, err)
	}
	cn, err := creditNoteOf(r)
	return cn, classify(op, err)
}

// CreditedNet is the net (before tax) of the invoice's credit notes, what
// invoice.IssueCreditNote weighs a new credit against, read in tx.
func (db *DB) CreditedNet(ctx context.Context, tx *Tx, clientKey string, invoiceID int64) (decimal.Decimal, error) {
	const op = "store.CreditedNet"
	q := db.q()
	if tx != nil {
		q = dbsqlc.New(tx.pgx)
	}
	v, err := q.CreditedNet(ctx, dbsqlc.CreditedNetParams{ClientKey: clientKey, InvoiceID: invoiceID})
	if err != nil {
		return decimal.Zero, classify(op, err)
	}
	var c rowConv
	net := c.dec(v)
	return net, classify(op, c.err)
}

func creditNoteOf(r dbsqlc.CreditNoteRow) (StoredCreditNote, error) {
	var c rowConv
	cn := StoredCreditNote{
		CreditNote: invoice.CreditNote{
			ID: r.ID, InvoiceID: r.InvoiceID, Number: r.Number, IssueDate: c.date(r.IssueDate), Reason: r.Reason,
			Amount: c.dec(r.Amount), Tax: c.dec(r.Tax), Total: c.dec(r.Total),
		},
		CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt,
	}
	if c.err != nil {
		return cn, c.err
	}
	doc, err := invoice.UnmarshalDocument(r.Document)
	cn.Document = doc
	return cn, err
}

// PaymentsIn lists an invoice's payments, oldest first, read in tx: a
// correction reads them under the invoice row lock without taking a
// second connection from the pool.
func (db *DB) PaymentsIn(ctx context.Context, tx *Tx, clientKey string, invoiceID int64) ([]invoice.Payment, error) {
	if tx == nil {
		return db.Payments(ctx, clientKey, invoiceID)
	}
	return paymentsOn(ctx, dbsqlc.New(tx.pgx), clientKey, invoiceID)
}

// ReversePayment marks a payment of the invoice reversed (by whom and
// why, at tx's now), sets the invoice's paid to the sum of its payments
// not reversed and its status to status, in tx, and returns the new paid.
// A payment unknown or already reversed is remit.NotFound or
// remit.Unprocessable: the caller checked with invoice.ReversePayment
// under the row lock, so either means the lock was not held.
func (db *DB) ReversePayment(ctx context.Context, tx *Tx, clientKey string, invoiceID, paymentID int64, by, reason string, status invoice.Status) (decimal.Decimal, error) {
	const op = "store.ReversePayment"
	if tx == nil {
		return decimal.Zero, remit.Errorf(remit.Internal, op, "a reversal needs the transaction that locked the invoice")
	}
	q := dbsqlc.New(tx.pgx)
	n, err := q.ReversePayment(ctx, dbsqlc.ReversePaymentParams{
		Now: tx.now, ReversedBy: by, Reason: reason, ClientKey: clientKey, InvoiceID: invoiceID, ID: paymentID,
	})
	if err != nil {
		return decimal.Zero, classify(op, err)
	}
	if n == 0 {
		return decimal.Zero, remit.Errorf(remit.Unprocessable, op, "invoice %d has no payment %d that is not reversed", invoiceID, paymentID)
	}
	v, err := q.RecomputeInvoicePaid(ctx, dbsqlc.RecomputeInvoicePaidParams{Status: string(status), Now: tx.now, ClientKey: clientKey, ID: invoiceID})
	if errors.Is(err, pgx.ErrNoRows) {
		return decimal.Zero, errNotFoundf(op, "no invoice %d", invoiceID)
	}
	if err != nil {
		return decimal.Zero, classify(op, err)
	}
	var c rowConv
	paid := c.dec(v)
	return paid, classify(op, c.err)
}

// WaiveLateFees adds amount to the invoice's late fees waived and sets
// its status, in tx. Waiving more than was charged, or more than the
// balance, is refused by the database itself (remit.Unprocessable).
func (db *DB) WaiveLateFees(ctx context.Context, tx *Tx, clientKey string, invoiceID int64, amount decimal.Decimal, status invoice.Status) error {
	const op = "store.WaiveLateFees"
	if tx == nil {
		return remit.Errorf(remit.Internal, op, "a waiver needs the transaction that locked the invoice")
	}
	if !amount.IsPositive() {
		return remit.Errorf(remit.Invalid, op, "a waiver needs a positive amount")
	}
	n, err := dbsqlc.New(tx.pgx).WaiveInvoiceLateFees(ctx, dbsqlc.WaiveInvoiceLateFeesParams{
		Amount: numeric(amount), Status: string(status), Now: tx.now, ClientKey: clientKey, ID: invoiceID,
	})
	if err != nil {
		return correctionError(op, "amount", "the waiver is more than the late fees outstanding", err)
	}
	if n == 0 {
		return errNotFoundf(op, "no invoice %d", invoiceID)
	}
	return nil
}

// correctionError turns a failed CHECK on the invoice's figures into the
// business error it stands for, naming field.
func correctionError(op, field, msg string, err error) error {
	if e := paymentError(op, err); remit.IsKind(e, remit.Unprocessable) {
		return remit.FieldErrors(remit.Unprocessable, op, msg, map[string]string{field: msg})
	}
	return classify(op, err)
}

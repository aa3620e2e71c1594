package store

import (
	"context"
	"time"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/money"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store/internal/dbsqlc"
)

// The kinds and states of a Stripe reversal (docs/payments.md, "Refunds
// and disputes").
const (
	ReversalRefund  = "refund"
	ReversalDispute = "dispute"

	ReversalRefunded = "refunded" // a refund, taken off its payment
	ReversalDisputed = "disputed" // a dispute open: its amount taken off, the invoice disputed
	ReversalWon      = "won"      // a dispute the seller won: the amount counts again
	ReversalLost     = "lost"     // a dispute the seller lost: the amount stays off
)

// StripeReversal is what Remit did with one Stripe refund or dispute.
type StripeReversal struct {
	ID            string // re_… or dp_…
	InvoiceID     int64
	PaymentIntent string
	Kind          string
	State         string
	Amount        decimal.Decimal // what Stripe gave back
	Returned      decimal.Decimal // of it, what was taken off the invoice's payment
	EventID       string          // the event that last moved it
	RecordedAt    time.Time
	UpdatedAt     time.Time
}

// StripePaymentByIntent finds what Remit recorded for a payment intent,
// and the tenant it belongs to, and locks it until tx ends, so that the
// events of one intent's refunds and disputes are acted on one at a
// time. ok is false for an intent Remit never recorded. It is not
// tenant-scoped: a refund or dispute event names only the intent.
func (db *DB) StripePaymentByIntent(ctx context.Context, tx *Tx, intent string) (clientKey string, p StripePayment, ok bool, err error) {
	const op = "store.StripePaymentByIntent"
	if tx == nil {
		return "", p, false, remit.Errorf(remit.Internal, op, "the intent's lock needs a transaction")
	}
	rows, err := db.queries(tx).StripePaymentByIntent(ctx, intent)
	if err != nil || len(rows) == 0 {
		return "", p, false, classify(op, err)
	}
	r := rows[0]
	var c rowConv
	p = StripePayment{PaymentIntent: r.PaymentIntent, InvoiceID: r.InvoiceID, EventID: r.EventID,
		Amount: c.dec(r.Amount), Currency: money.Currency(r.Currency), PaymentID: r.PaymentID.Int64,
		Excess: c.dec(r.Excess), RecordedAt: r.RecordedAt}
	return r.ClientKey, p, c.err == nil, classify(op, c.err)
}

// StripeReversals lists the refunds and disputes recorded for a payment
// intent, oldest first.
func (db *DB) StripeReversals(ctx context.Context, tx *Tx, clientKey, intent string) ([]StripeReversal, error) {
	const op = "store.StripeReversals"
	rows, err := db.queries(tx).StripeReversals(ctx, dbsqlc.StripeReversalsParams{ClientKey: clientKey, PaymentIntent: intent})
	if err != nil {
		return nil, classify(op, err)
	}
	out := make([]StripeReversal, 0, len(rows))
	var c rowConv
	for _, r := range rows {
		out = append(out, StripeReversal{ID: r.ID, InvoiceID: r.InvoiceID, PaymentIntent: r.PaymentIntent, Kind: r.Kind,
			State: r.State, Amount: c.dec(r.Amount), Returned: c.dec(r.Returned), EventID: r.EventID,
			RecordedAt: r.RecordedAt, UpdatedAt: r.UpdatedAt})
	}
	if c.err != nil {
		return nil, classify(op, c.err)
	}
	return out, nil
}

// ClaimStripeReversal records in tx a refund or dispute being acted on;
// false means it was before (another event announced it), and the caller
// changes nothing.
func (db *DB) ClaimStripeReversal(ctx context.Context, tx *Tx, clientKey string, r StripeReversal) (bool, error) {
	const op = "store.ClaimStripeReversal"
	n, err := db.queries(tx).InsertStripeReversal(ctx, dbsqlc.InsertStripeReversalParams{
		ID: r.ID, ClientKey: clientKey, InvoiceID: r.InvoiceID, PaymentIntent: r.PaymentIntent, Kind: r.Kind, State: r.State,
		Amount: numeric(r.Amount), Returned: numeric(r.Returned), EventID: r.EventID, Now: db.now(),
	})
	return n == 1, classify(op, err)
}

// SetStripeReversal records in tx a refund's or dispute's new state, how
// much of it is off the invoice's payment, and the event that moved it.
func (db *DB) SetStripeReversal(ctx context.Context, tx *Tx, clientKey, id, state string, returned decimal.Decimal, eventID string) error {
	const op = "store.SetStripeReversal"
	n, err := db.queries(tx).SetStripeReversal(ctx, dbsqlc.SetStripeReversalParams{
		State: state, Returned: numeric(returned), EventID: eventID, Now: db.now(), ClientKey: clientKey, ID: id,
	})
	if err == nil && n == 0 {
		return errNotFoundf(op, "no Stripe reversal %s", id)
	}
	return classify(op, err)
}

// ReturnPayment records in tx that delta more of a payment went back to
// the payer (a negative delta: came back), recomputes the invoice's paid
// and sets the status the caller computed, and returns the paid stored,
// for the caller to check against its own. More than the payment, or a
// reversed payment, is remit.Unprocessable.
func (db *DB) ReturnPayment(ctx context.Context, tx *Tx, clientKey string, invoiceID, paymentID int64, delta decimal.Decimal, status string) (decimal.Decimal, error) {
	const op = "store.ReturnPayment"
	if tx == nil {
		return decimal.Zero, remit.Errorf(remit.Internal, op, "a return needs the transaction that locked the invoice")
	}
	q := dbsqlc.New(tx.pgx)
	n, err := q.ReturnPayment(ctx, dbsqlc.ReturnPaymentParams{Delta: numeric(delta), ClientKey: clientKey, InvoiceID: invoiceID, ID: paymentID})
	if err != nil {
		return decimal.Zero, classify(op, err)
	}
	if n == 0 {
		return decimal.Zero, remit.Errorf(remit.Unprocessable, op, "invoice %d has no payment %d that is not reversed", invoiceID, paymentID)
	}
	v, err := q.RecomputeInvoicePaid(ctx, dbsqlc.RecomputeInvoicePaidParams{Status: status, Now: tx.now, ClientKey: clientKey, ID: invoiceID})
	if err != nil {
		return decimal.Zero, classify(op, err)
	}
	var c rowConv
	paid := c.dec(v)
	return paid, classify(op, c.err)
}

package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/money"
	"github.com/remitapp/remit/internal/store/internal/dbsqlc"
)

// CheckoutSession is a Stripe Checkout session opened for an invoice:
// what it asks for and the idempotency key it was created with.
type CheckoutSession struct {
	ID             string // Stripe's cs_… id
	InvoiceID      int64
	InstallmentID  int64 // 0 when it is for the whole balance
	Amount         decimal.Decimal
	Currency       money.Currency
	URL            string
	IdempotencyKey string
	CreatedAt      time.Time
}

// StripePayment is what Remit did with one Stripe payment intent.
type StripePayment struct {
	PaymentIntent string
	InvoiceID     int64
	EventID       string // the event that recorded it
	Amount        decimal.Decimal
	Currency      money.Currency
	PaymentID     int64           // the payment recorded; 0 when nothing could be
	Excess        decimal.Decimal // received beyond the balance
	RecordedAt    time.Time
}

// InsertCheckoutSession records a session Stripe created. The same
// session recorded twice (Stripe answering a repeated key with it) is
// kept once.
func (db *DB) InsertCheckoutSession(ctx context.Context, clientKey string, s CheckoutSession) error {
	const op = "store.InsertCheckoutSession"
	err := db.q().InsertCheckoutSession(ctx, dbsqlc.InsertCheckoutSessionParams{
		ID: s.ID, ClientKey: clientKey, InvoiceID: s.InvoiceID, InstallmentID: optionalID(s.InstallmentID),
		Amount: numeric(s.Amount), Currency: string(s.Currency), URL: s.URL, IdempotencyKey: s.IdempotencyKey,
		CreatedAt: s.CreatedAt,
	})
	return classify(op, err)
}

// RecentCheckoutSession returns the newest session created with key at
// or after since, and whether there is one.
func (db *DB) RecentCheckoutSession(ctx context.Context, clientKey, key string, since time.Time) (CheckoutSession, bool, error) {
	const op = "store.RecentCheckoutSession"
	rows, err := db.q().RecentCheckoutSession(ctx, dbsqlc.RecentCheckoutSessionParams{
		ClientKey: clientKey, IdempotencyKey: key, Since: since,
	})
	if err != nil || len(rows) == 0 {
		return CheckoutSession{}, false, classify(op, err)
	}
	r := rows[0]
	var c rowConv
	s := CheckoutSession{ID: r.ID, InvoiceID: r.InvoiceID, InstallmentID: r.InstallmentID.Int64, Amount: c.dec(r.Amount),
		Currency: money.Currency(r.Currency), URL: r.URL, IdempotencyKey: r.IdempotencyKey, CreatedAt: r.CreatedAt}
	if c.err != nil {
		return CheckoutSession{}, false, classify(op, c.err)
	}
	return s, true, nil
}

// ClaimStripeEvent records in tx that the Stripe event id is being acted
// on; false means it was before (a replayed delivery), and the caller
// changes nothing.
func (db *DB) ClaimStripeEvent(ctx context.Context, tx *Tx, clientKey, id, eventType, paymentIntent string) (bool, error) {
	const op = "store.ClaimStripeEvent"
	n, err := db.queries(tx).ClaimStripeEvent(ctx, dbsqlc.ClaimStripeEventParams{
		ID: id, ClientKey: clientKey, Type: eventType, PaymentIntent: paymentIntent, ReceivedAt: db.now(),
	})
	return n == 1, classify(op, err)
}

// ClaimStripePayment records in tx that the payment intent of p is being
// recorded; false means another event recorded it already. p's
// PaymentID and Excess are set later by SetStripePaymentOutcome.
func (db *DB) ClaimStripePayment(ctx context.Context, tx *Tx, clientKey string, p StripePayment) (bool, error) {
	const op = "store.ClaimStripePayment"
	n, err := db.queries(tx).ClaimStripePayment(ctx, dbsqlc.ClaimStripePaymentParams{
		PaymentIntent: p.PaymentIntent, ClientKey: clientKey, InvoiceID: p.InvoiceID, EventID: p.EventID,
		Amount: numeric(p.Amount), Currency: string(p.Currency), RecordedAt: db.now(),
	})
	return n == 1, classify(op, err)
}

// SetStripePaymentOutcome records, in tx, the payment a claimed intent
// became (0 for none) and what it brought beyond the balance.
func (db *DB) SetStripePaymentOutcome(ctx context.Context, tx *Tx, clientKey, paymentIntent string, paymentID int64, excess decimal.Decimal) error {
	const op = "store.SetStripePaymentOutcome"
	n, err := db.queries(tx).SetStripePaymentOutcome(ctx, dbsqlc.SetStripePaymentOutcomeParams{
		PaymentID: optionalID(paymentID), Excess: numeric(excess), ClientKey: clientKey, PaymentIntent: paymentIntent,
	})
	if err == nil && n == 0 {
		return errNotFoundf(op, "no Stripe payment %s", paymentIntent)
	}
	return classify(op, err)
}

// StripePayments lists the Stripe payment intents recorded against an
// invoice, oldest first.
func (db *DB) StripePayments(ctx context.Context, clientKey string, invoiceID int64) ([]StripePayment, error) {
	const op = "store.StripePayments"
	rows, err := db.q().StripePayments(ctx, dbsqlc.StripePaymentsParams{ClientKey: clientKey, InvoiceID: invoiceID})
	if err != nil {
		return nil, classify(op, err)
	}
	out := make([]StripePayment, 0, len(rows))
	var c rowConv
	for _, r := range rows {
		out = append(out, StripePayment{PaymentIntent: r.PaymentIntent, InvoiceID: r.InvoiceID, EventID: r.EventID,
			Amount: c.dec(r.Amount), Currency: money.Currency(r.Currency), PaymentID: r.PaymentID.Int64,
			Excess: c.dec(r.Excess), RecordedAt: r.RecordedAt})
	}
	if c.err != nil {
		return nil, classify(op, c.err)
	}
	return out, nil
}

// optionalID passes an id to a NULL-able bigint parameter; 0 is NULL.
func optionalID(id int64) pgtype.Int8 { return pgtype.Int8{Int64: id, Valid: id != 0} }

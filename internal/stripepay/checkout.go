package stripepay

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stripe/stripe-go/v82"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/money"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// reuseWithin is how long a session is handed out again for the same
// invoice, installment, balance and return URLs: less than the 24 hours
// a Checkout session lives by default, so the one handed out is still
// open.
const reuseWithin = 23 * time.Hour

// Charge is what a Checkout session for an invoice asks for.
type Charge struct {
	Amount        decimal.Decimal
	Currency      money.Currency
	InstallmentID int64 // 0 when it is the whole balance
	Name          string
}

// ChargeFor is what the customer is asked to pay for inv now: the next
// unsettled installment of its plan, or else its balance. An invoice
// that expects no money, or is disputed, is refused (remit.Conflict,
// with a message fit for the customer).
func ChargeFor(inv invoice.Invoice, plan []invoice.Installment) (Charge, error) {
	const op = "stripepay.ChargeFor"
	switch {
	case inv.Status == invoice.StatusDraft:
		return Charge{}, remit.Errorf(remit.Conflict, op, "this invoice has not been issued yet")
	case inv.Status == invoice.StatusPaid:
		return Charge{}, remit.Errorf(remit.Conflict, op, "invoice %s is already paid", inv.Number)
	case inv.Status == invoice.StatusVoid:
		return Charge{}, remit.Errorf(remit.Conflict, op, "invoice %s was cancelled and takes no payment", inv.Number)
	case !inv.Open():
		return Charge{}, remit.Errorf(remit.Conflict, op, "invoice %s is closed and takes no payment", inv.Number)
	case inv.Disputed:
		return Charge{}, remit.Errorf(remit.Conflict, op, "invoice %s is disputed; it can be paid once the dispute is settled", inv.Number)
	case !inv.Balance().IsPositive():
		return Charge{}, remit.Errorf(remit.Conflict, op, "invoice %s has nothing left to pay", inv.Number)
	}
	c := Charge{Amount: inv.Balance(), Currency: inv.Currency, Name: "Invoice " + inv.Number}
	for i, in := range plan {
		if in.Settled() || !in.Balance().IsPositive() {
			continue
		}
		c.Amount = decimal.Min(in.Balance(), inv.Balance())
		c.InstallmentID = in.ID
		c.Name = fmt.Sprintf("Invoice %s, installment %d of %d (due %s)", inv.Number, i+1, len(plan), in.DueDate)
		break
	}
	return c, nil
}

// CheckoutURL opens a Stripe Checkout session for the tenant's invoice
// (ChargeFor says for how much) and returns the address to send the
// customer to; Stripe returns them to successURL or cancelURL. The same
// request again (a double click, a reload) within the session's life gets
// the same session. The caller has established that the customer may
// pay this invoice (the customer page's token).
func (s *Service) CheckoutURL(ctx context.Context, clientKey string, invoiceID int64, successURL, cancelURL string) (string, error) {
	const op = "stripepay.CheckoutURL"
	if s == nil {
		return "", remit.Errorf(remit.Unavailable, op, "card payment is not available")
	}
	inv, err := s.db.Invoice(ctx, clientKey, invoiceID)
	if err != nil {
		return "", err
	}
	plan, err := s.db.Installments(ctx, nil, clientKey, invoiceID)
	if err != nil {
		return "", err
	}
	charge, err := ChargeFor(inv, plan)
	if err != nil {
		return "", err
	}
	minor, err := toStripeAmount(charge.Amount, charge.Currency)
	if err != nil {
		return "", err
	}
	key := idempotencyKey(clientKey, inv, charge, successURL, cancelURL)
	now := s.now()
	if prev, ok, err := s.db.RecentCheckoutSession(ctx, clientKey, key, now.Add(-reuseWithin)); err != nil || ok {
		return prev.URL, err
	}
	meta := map[string]string{MetaClientKey: clientKey, MetaInvoiceID: strconv.FormatInt(inv.ID, 10)}
	if charge.InstallmentID != 0 {
		meta[MetaInstallment] = strconv.FormatInt(charge.InstallmentID, 10)
	}
	params := &stripe.CheckoutSessionCreateParams{
		Mode:              stripe.String(string(stripe.CheckoutSessionModePayment)),
		SuccessURL:        stripe.String(successURL),
		CancelURL:         stripe.String(cancelURL),
		ClientReferenceID: stripe.String(inv.Number),
		LineItems: []*stripe.CheckoutSessionCreateLineItemParams{{
			Quantity: stripe.Int64(1),
			PriceData: &stripe.CheckoutSessionCreateLineItemPriceDataParams{
				Currency:    stripe.String(strings.ToLower(string(charge.Currency))),
				UnitAmount:  stripe.Int64(minor),
				ProductData: &stripe.CheckoutSessionCreateLineItemPriceDataProductDataParams{Name: stripe.String(charge.Name)},
			},
		}},
		Metadata:          meta,
		PaymentIntentData: &stripe.CheckoutSessionCreatePaymentIntentDataParams{Metadata: meta},
	}
	params.SetIdempotencyKey(key)
	sess, err := s.stripe.V1CheckoutSessions.Create(ctx, params)
	var refused *stripe.Error
	if errors.As(err, &refused) && refused.Type == stripe.ErrorTypeInvalidRequest {
		// Stripe's own rules (a minimum charge, a return URL it will
		// not take): say which, rather than to try again later.
		return "", &remit.Error{Kind: remit.Unprocessable, Op: op, Msg: "Stripe refused the payment: " + refused.Msg, Err: err}
	}
	if err != nil {
		return "", remit.Wrap(remit.Unavailable, op, err)
	}
	if sess.URL == "" {
		return "", fmt.Errorf("%s: Stripe returned session %s without a URL", op, sess.ID)
	}
	err = s.db.InsertCheckoutSession(ctx, clientKey, store.CheckoutSession{ID: sess.ID, InvoiceID: inv.ID,
		InstallmentID: charge.InstallmentID, Amount: charge.Amount, Currency: charge.Currency, URL: sess.URL,
		IdempotencyKey: key, CreatedAt: now})
	if err != nil {
		return "", err
	}
	return sess.URL, nil
}

// idempotencyKey names one request for money: the invoice, the
// installment, what is owed and where the customer returns. While none
// of them changes, Stripe answers a repeated request with the first
// session; a payment changes the balance, and so the key.
func idempotencyKey(clientKey string, inv invoice.Invoice, c Charge, successURL, cancelURL string) string {
	h := sha256.New()
	for _, part := range []string{clientKey, strconv.FormatInt(inv.ID, 10), strconv.FormatInt(c.InstallmentID, 10),
		money.Format(inv.Balance(), inv.Currency), money.Format(c.Amount, c.Currency), string(c.Currency), successURL, cancelURL} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return "remit-checkout-" + hex.EncodeToString(h.Sum(nil))[:40]
}

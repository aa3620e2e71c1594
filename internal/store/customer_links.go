package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/remitapp/remit/internal/store/internal/dbsqlc"
)

// CustomerTokenBytes is the size of a customer page token's randomness:
// 256 bits, twice SPEC §15's floor, written as 43 URL-safe characters.
const CustomerTokenBytes = 32

// CustomerTokenHash is what the store keeps to find a token: its SHA-256.
func CustomerTokenHash(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// customerLinkAAD binds a sealed token to its tenant and invoice, so a
// sealed value copied to another row does not open.
func customerLinkAAD(clientKey string, invoiceID int64) []byte {
	return fmt.Appendf(nil, "%s|customer-link|%d", clientKey, invoiceID)
}

// CustomerLink returns the invoice's current customer page token,
// creating one (random, CustomerTokenBytes) when it has none or its last
// was revoked, in tx when given. Two callers racing for the first link
// get the same one. An unknown or other tenant's invoice is
// remit.NotFound.
func (db *DB) CustomerLink(ctx context.Context, tx *Tx, clientKey string, invoiceID int64) (string, error) {
	const op = "store.CustomerLink"
	q := db.queries(tx)
	for range 2 {
		cur, err := q.CurrentCustomerLink(ctx, dbsqlc.CurrentCustomerLinkParams{ClientKey: clientKey, InvoiceID: invoiceID})
		if err == nil {
			plain, err := db.box.Open(cur.TokenSealed, customerLinkAAD(clientKey, invoiceID))
			if err != nil {
				return "", fmt.Errorf("%s: open the token of link %d: %w", op, cur.ID, err)
			}
			return string(plain), nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return "", classify(op, err)
		}
		raw := make([]byte, CustomerTokenBytes)
		if _, err := rand.Read(raw); err != nil {
			return "", fmt.Errorf("%s: %w", op, err)
		}
		token := base64.RawURLEncoding.EncodeToString(raw)
		n, err := q.InsertCustomerLink(ctx, dbsqlc.InsertCustomerLinkParams{
			ClientKey: clientKey, InvoiceID: invoiceID, TokenHash: CustomerTokenHash(token),
			TokenSealed: db.box.Seal([]byte(token), customerLinkAAD(clientKey, invoiceID)), Now: db.nowIn(tx),
		})
		if err != nil {
			return "", classify(op, err)
		}
		if n == 1 {
			return token, nil
		}
		// No row: no such invoice, or another transaction's link won.
		if _, err := q.CurrentCustomerLink(ctx, dbsqlc.CurrentCustomerLinkParams{ClientKey: clientKey, InvoiceID: invoiceID}); errors.Is(err, pgx.ErrNoRows) {
			return "", errNotFoundf(op, "no invoice %d", invoiceID)
		}
	}
	return "", fmt.Errorf("%s: the invoice's link kept changing", op)
}

// RevokeCustomerLink revokes the invoice's current customer page link;
// false when it had none. The next CustomerLink issues a new token.
func (db *DB) RevokeCustomerLink(ctx context.Context, tx *Tx, clientKey string, invoiceID int64, by string) (bool, error) {
	const op = "store.RevokeCustomerLink"
	n, err := db.queries(tx).RevokeCustomerLink(ctx, dbsqlc.RevokeCustomerLinkParams{
		ClientKey: clientKey, InvoiceID: invoiceID, Now: db.nowIn(tx), RevokedBy: by})
	return n > 0, classify(op, err)
}

// CustomerLinkRef is what a token's hash leads to.
type CustomerLinkRef struct {
	ClientKey string
	InvoiceID int64
	TokenHash []byte
	Revoked   bool
}

// CustomerLinkByHash finds the link whose token has the hash, in any
// tenant: a request to the customer page brings nothing but the token.
// None is remit.NotFound.
func (db *DB) CustomerLinkByHash(ctx context.Context, hash []byte) (CustomerLinkRef, error) {
	const op = "store.CustomerLinkByHash"
	r, err := db.q().CustomerLinkByHash(ctx, hash)
	if err != nil {
		return CustomerLinkRef{}, classify(op, err)
	}
	return CustomerLinkRef{ClientKey: r.ClientKey, InvoiceID: r.InvoiceID, TokenHash: r.TokenHash, Revoked: r.Revoked}, nil
}

// OpenInvoicesOfCustomer are the ids of a customer's invoices that still
// ask for money (open or partially paid), by due date.
func (db *DB) OpenInvoicesOfCustomer(ctx context.Context, clientKey string, customerID int64) ([]int64, error) {
	const op = "store.OpenInvoicesOfCustomer"
	ids, err := db.q().OpenInvoicesOfCustomer(ctx, dbsqlc.OpenInvoicesOfCustomerParams{ClientKey: clientKey, CustomerID: customerID})
	return ids, classify(op, err)
}

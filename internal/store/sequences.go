package store

import (
	"context"

	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store/internal/dbsqlc"
)

// NextInvoiceNumber takes the next number of the tenant's sequence scope
// (see invoice.NumberScope), starting at 1. It must run in the transaction
// that inserts the invoice: the row lock it takes makes concurrent creates
// wait for each other, and a rollback returns the number, so numbers have
// neither gaps nor duplicates. Without a transaction it refuses, since the
// number would be spent with no invoice to show for it.
func (db *DB) NextInvoiceNumber(ctx context.Context, tx *Tx, clientKey, scope string) (int64, error) {
	const op = "store.NextInvoiceNumber"
	if tx == nil {
		return 0, remit.Errorf(remit.Internal, op, "needs the transaction that inserts the invoice")
	}
	if scope == "" {
		return 0, remit.FieldErrors(remit.Invalid, op, "empty sequence scope", map[string]string{"scope": "is required"})
	}
	n, err := db.queries(tx).NextInvoiceNumber(ctx, dbsqlc.NextInvoiceNumberParams{ClientKey: clientKey, Scope: scope})
	if err != nil {
		return 0, classify(op, err)
	}
	return n, nil
}

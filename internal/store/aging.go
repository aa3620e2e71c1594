package store

import (
	"context"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/money"
	"github.com/remitapp/remit/internal/store/internal/dbsqlc"
)

// AgingItems returns what the aging report needs of every invoice issued
// on or before asOf that is not void: its total (credit sales) and its
// balance on asOf, that is total plus late fees minus the payments dated
// on or before asOf. A written-off invoice is no longer receivable, so
// its balance is zero.
func (db *DB) AgingItems(ctx context.Context, clientKey string, asOf invoice.Date) ([]invoice.AgingItem, error) {
	const op = "store.AgingItems"
	rows, err := db.q().AgingItems(ctx, dbsqlc.AgingItemsParams{ClientKey: clientKey, AsOf: pgDate(asOf)})
	if err != nil {
		return nil, classify(op, err)
	}
	out := make([]invoice.AgingItem, 0, len(rows))
	var c rowConv
	for _, r := range rows {
		out = append(out, invoice.AgingItem{
			CustomerID: r.CustomerID, Customer: r.CustomerName, Currency: money.Currency(r.Currency),
			IssueDate: c.date(r.IssueDate), DueDate: c.date(r.DueDate), Total: c.dec(r.Total), Balance: c.dec(r.Balance),
		})
	}
	if c.err != nil {
		return nil, classify(op, c.err)
	}
	return out, nil
}

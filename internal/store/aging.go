package store

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/money"
)

// AgingItems returns what the aging report needs of every invoice issued
// on or before asOf that is not void: its total (credit sales) and its
// balance on asOf, that is total plus late fees minus the payments dated
// on or before asOf. A written-off invoice is no longer receivable, so
// its balance is zero.
func (db *DB) AgingItems(ctx context.Context, clientKey string, asOf invoice.Date) ([]invoice.AgingItem, error) {
	const op = "store.AgingItems"
	rows, err := db.pool.Query(ctx, `
		SELECT i.customer_id, i.customer_name, i.currency, i.issue_date, i.due_date, i.total,
			CASE WHEN i.status = 'uncollectible' THEN 0
			     ELSE i.total + i.late_fees - coalesce((SELECT sum(p.amount) FROM payments p
			          WHERE p.client_key = i.client_key AND p.invoice_id = i.id AND p.paid_on <= $2), 0)
			END
		FROM invoices i
		WHERE i.client_key = $1 AND i.status <> 'void' AND i.issue_date <= $2
		ORDER BY i.id`, clientKey, pgDate(asOf))
	if err != nil {
		return nil, classify(op, err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (invoice.AgingItem, error) {
		var it invoice.AgingItem
		var cur string
		err := row.Scan(&it.CustomerID, &it.Customer, &cur, date(&it.IssueDate), date(&it.DueDate), dec(&it.Total), dec(&it.Balance))
		it.Currency = money.Currency(cur)
		return it, err
	})
	if err != nil {
		return nil, classify(op, err)
	}
	return out, nil
}

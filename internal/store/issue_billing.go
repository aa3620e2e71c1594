package store

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/money"
)

// IssueInvoice is one invoice that bills time of a work issue, as the
// work issue panel lists it: which invoice, where it stands, and how much
// of the issue's time and money it carries.
type IssueInvoice struct {
	InvoiceID       int64
	Number          string
	Status          invoice.Status
	Disputed        bool
	Currency        money.Currency
	DueDate         invoice.Date
	InvoiceIssueKey string          // the invoice's own Jira issue, "" until created
	Seconds         int64           // billed seconds of the work issue on this invoice
	Amount          decimal.Decimal // the work issue's share of the invoice subtotal
}

// IssueBilling lists the tenant's invoices whose lines bill the work
// issue issueKey, newest first, void ones included (their status says
// so), for GET /api/v1/issues/{issueKey}/billing.
func (db *DB) IssueBilling(ctx context.Context, clientKey, issueKey string) ([]IssueInvoice, error) {
	const op = "store.IssueBilling"
	rows, err := db.pool.Query(ctx, `
		SELECT i.id, i.number, i.status, i.disputed, i.currency, i.due_date, coalesce(i.jira_issue_key, ''),
			sum(l.seconds)::bigint, sum(l.amount)
		FROM invoice_lines l
		JOIN invoices i ON i.client_key = l.client_key AND i.id = l.invoice_id
		WHERE l.client_key = $1 AND l.issue_key = $2
		GROUP BY i.id
		ORDER BY i.id DESC`, clientKey, issueKey)
	if err != nil {
		return nil, classify(op, err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (IssueInvoice, error) {
		var ii IssueInvoice
		var status, currency string
		err := row.Scan(&ii.InvoiceID, &ii.Number, &status, &ii.Disputed, &currency, date(&ii.DueDate),
			&ii.InvoiceIssueKey, &ii.Seconds, dec(&ii.Amount))
		ii.Status, ii.Currency = invoice.Status(status), money.Currency(currency)
		return ii, err
	})
	if err != nil {
		return nil, classify(op, err)
	}
	return out, nil
}

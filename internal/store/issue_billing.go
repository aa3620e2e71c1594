package store

import (
	"context"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/money"
	"github.com/remitapp/remit/internal/store/internal/dbsqlc"
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
	rows, err := db.q().IssueBilling(ctx, dbsqlc.IssueBillingParams{ClientKey: clientKey, IssueKey: issueKey})
	if err != nil {
		return nil, classify(op, err)
	}
	out := make([]IssueInvoice, 0, len(rows))
	var c rowConv
	for _, r := range rows {
		out = append(out, IssueInvoice{
			InvoiceID: r.ID, Number: r.Number, Status: invoice.Status(r.Status), Disputed: r.Disputed,
			Currency: money.Currency(r.Currency), DueDate: c.date(r.DueDate), InvoiceIssueKey: r.InvoiceIssueKey,
			Seconds: r.Seconds, Amount: c.dec(r.Amount),
		})
	}
	if c.err != nil {
		return nil, classify(op, c.err)
	}
	return out, nil
}

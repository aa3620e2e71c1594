package jirasync

import (
	"encoding/json"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/money"
)

// PropertyKey is the issue property Remit keeps on each invoice issue;
// the descriptor indexes it so people can search invoices with JQL.
const PropertyKey = "remit-invoice"

// Property is the remit-invoice property. Any Jira user can read issue
// properties, so it carries nothing secret and no personal data.
type Property struct {
	InvoiceID int64       `json:"invoiceId"`
	Number    string      `json:"number"`
	Status    string      `json:"status"`
	Overdue   string      `json:"overdue"` // "true" or "false", indexed as a string
	Total     json.Number `json:"total"`   // a JSON number, written from the exact decimal
	Balance   json.Number `json:"balance"`
	Currency  string      `json:"currency"`
	DueDate   string      `json:"dueDate"`
	Customer  string      `json:"customer"`
}

// PropertyOf is the property value for inv as of today.
func PropertyOf(inv invoice.Invoice, today invoice.Date) Property {
	overdue := "false"
	if inv.Overdue(today) {
		overdue = "true"
	}
	return Property{
		InvoiceID: inv.ID, Number: inv.Number, Status: string(inv.Status), Overdue: overdue,
		Total: json.Number(money.Format(inv.Total, inv.Currency)), Balance: json.Number(money.Format(inv.Balance(), inv.Currency)),
		Currency: string(inv.Currency),
		DueDate:  inv.DueDate.String(), Customer: inv.Customer,
	}
}

// TargetStatus is the Jira status name the invoice issue should be in,
// or "" when Remit leaves the status alone (written off).
func TargetStatus(inv invoice.Invoice, today invoice.Date, s invoice.Statuses) string {
	switch inv.Status {
	case invoice.StatusPaid:
		return s.Paid
	case invoice.StatusVoid:
		return s.Void
	case invoice.StatusOpen, invoice.StatusPartiallyPaid:
		if inv.Overdue(today) {
			return s.Overdue
		}
		return s.Open
	}
	return ""
}

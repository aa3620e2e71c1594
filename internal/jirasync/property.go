package jirasync

import (
	"encoding/json"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/jira"
	"github.com/remitapp/remit/internal/money"
)

// PropertyOf is the remit-invoice property's value for inv as of today.
func PropertyOf(inv invoice.Invoice, today invoice.Date) jira.InvoiceProperty {
	overdue := "false"
	if inv.Overdue(today) {
		overdue = "true"
	}
	return jira.InvoiceProperty{
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

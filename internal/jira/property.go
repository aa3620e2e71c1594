package jira

import "encoding/json"

// InvoicePropertyKey is the issue property Remit keeps on each invoice
// issue; the descriptor indexes it so people can search invoices with
// JQL (issue.property[remit-invoice].number = "INV-1").
const InvoicePropertyKey = "remit-invoice"

// InvoiceProperty is the value of the remit-invoice property, as the
// descriptor's index and JQL read it. Any Jira user can read issue
// properties, so it carries nothing secret and no personal data.
type InvoiceProperty struct {
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

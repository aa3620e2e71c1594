// Package invoice is the heart of Remit's domain: tenant billing settings,
// customers and their rates, the rules that turn worklogs into invoice
// lines and totals, invoice numbers, and the invoice state machine. It
// knows nothing of HTTP, SQL or Jira; adapters feed it worklogs and store
// what it decides.
//
// An invoice is a legal document. Issue turns the settings, the customer
// and the lines (LineItem: time, fixed or expense, each with a
// TaxCategory) into a Document that is stored as it is and never
// rewritten: the parties with their addresses and tax ids, the lines,
// the VAT breakdown per EN 16931 category (DocumentTotalsOf), the dates
// and the payment details. What follows an issued invoice changes its
// balance, never its document: payments (reversed, not deleted, by
// ReversePayment), late fees and their waivers (WaiveLateFees), and
// credit notes (IssueCreditNote), which are documents of their own.
package invoice

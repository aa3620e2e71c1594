// Package invoice is the heart of Remit's domain: tenant billing settings,
// customers and their rates, the rules that turn worklogs into invoice
// lines and totals, invoice numbers, and the invoice state machine. It
// knows nothing of HTTP, SQL or Jira; adapters feed it worklogs and store
// what it decides.
package invoice

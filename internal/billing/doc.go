// Package billing runs an invoice's life across the domain, storage, jobs
// and Jira: previewing and creating invoices from a customer's worklogs,
// drafts and finalizing, sending, payments and plans, corrections, void
// and write-off, and what Jira's webhooks change. Handlers call it; it
// calls the invoice domain for every rule about money and package access
// for every permission.
package billing

// Package billing runs the use cases that span the domain, storage, jobs
// and Jira: saving settings and customers (checked against Jira), and
// previewing and creating invoices from a customer's worklogs. Handlers
// call it; it calls the invoice domain for every rule about money.
package billing

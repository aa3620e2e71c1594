// Package remit holds the domain types and errors shared by every part of
// Remit. It imports no infrastructure: adapters (store, httpapi, jira,
// connect, jobs) import it, never the reverse.
package remit

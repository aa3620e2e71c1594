// Package store is Remit's PostgreSQL adapter and the only package that
// holds SQL. Its statements are in queries/*.sql, compiled by sqlc into
// the internal dbsqlc package (docs/architecture.md, "Where SQL lives");
// the few that sqlc cannot express stay Go strings, each saying why.
//
// Every tenant-scoped method takes the tenant's clientKey first and every
// statement it runs filters on it: a query that forgets the tenant is a
// data leak between Jira sites, and the isolation test exercises each
// method with two tenants to catch one. Methods that write as part of a
// larger unit of work take a *Tx (nil means "run on the pool"), begun by
// DB.InTx, so that the River jobs enqueued on it (Tx.Enqueue) commit or
// roll back with the write they follow, and the whole unit reads one
// clock instant (Tx.Now).
//
// Errors are wrapped with the operation ("store.UpsertInstall: ...");
// missing rows become remit.NotFound and unique violations remit.Conflict.
package store

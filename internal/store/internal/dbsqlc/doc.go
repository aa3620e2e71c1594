// Package dbsqlc is the Go code sqlc generates from internal/store/queries
// and the schema in migrations (see sqlc.yaml): one method per statement,
// with row and parameter structs. Every file but this one is generated;
// regenerate with `make sqlc`. Only internal/store imports it, and store
// converts its rows to domain types.
package dbsqlc

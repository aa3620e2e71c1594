package store

import "github.com/remitapp/remit/internal/store/internal/dbsqlc"

// q returns the statements sqlc generates from queries/*.sql, run on the
// pool. Inside a transaction, use dbsqlc.New(tx.pgx) instead.
func (db *DB) q() *dbsqlc.Queries { return dbsqlc.New(db.pool) }

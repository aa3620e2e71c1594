package store

import "github.com/remitapp/remit/internal/store/internal/dbsqlc"

// q returns the statements sqlc generates from queries/*.sql, run on the
// pool.
func (db *DB) q() *dbsqlc.Queries { return dbsqlc.New(db.pool) }

// queries returns the generated statements run in tx's transaction when
// the caller passed one, on the pool otherwise: the form of q for the
// methods that take a *Tx.
func (db *DB) queries(tx *Tx) *dbsqlc.Queries { return dbsqlc.New(db.on(tx)) }

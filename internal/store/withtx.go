package store

import "context"

// inTx runs fn in the caller's transaction when there is one, else in a
// transaction of its own, for writes whose parts (the change and its
// audit entry) must commit together either way.
func (db *DB) inTx(ctx context.Context, tx *Tx, fn func(tx *Tx) error) error {
	if tx != nil {
		return fn(tx)
	}
	return db.InTx(ctx, fn)
}

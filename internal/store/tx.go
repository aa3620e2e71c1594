package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"
)

// Tx is one unit of work: a PostgreSQL transaction, the store's clock as
// read when it began, and the jobs enqueued in it. The jobs commit with the
// writes they follow or roll back with them, and every part of the unit
// reads the same now. Use cases get a Tx from DB.InTx and hand it to the
// store's methods; the transaction itself stays in this package, so the SQL
// does too.
type Tx struct {
	pgx pgx.Tx
	db  *DB
	now time.Time
}

// Now is the store's clock as read when the transaction began: one instant
// for every timestamp and decision of the unit of work.
func (tx *Tx) Now() time.Time { return tx.now }

// Enqueue inserts a job in the transaction, so it runs only if the
// transaction commits. opts may be nil.
func (tx *Tx) Enqueue(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error) {
	res, err := tx.db.jobs.InsertTx(ctx, tx.pgx, args, opts)
	if err != nil {
		return nil, fmt.Errorf("store.Enqueue: %w", err)
	}
	return res, nil
}

// EnqueueMany inserts jobs in the transaction in one batch, honouring
// their unique options (a duplicate is skipped, not an error).
func (tx *Tx) EnqueueMany(ctx context.Context, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error) {
	res, err := tx.db.jobs.InsertManyTx(ctx, tx.pgx, params)
	if err != nil {
		return nil, fmt.Errorf("store.EnqueueMany: %w", err)
	}
	return res, nil
}

// EnqueueManyFast inserts jobs in the transaction with COPY, the fastest
// way for large batches, and returns how many it inserted. COPY cannot
// skip duplicates, so the jobs must have no unique options.
func (tx *Tx) EnqueueManyFast(ctx context.Context, params []river.InsertManyParams) (int, error) {
	n, err := tx.db.jobs.InsertManyFastTx(ctx, tx.pgx, params)
	if err != nil {
		return 0, fmt.Errorf("store.EnqueueManyFast: %w", err)
	}
	return n, nil
}

// Enqueue inserts a job on its own, for callers with no write for it to
// follow (a periodic job fanning out work). opts may be nil.
func (db *DB) Enqueue(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error) {
	res, err := db.jobs.Insert(ctx, args, opts)
	if err != nil {
		return nil, fmt.Errorf("store.Enqueue: %w", err)
	}
	return res, nil
}

// EnqueueMany inserts jobs on their own in one batch, honouring their
// unique options.
func (db *DB) EnqueueMany(ctx context.Context, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error) {
	res, err := db.jobs.InsertMany(ctx, params)
	if err != nil {
		return nil, fmt.Errorf("store.EnqueueMany: %w", err)
	}
	return res, nil
}

// insertFetchCooldown is how often this store's inserts may wake the
// workers of a queue (River's insert notifications are limited to one per
// cooldown and queue); it matches the working client's FetchCooldown, so a
// burst of jobs is picked up as promptly as that client fetches.
const insertFetchCooldown = 10 * time.Millisecond

// newJobInserter builds the River client the store enqueues with. It has no
// queues and no workers, which makes it insert-only: the process's working
// client (built by the wiring) runs the jobs, whoever inserted them.
func newJobInserter(pool *pgxpool.Pool, db *DB) *river.Client[pgx.Tx] {
	client, err := river.NewClient(riverpgxv5.New(pool), &river.Config{Logger: db.logger, FetchCooldown: insertFetchCooldown})
	if err != nil {
		// The configuration is fixed, so River refusing it is a bug here.
		panic(fmt.Sprintf("store: insert-only River client: %v", err))
	}
	return client
}

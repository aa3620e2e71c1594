package store

import (
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/remitapp/remit/internal/remit"
)

// PostgreSQL error codes the store classifies.
const (
	pgUniqueViolation     = "23505"
	pgForeignKeyViolation = "23503"
)

// classify turns a database error into a domain error for op: no rows and
// references to a missing tenant are NotFound, duplicates are Conflict, and
// everything else stays internal, wrapped with op.
func classify(op string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return remit.Wrap(remit.NotFound, op, err)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case pgUniqueViolation:
			return remit.Wrap(remit.Conflict, op, err)
		case pgForeignKeyViolation:
			return remit.Wrap(remit.NotFound, op, err)
		}
	}
	return fmt.Errorf("%s: %w", op, err)
}

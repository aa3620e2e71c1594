package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store/internal/dbsqlc"
)

// BilledWorklog is a worklog on a non-void invoice, with what the
// invoice billed for it.
type BilledWorklog struct {
	WorklogID int64
	InvoiceID int64
	IssueID   string
	IssueKey  string
	Seconds   int64           // as Jira reported them when billed
	Rate      decimal.Decimal // the rate of the line that bills it
}

// BilledWorklog looks a worklog up by id among the tenant's billed
// worklogs (void invoices release theirs). ok is false when no invoice
// bills it.
func (db *DB) BilledWorklog(ctx context.Context, clientKey string, worklogID int64) (BilledWorklog, bool, error) {
	const op = "store.BilledWorklog"
	r, err := db.q().BilledWorklog(ctx, dbsqlc.BilledWorklogParams{ClientKey: clientKey, WorklogID: worklogID})
	if errors.Is(err, pgx.ErrNoRows) {
		return BilledWorklog{}, false, nil
	}
	if err != nil {
		return BilledWorklog{}, false, classify(op, err)
	}
	var c rowConv
	b := BilledWorklog{
		WorklogID: worklogID, InvoiceID: r.InvoiceID, IssueID: r.IssueID, IssueKey: r.IssueKey,
		Seconds: r.Seconds, Rate: c.dec(r.Rate),
	}
	if c.err != nil {
		return BilledWorklog{}, false, classify(op, c.err)
	}
	return b, true, nil
}

// FlagWorklogChange flags the invoice for review and records c under its
// worklog id, unless a change with a newer or equal webhook timestamp is
// already recorded (a late delivery). With onlyIfKnown it records c only
// over an earlier change of the same worklog: a worklog edited back to
// its billed time updates its entry, but an edit that never changed the
// time flags nothing. applied reports whether anything was written; the
// invoice's amounts are never touched.
func (db *DB) FlagWorklogChange(ctx context.Context, tx *Tx, clientKey string, invoiceID int64, c invoice.WorklogChange, onlyIfKnown bool) (applied bool, err error) {
	const op = "store.FlagWorklogChange"
	doc, err := json.Marshal(c)
	if err != nil {
		return false, fmt.Errorf("%s: encode: %w", op, err)
	}
	n, err := db.queries(tx).FlagWorklogChange(ctx, dbsqlc.FlagWorklogChangeParams{
		ClientKey: clientKey, ID: invoiceID, WorklogKey: strconv.FormatInt(c.WorklogID, 10), Change: doc,
		Timestamp: c.Timestamp, OnlyIfKnown: onlyIfKnown, Now: db.now(),
	})
	if err != nil {
		return false, classify(op, err)
	}
	return n == 1, nil
}

// WorklogReview returns the recorded changes of an invoice's billed
// worklogs, by worklog id.
func (db *DB) WorklogReview(ctx context.Context, clientKey string, invoiceID int64) ([]invoice.WorklogChange, error) {
	const op = "store.WorklogReview"
	raw, err := db.q().WorklogReview(ctx, dbsqlc.WorklogReviewParams{ClientKey: clientKey, ID: invoiceID})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, errNotFoundf(op, "no invoice %d", invoiceID)
	}
	if err != nil {
		return nil, classify(op, err)
	}
	if len(raw) == 0 {
		return nil, nil
	}
	var byID map[string]invoice.WorklogChange
	if err := json.Unmarshal(raw, &byID); err != nil {
		return nil, remit.Wrap(remit.Internal, op, err)
	}
	out := make([]invoice.WorklogChange, 0, len(byID))
	for _, c := range byID {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b invoice.WorklogChange) int { return int(a.WorklogID - b.WorklogID) })
	return out, nil
}

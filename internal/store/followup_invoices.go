package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/followup"
	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/money"
	"github.com/remitapp/remit/internal/store/internal/dbsqlc"
)

// FollowupState is what the follow-up engine reads of one invoice: the
// invoice with its payment plan, when the last payment was made, whether
// its Jira issue was deleted, its next action time and its events.
type FollowupState struct {
	Invoice      invoice.Invoice // Plan filled; no lines
	JiraDeleted  bool
	LastPaidOn   invoice.Date // the date of the latest payment; zero when none
	NextActionAt *time.Time
	Events       []FollowupEvent
	// Promise is the customer's latest promise to pay; nil when none.
	Promise *followup.Promise
}

// FollowupState reads an invoice for the engine. In a transaction it
// locks the invoice row until tx ends, so that the sweeps of several
// replicas take turns on an invoice and each sees the events the other
// recorded. An unknown or other tenant's id is remit.NotFound.
func (db *DB) FollowupState(ctx context.Context, tx *Tx, clientKey string, id int64) (FollowupState, error) {
	const op = "store.FollowupState"
	var st FollowupState
	var r dbsqlc.FollowupStateRow
	var err error
	if tx != nil {
		var locked dbsqlc.FollowupStateForUpdateRow
		locked, err = db.queries(tx).FollowupStateForUpdate(ctx, dbsqlc.FollowupStateForUpdateParams{ClientKey: clientKey, ID: id})
		r = dbsqlc.FollowupStateRow(locked)
	} else {
		r, err = db.q().FollowupState(ctx, dbsqlc.FollowupStateParams{ClientKey: clientKey, ID: id})
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return st, errNotFoundf(op, "no invoice %d", id)
	}
	if err != nil {
		return st, classify(op, err)
	}
	var c rowConv
	st.Invoice = invoice.Invoice{
		ID: r.ID, Number: r.Number, CustomerID: r.CustomerID, Customer: r.CustomerName,
		Status: invoice.Status(r.Status), Disputed: r.Disputed, Currency: money.Currency(r.Currency),
		Subtotal: c.dec(r.Subtotal), Tax: c.dec(r.Tax), TaxPercent: c.dec(r.TaxPercent), Total: c.dec(r.Total),
		Paid: c.dec(r.Paid), LateFees: c.dec(r.LateFees), IssueDate: c.date(r.IssueDate), DueDate: c.date(r.DueDate),
		IssueKey: r.IssueKey, LateFeesWaived: c.dec(r.LateFeesWaived), Credited: c.dec(r.Credited),
	}
	st.JiraDeleted, st.NextActionAt, st.LastPaidOn = r.JiraDeleted, r.NextActionAt, c.date(r.LastPaidOn)
	if c.err != nil {
		return st, classify(op, c.err)
	}
	if st.Invoice.Plan, err = db.Installments(ctx, tx, clientKey, id); err != nil {
		return st, err
	}
	if st.Events, err = db.FollowupEvents(ctx, tx, clientKey, id); err != nil {
		return st, err
	}
	if st.Promise, err = db.LatestCustomerPromise(ctx, tx, clientKey, id); err != nil {
		return st, err
	}
	return st, nil
}

// DueInvoice is an invoice with a follow-up action due.
type DueInvoice struct {
	ID           int64
	NextActionAt time.Time
}

// CountDueInvoices counts the tenant's invoices whose next action time is
// at or before asOf, up to limit (the count stops there, so a tenant
// with a huge backlog costs no more than one with limit).
func (db *DB) CountDueInvoices(ctx context.Context, clientKey string, asOf time.Time, limit int) (int, error) {
	const op = "store.CountDueInvoices"
	n, err := db.q().CountDueInvoices(ctx, dbsqlc.CountDueInvoicesParams{ClientKey: clientKey, AsOf: asOf, MaxRows: int64(limit)})
	if err != nil {
		return 0, classify(op, err)
	}
	return int(n), nil
}

// DueInvoices returns up to limit of the tenant's invoices whose next
// action time is at or before asOf, in (next action time, id) order after
// the cursor (nil = from the start). The index on (client_key,
// next_action_at, id) serves it, so a sweep reads only due invoices.
func (db *DB) DueInvoices(ctx context.Context, clientKey string, asOf time.Time, after *DueInvoice, limit int) ([]DueInvoice, error) {
	const op = "store.DueInvoices"
	if limit <= 0 || limit > 10_000 {
		limit = 500
	}
	var rows []dbsqlc.DueInvoicesRow
	var err error
	if after == nil {
		rows, err = db.q().DueInvoices(ctx, dbsqlc.DueInvoicesParams{ClientKey: clientKey, AsOf: asOf, MaxRows: int64(limit)})
	} else {
		var page []dbsqlc.DueInvoicesAfterRow
		page, err = db.q().DueInvoicesAfter(ctx, dbsqlc.DueInvoicesAfterParams{
			ClientKey: clientKey, AsOf: asOf, AfterAt: after.NextActionAt, AfterID: after.ID, MaxRows: int64(limit),
		})
		for _, r := range page {
			rows = append(rows, dbsqlc.DueInvoicesRow(r))
		}
	}
	if err != nil {
		return nil, classify(op, err)
	}
	out := make([]DueInvoice, 0, len(rows))
	for _, r := range rows {
		out = append(out, DueInvoice(r))
	}
	return out, nil
}

// SetNextActionAt stores when the engine next has something to do for
// the invoice (nil = nothing until something changes), in tx when given.
func (db *DB) SetNextActionAt(ctx context.Context, tx *Tx, clientKey string, id int64, at *time.Time) error {
	const op = "store.SetNextActionAt"
	n, err := db.queries(tx).SetNextActionAt(ctx, dbsqlc.SetNextActionAtParams{ClientKey: clientKey, ID: id, At: at})
	if err != nil {
		return classify(op, err)
	}
	if n == 0 {
		return errNotFoundf(op, "no invoice %d", id)
	}
	return nil
}

// SetInvoiceLateFees sets the late fees on an invoice the caller locked
// (InvoiceForUpdate) and records the change, before and after, in the
// audit log, in tx. The fee is part of the balance, so it shows in the
// totals, the PDF and the issue property once the sync job ran.
func (db *DB) SetInvoiceLateFees(ctx context.Context, tx *Tx, clientKey string, id int64, fee decimal.Decimal, actor, note string) error {
	const op = "store.SetInvoiceLateFees"
	if fee.IsNegative() {
		return fmt.Errorf("%s: negative fee %s", op, fee)
	}
	return db.inTx(ctx, tx, func(tx *Tx) error {
		now := db.now()
		r, err := db.queries(tx).SetInvoiceLateFees(ctx, dbsqlc.SetInvoiceLateFeesParams{
			ClientKey: clientKey, ID: id, Fee: numeric(fee), Now: now,
		})
		if errors.Is(err, pgx.ErrNoRows) {
			return errNotFoundf(op, "no invoice %d", id)
		}
		if err != nil {
			return classify(op, err)
		}
		var conv rowConv
		before := conv.dec(r.Before)
		if conv.err != nil {
			return classify(op, conv.err)
		}
		c := money.Currency(r.Currency)
		b, _ := json.Marshal(map[string]string{"lateFees": money.Format(before, c)})
		a, _ := json.Marshal(map[string]string{"lateFees": money.Format(fee, c), "note": note})
		return db.AppendAudit(ctx, tx, clientKey, AuditEntry{
			At: now, Actor: actor, Entity: "invoice", EntityID: strconv.FormatInt(id, 10), Action: "late_fee", Before: b, After: a,
		})
	})
}

package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/money"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store/internal/dbsqlc"
)

// InsertInvoice persists an issued invoice with its lines and the
// worklogs it bills, and records the creation in the audit log, all in tx
// (a nil tx runs in a transaction of its own). It sets inv.ID, CreatedAt
// and UpdatedAt; an empty Status becomes open. worklogs are exactly the
// worklogs the lines list, with Seconds as Jira reported them, kept to
// detect later changes. A worklog already on another invoice is
// remit.Conflict naming it; the caller must then roll tx back.
func (db *DB) InsertInvoice(ctx context.Context, tx *Tx, clientKey string, inv *invoice.Invoice, worklogs []invoice.Worklog, actor string) error {
	return db.insertInvoice(ctx, tx, "store.InsertInvoice", clientKey, inv, nil, worklogs, actor)
}

// InsertIssued is InsertInvoice for an invoice issued in one step: doc,
// what the invoice says as it is issued, is kept with it in the same
// statement and never changes afterwards (as FinalizeDraft keeps a
// draft's). A draft status is remit.Invalid.
func (db *DB) InsertIssued(ctx context.Context, tx *Tx, clientKey string, inv *invoice.Invoice, doc invoice.Document, worklogs []invoice.Worklog, actor string) error {
	const op = "store.InsertIssued"
	if inv.Status == invoice.StatusDraft {
		return remit.Errorf(remit.Invalid, op, "a draft has no document yet")
	}
	b, err := invoice.MarshalDocument(doc)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return db.insertInvoice(ctx, tx, op, clientKey, inv, b, worklogs, actor)
}

func (db *DB) insertInvoice(ctx context.Context, tx *Tx, op, clientKey string, inv *invoice.Invoice, doc []byte, worklogs []invoice.Worklog, actor string) error {
	if err := checkInvoiceInput(op, inv, worklogs); err != nil {
		return err
	}
	if inv.Status == "" {
		inv.Status = invoice.StatusOpen
	}
	arg := dbsqlc.InsertInvoiceParams{Document: doc,
		ClientKey: clientKey, Number: inv.Number, CustomerID: inv.CustomerID, CustomerName: inv.Customer,
		Status: string(inv.Status), Disputed: inv.Disputed, NeedsReview: inv.NeedsReview,
		Currency: string(inv.Currency), Subtotal: numeric(inv.Subtotal), Tax: numeric(inv.Tax),
		TaxPercent: numeric(inv.TaxPercent), Total: numeric(inv.Total), Paid: numeric(inv.Paid),
		LateFees: numeric(inv.LateFees), IssueDate: pgDate(inv.IssueDate), DueDate: pgDate(inv.DueDate),
		PeriodStart: pgDate(inv.Period.Start), PeriodEnd: pgDate(inv.Period.End), CreatedBy: actor, Now: db.now(),
	}
	setLineArrays(&arg, inv.Lines)
	return db.inTx(ctx, tx, func(tx *Tx) error {
		row, err := db.queries(tx).InsertInvoice(ctx, arg)
		if err != nil {
			return classify(op, err)
		}
		inv.ID, inv.CreatedAt, inv.UpdatedAt = row.ID, row.CreatedAt, row.UpdatedAt
		if err := copyBilled(ctx, tx, clientKey, inv.ID, worklogs); err != nil {
			if remit.IsKind(err, remit.Conflict) {
				return db.alreadyBilled(ctx, tx, op, clientKey, inv.ID, worklogs)
			}
			return fmt.Errorf("%s: %w", op, err)
		}
		after, err := json.Marshal(invoiceDocOf(inv, len(worklogs)))
		if err != nil {
			return fmt.Errorf("%s: encode audit: %w", op, err)
		}
		return db.AppendAudit(ctx, tx, clientKey, AuditEntry{
			At: inv.CreatedAt, Actor: actor, Entity: "invoice", EntityID: strconv.FormatInt(inv.ID, 10),
			Action: "create", After: after,
		})
	})
}

// BilledWorklogs reports which of worklogIDs are on a non-void invoice of
// the tenant, as worklog id -> invoice id, so invoice generation can leave
// them out (SPEC §4 step 2).
func (db *DB) BilledWorklogs(ctx context.Context, clientKey string, worklogIDs []int64) (map[int64]int64, error) {
	const op = "store.BilledWorklogs"
	out := map[int64]int64{}
	if len(worklogIDs) == 0 {
		return out, nil
	}
	rows, err := db.q().BilledWorklogs(ctx, dbsqlc.BilledWorklogsParams{ClientKey: clientKey, WorklogIds: worklogIDs})
	if err != nil {
		return nil, classify(op, err)
	}
	for _, r := range rows {
		out[r.WorklogID] = r.InvoiceID
	}
	return out, nil
}

// alreadyBilled builds the Conflict for worklogs another invoice holds.
func (db *DB) alreadyBilled(ctx context.Context, tx *Tx, op, clientKey string, self int64, worklogs []invoice.Worklog) error {
	ids := make([]int64, len(worklogs))
	for i, w := range worklogs {
		ids[i] = w.ID
	}
	rows, err := db.queries(tx).BilledElsewhere(ctx, dbsqlc.BilledElsewhereParams{ClientKey: clientKey, WorklogIds: ids, InvoiceID: self})
	if err != nil {
		return classify(op, err)
	}
	var clashes []string
	for _, r := range rows {
		clashes = append(clashes, fmt.Sprintf("worklog %d is already billed on invoice %s", r.WorklogID, r.Number))
	}
	msg := "some worklogs are already billed"
	if len(clashes) > 0 {
		msg = clashes[0]
		if len(clashes) > 1 {
			msg += fmt.Sprintf(" (and %d more)", len(clashes)-1)
		}
	}
	return remit.Errorf(remit.Conflict, op, "%s", msg)
}

// checkInvoiceInput refuses an invoice whose lines and worklogs disagree:
// billed_worklogs must hold exactly the worklogs the lines list, or a
// void would release the wrong ones.
func checkInvoiceInput(op string, inv *invoice.Invoice, worklogs []invoice.Worklog) error {
	fields := map[string]string{}
	if strings.TrimSpace(inv.Number) == "" && inv.Status != invoice.StatusDraft {
		fields["number"] = "is required" // only a draft has none yet
	}
	if !inv.Currency.Valid() {
		fields["currency"] = "must be an ISO 4217 currency code"
	}
	if len(inv.Lines) == 0 {
		fields["lines"] = "an invoice needs at least one line"
	}
	onLines := make(map[int64]bool, len(worklogs))
	for _, l := range inv.Lines {
		for _, id := range l.WorklogIDs {
			if onLines[id] {
				fields["lines"] = fmt.Sprintf("worklog %d is on two lines", id)
			}
			onLines[id] = true
		}
	}
	seen := make(map[int64]bool, len(worklogs))
	for _, w := range worklogs {
		if seen[w.ID] || !onLines[w.ID] {
			fields["worklogs"] = fmt.Sprintf("worklog %d is repeated or on no line", w.ID)
		}
		seen[w.ID] = true
	}
	if len(seen) != len(onLines) {
		fields["worklogs"] = "must be exactly the worklogs the lines list"
	}
	if len(fields) > 0 {
		return remit.FieldErrors(remit.Invalid, op, "inconsistent invoice", fields)
	}
	return nil
}

// setLineArrays passes lines to InsertInvoice as its parallel arrays.
func setLineArrays(arg *dbsqlc.InsertInvoiceParams, lines []invoice.Line) {
	n := len(lines)
	keys, ids, descs, wls := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	secs := make([]int64, n)
	hours, rates, amounts := make([]decimal.Decimal, n), make([]decimal.Decimal, n), make([]decimal.Decimal, n)
	var b []byte
	for i, l := range lines {
		keys[i], ids[i], descs[i], secs[i] = l.IssueKey, l.IssueID, l.Description, l.Seconds
		hours[i], rates[i], amounts[i] = l.Hours, l.Rate, l.Amount
		b = append(b[:0], '{')
		for j, id := range l.WorklogIDs {
			if j > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendInt(b, id, 10)
		}
		wls[i] = string(append(b, '}'))
	}
	arg.IssueKeys, arg.IssueIds, arg.Descriptions, arg.Seconds = keys, ids, descs, secs
	arg.Hours, arg.Rates, arg.Amounts, arg.WorklogIds = numerics(hours), numerics(rates), numerics(amounts), wls
}

// copyBilled records the billed worklogs with COPY, several times faster
// than an INSERT for 10,000 rows (the generated CopyBilledWorklogs). It runs under a savepoint so that a
// worklog already billed (the primary key refuses it) leaves the
// transaction usable for finding out which one; that case is Conflict.
func copyBilled(ctx context.Context, tx *Tx, clientKey string, invoiceID int64, worklogs []invoice.Worklog) error {
	sp, err := tx.pgx.Begin(ctx)
	if err != nil {
		return err
	}
	rows := make([]dbsqlc.CopyBilledWorklogsParams, len(worklogs))
	for i, w := range worklogs {
		rows[i] = dbsqlc.CopyBilledWorklogsParams{ClientKey: clientKey, WorklogID: w.ID, InvoiceID: invoiceID, IssueID: w.IssueID, Seconds: w.Seconds}
	}
	_, err = dbsqlc.New(sp).CopyBilledWorklogs(ctx, rows)
	if err != nil {
		_ = sp.Rollback(ctx)
		return classify("copy billed worklogs", err)
	}
	return sp.Commit(ctx)
}

// invoiceDoc is an invoice as the audit log records it: the headline
// facts, not every line (the lines never change after issue).
type invoiceDoc struct {
	Number      string `json:"number"`
	CustomerID  int64  `json:"customerId"`
	Customer    string `json:"customer"`
	Status      string `json:"status"`
	Currency    string `json:"currency"`
	Subtotal    string `json:"subtotal"`
	Tax         string `json:"tax"`
	Total       string `json:"total"`
	IssueDate   string `json:"issueDate"`
	DueDate     string `json:"dueDate"`
	PeriodStart string `json:"periodStart"`
	PeriodEnd   string `json:"periodEnd"`
	Lines       int    `json:"lines"`
	Worklogs    int    `json:"worklogs"`
}

func invoiceDocOf(inv *invoice.Invoice, worklogs int) invoiceDoc {
	return invoiceDoc{
		Number: inv.Number, CustomerID: inv.CustomerID, Customer: inv.Customer, Status: string(inv.Status),
		Currency: string(inv.Currency), Subtotal: money.Format(inv.Subtotal, inv.Currency),
		Tax: money.Format(inv.Tax, inv.Currency), Total: money.Format(inv.Total, inv.Currency),
		IssueDate: inv.IssueDate.String(), DueDate: inv.DueDate.String(),
		PeriodStart: inv.Period.Start.String(), PeriodEnd: inv.Period.End.String(),
		Lines: len(inv.Lines), Worklogs: worklogs,
	}
}

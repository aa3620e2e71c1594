package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/money"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store/internal/dbsqlc"
)

// insertInvoiceSQL writes an invoice and its lines in one statement. Lines
// arrive as parallel arrays; each line's worklog ids travel as one array
// literal in a text[] because SQL arrays cannot be ragged. The billed
// worklogs follow by COPY (see InsertInvoice).
const insertInvoiceSQL = `
WITH inv AS (
	INSERT INTO invoices (client_key, number, customer_id, customer_name, status, disputed, needs_review,
		currency, subtotal, tax, tax_percent, total, paid, late_fees,
		issue_date, due_date, period_start, period_end, created_by, created_at, updated_at)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20)
	RETURNING id, created_at, updated_at
), lines AS (
	INSERT INTO invoice_lines (client_key, invoice_id, position, issue_key, issue_id, description,
		seconds, hours, rate, amount, worklog_ids)
	SELECT $1, inv.id, l.pos, l.issue_key, l.issue_id, l.description,
		l.seconds, l.hours, l.rate, l.amount, l.worklog_ids::bigint[]
	FROM inv, unnest($21::text[], $22::text[], $23::text[], $24::bigint[], $25::numeric[], $26::numeric[],
		$27::numeric[], $28::text[]) WITH ORDINALITY
		AS l(issue_key, issue_id, description, seconds, hours, rate, amount, worklog_ids, pos)
)
SELECT inv.id, inv.created_at, inv.updated_at FROM inv`

// InsertInvoice persists an issued invoice with its lines and the
// worklogs it bills, and records the creation in the audit log, all in tx
// (a nil tx runs in a transaction of its own). It sets inv.ID, CreatedAt
// and UpdatedAt; an empty Status becomes open. worklogs are exactly the
// worklogs the lines list, with Seconds as Jira reported them, kept to
// detect later changes. A worklog already on another invoice is
// remit.Conflict naming it; the caller must then roll tx back.
func (db *DB) InsertInvoice(ctx context.Context, tx *Tx, clientKey string, inv *invoice.Invoice, worklogs []invoice.Worklog, actor string) error {
	const op = "store.InsertInvoice"
	if err := checkInvoiceInput(op, inv, worklogs); err != nil {
		return err
	}
	if inv.Status == "" {
		inv.Status = invoice.StatusOpen
	}
	args := []any{
		clientKey, inv.Number, inv.CustomerID, inv.Customer, string(inv.Status), inv.Disputed, inv.NeedsReview,
		string(inv.Currency), numeric(inv.Subtotal), numeric(inv.Tax), numeric(inv.TaxPercent), numeric(inv.Total),
		numeric(inv.Paid), numeric(inv.LateFees),
		pgDate(inv.IssueDate), pgDate(inv.DueDate), pgDate(inv.Period.Start), pgDate(inv.Period.End), actor, db.now(),
	}
	args = append(args, lineArrays(inv.Lines)...)
	return db.inTx(ctx, tx, func(tx *Tx) error {
		err := tx.pgx.QueryRow(ctx, insertInvoiceSQL, args...).Scan(&inv.ID, &inv.CreatedAt, &inv.UpdatedAt)
		if err != nil {
			return classify(op, err)
		}
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
	rows, err := tx.pgx.Query(ctx, `
		SELECT b.worklog_id, i.number FROM billed_worklogs b
		JOIN invoices i ON i.client_key = b.client_key AND i.id = b.invoice_id
		WHERE b.client_key = $1 AND b.worklog_id = ANY($2) AND b.invoice_id <> $3
		ORDER BY b.worklog_id`, clientKey, ids, self)
	if err != nil {
		return classify(op, err)
	}
	var clashes []string
	var wl int64
	var number string
	_, err = pgx.ForEachRow(rows, []any{&wl, &number}, func() error {
		clashes = append(clashes, fmt.Sprintf("worklog %d is already billed on invoice %s", wl, number))
		return nil
	})
	if err != nil {
		return classify(op, err)
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

// lineArrays turns lines into the parallel arrays $21..$28 of insertInvoiceSQL.
func lineArrays(lines []invoice.Line) []any {
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
	return []any{keys, ids, descs, secs, numerics(hours), numerics(rates), numerics(amounts), wls}
}

// copyBilled records the billed worklogs with COPY, several times faster
// than an INSERT for 10,000 rows. It runs under a savepoint so that a
// worklog already billed (the primary key refuses it) leaves the
// transaction usable for finding out which one; that case is Conflict.
func copyBilled(ctx context.Context, tx *Tx, clientKey string, invoiceID int64, worklogs []invoice.Worklog) error {
	sp, err := tx.pgx.Begin(ctx)
	if err != nil {
		return err
	}
	_, err = sp.CopyFrom(ctx, pgx.Identifier{"billed_worklogs"}, []string{"client_key", "worklog_id", "invoice_id", "issue_id", "seconds"},
		pgx.CopyFromSlice(len(worklogs), func(i int) ([]any, error) {
			w := worklogs[i]
			return []any{clientKey, w.ID, invoiceID, w.IssueID, w.Seconds}, nil
		}))
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

package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/money"
	"github.com/remitapp/remit/internal/remit"
)

// invoiceColumns is the column list scanInvoice reads.
const invoiceColumns = `id, number, customer_id, customer_name, status, disputed, needs_review, currency,
	subtotal, tax, tax_percent, total, paid, late_fees, issue_date, due_date, period_start, period_end,
	coalesce(jira_issue_key, ''), created_at, updated_at`

// InvoiceFilter narrows ListInvoices; the zero value lists everything.
type InvoiceFilter struct {
	Status     []invoice.Status // any of these; empty = every status
	CustomerID int64            // 0 = every customer
	// OverdueOn keeps invoices overdue on that date: open or partially
	// paid, a balance left, and due before it (see invoice.Overdue).
	OverdueOn *invoice.Date
}

// Invoice returns one of the tenant's invoices with its lines. An unknown
// or other tenant's id is remit.NotFound.
func (db *DB) Invoice(ctx context.Context, clientKey string, id int64) (invoice.Invoice, error) {
	const op = "store.Invoice"
	return db.invoiceWithLines(ctx, op, clientKey, `client_key = $1 AND id = $2`, id)
}

// InvoiceByIssueKey returns the invoice behind an invoice issue in Jira,
// with its lines, for the invoice issue panel. remit.NotFound when no
// invoice of the tenant has that issue.
func (db *DB) InvoiceByIssueKey(ctx context.Context, clientKey, issueKey string) (invoice.Invoice, error) {
	const op = "store.InvoiceByIssueKey"
	return db.invoiceWithLines(ctx, op, clientKey, `client_key = $1 AND jira_issue_key = $2`, issueKey)
}

// InvoiceForUpdate reads an invoice and locks its row until tx ends, so
// that state changes (payments, void, late fees) on one invoice take
// turns. Lines are not loaded: no state change needs them.
func (db *DB) InvoiceForUpdate(ctx context.Context, tx pgx.Tx, clientKey string, id int64) (invoice.Invoice, error) {
	const op = "store.InvoiceForUpdate"
	if tx == nil {
		return invoice.Invoice{}, remit.Errorf(remit.Internal, op, "a row lock needs a transaction")
	}
	inv, err := scanInvoice(tx.QueryRow(ctx, `SELECT `+invoiceColumns+`
		FROM invoices WHERE client_key = $1 AND id = $2 FOR UPDATE`, clientKey, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return invoice.Invoice{}, errNotFoundf(op, "no invoice %d", id)
	}
	if err != nil {
		return invoice.Invoice{}, classify(op, err)
	}
	return inv, nil
}

// ListInvoices returns one page of the tenant's invoices, newest first,
// without lines, and the cursor of the next page ("" on the last page).
// A cursor that did not come from this method is remit.Invalid.
func (db *DB) ListInvoices(ctx context.Context, clientKey string, f InvoiceFilter, page Page) ([]invoice.Invoice, string, error) {
	const op = "store.ListInvoices"
	before, ok, err := page.afterID(op)
	if err != nil {
		return nil, "", err
	}
	limit := page.limit()
	where := []string{"client_key = $1"}
	args := []any{clientKey}
	add := func(cond string, arg any) {
		args = append(args, arg)
		where = append(where, strings.ReplaceAll(cond, "$?", fmt.Sprintf("$%d", len(args))))
	}
	if ok {
		add("id < $?", before)
	}
	if len(f.Status) > 0 {
		statuses := make([]string, len(f.Status))
		for i, s := range f.Status {
			statuses[i] = string(s)
		}
		add("status = ANY($?)", statuses)
	}
	if f.CustomerID != 0 {
		add("customer_id = $?", f.CustomerID)
	}
	if f.OverdueOn != nil {
		add("status IN ('open', 'partially_paid') AND total + late_fees - paid > 0 AND due_date < $?", pgDate(*f.OverdueOn))
	}
	args = append(args, limit+1)
	rows, err := db.pool.Query(ctx, fmt.Sprintf(`SELECT %s FROM invoices WHERE %s ORDER BY id DESC LIMIT $%d`,
		invoiceColumns, strings.Join(where, " AND "), len(args)), args...)
	if err != nil {
		return nil, "", classify(op, err)
	}
	items, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (invoice.Invoice, error) {
		return scanInvoice(row)
	})
	if err != nil {
		return nil, "", classify(op, err)
	}
	items, next := pageOf(items, limit, func(inv invoice.Invoice) int64 { return inv.ID })
	return items, next, nil
}

// invoiceWithLines reads the invoice matching where ($1 is the tenant,
// $2 is arg) and its lines in position order.
func (db *DB) invoiceWithLines(ctx context.Context, op, clientKey, where string, arg any) (invoice.Invoice, error) {
	inv, err := scanInvoice(db.pool.QueryRow(ctx, `SELECT `+invoiceColumns+` FROM invoices WHERE `+where, clientKey, arg))
	if errors.Is(err, pgx.ErrNoRows) {
		return invoice.Invoice{}, errNotFoundf(op, "no invoice %v", arg)
	}
	if err != nil {
		return invoice.Invoice{}, classify(op, err)
	}
	rows, err := db.pool.Query(ctx, `
		SELECT issue_key, issue_id, description, seconds, hours, rate, amount, worklog_ids
		FROM invoice_lines WHERE client_key = $1 AND invoice_id = $2 ORDER BY position`, clientKey, inv.ID)
	if err != nil {
		return invoice.Invoice{}, classify(op, err)
	}
	inv.Lines, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (invoice.Line, error) {
		var l invoice.Line
		err := row.Scan(&l.IssueKey, &l.IssueID, &l.Description, &l.Seconds, dec(&l.Hours), dec(&l.Rate), dec(&l.Amount), &l.WorklogIDs)
		return l, err
	})
	if err != nil {
		return invoice.Invoice{}, classify(op, err)
	}
	return inv, nil
}

// scanInvoice reads one row of invoiceColumns.
func scanInvoice(row pgx.Row) (invoice.Invoice, error) {
	var inv invoice.Invoice
	var status, currency string
	err := row.Scan(&inv.ID, &inv.Number, &inv.CustomerID, &inv.Customer, &status, &inv.Disputed, &inv.NeedsReview, &currency,
		dec(&inv.Subtotal), dec(&inv.Tax), dec(&inv.TaxPercent), dec(&inv.Total), dec(&inv.Paid), dec(&inv.LateFees),
		date(&inv.IssueDate), date(&inv.DueDate), date(&inv.Period.Start), date(&inv.Period.End),
		&inv.IssueKey, &inv.CreatedAt, &inv.UpdatedAt)
	inv.Status, inv.Currency = invoice.Status(status), money.Currency(currency)
	return inv, err
}

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
	"github.com/remitapp/remit/internal/store/internal/dbsqlc"
)

// invoiceColumns is the column list scanInvoice reads: ListInvoices,
// whose WHERE clause is built at run time and so cannot be a generated
// query, is the one statement that still selects it by hand.
const invoiceColumns = `id, number, customer_id, customer_name, status, disputed, needs_review, currency,
	subtotal, tax, tax_percent, total, paid, late_fees, issue_date, due_date, period_start, period_end,
	coalesce(jira_issue_key, ''), created_at, updated_at, late_fees_waived, credited`

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
	row, err := db.q().Invoice(ctx, dbsqlc.InvoiceParams{ClientKey: clientKey, ID: id})
	return db.withLines(ctx, op, clientKey, dbsqlc.InvoiceByIssueKeyRow(row), err, id)
}

// InvoiceByIssueKey returns the invoice behind an invoice issue in Jira,
// with its lines, for the invoice issue panel. remit.NotFound when no
// invoice of the tenant has that issue.
func (db *DB) InvoiceByIssueKey(ctx context.Context, clientKey, issueKey string) (invoice.Invoice, error) {
	const op = "store.InvoiceByIssueKey"
	row, err := db.q().InvoiceByIssueKey(ctx, dbsqlc.InvoiceByIssueKeyParams{ClientKey: clientKey, IssueKey: issueKey})
	return db.withLines(ctx, op, clientKey, row, err, issueKey)
}

// InvoiceForUpdate reads an invoice and locks its row until tx ends, so
// that state changes (payments, void, late fees) on one invoice take
// turns. Lines are not loaded: no state change needs them.
func (db *DB) InvoiceForUpdate(ctx context.Context, tx *Tx, clientKey string, id int64) (invoice.Invoice, error) {
	const op = "store.InvoiceForUpdate"
	if tx == nil {
		return invoice.Invoice{}, remit.Errorf(remit.Internal, op, "a row lock needs a transaction")
	}
	row, err := db.queries(tx).InvoiceForUpdate(ctx, dbsqlc.InvoiceForUpdateParams{ClientKey: clientKey, ID: id})
	if errors.Is(err, pgx.ErrNoRows) {
		return invoice.Invoice{}, errNotFoundf(op, "no invoice %d", id)
	}
	if err != nil {
		return invoice.Invoice{}, classify(op, err)
	}
	inv, err := invoiceOf(dbsqlc.InvoiceByIssueKeyRow(row))
	if err != nil {
		return invoice.Invoice{}, classify(op, err)
	}
	return inv, nil
}

// ListInvoices returns one page of the tenant's invoices, newest first,
// without lines, and the cursor of the next page ("" on the last page).
// A cursor that did not come from this method is remit.Invalid. Its SQL
// stays hand-written: the filters build the WHERE clause at run time.
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
		add("status IN ('open', 'partially_paid') AND total + late_fees - late_fees_waived - credited - paid > 0 AND due_date < $?", pgDate(*f.OverdueOn))
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

// withLines converts the invoice row read by Invoice or InvoiceByIssueKey
// (err is the read's error, key what it looked for) and adds its lines in
// position order.
func (db *DB) withLines(ctx context.Context, op, clientKey string, row dbsqlc.InvoiceByIssueKeyRow, err error, key any) (invoice.Invoice, error) {
	if errors.Is(err, pgx.ErrNoRows) {
		return invoice.Invoice{}, errNotFoundf(op, "no invoice %v", key)
	}
	if err != nil {
		return invoice.Invoice{}, classify(op, err)
	}
	inv, err := invoiceOf(row)
	if err != nil {
		return invoice.Invoice{}, classify(op, err)
	}
	lines, err := db.q().InvoiceLines(ctx, dbsqlc.InvoiceLinesParams{ClientKey: clientKey, InvoiceID: inv.ID})
	if err != nil {
		return invoice.Invoice{}, classify(op, err)
	}
	inv.Lines = make([]invoice.Line, 0, len(lines))
	var c rowConv
	for _, l := range lines {
		inv.Lines = append(inv.Lines, invoice.Line{
			IssueKey: l.IssueKey, IssueID: l.IssueID, Description: l.Description, Seconds: l.Seconds,
			Hours: c.dec(l.Hours), Rate: c.dec(l.Rate), Amount: c.dec(l.Amount), WorklogIDs: l.WorklogIds,
		})
	}
	if c.err != nil {
		return invoice.Invoice{}, classify(op, c.err)
	}
	return inv, nil
}

// invoiceOf converts an invoice row without its lines (Invoice,
// InvoiceByIssueKey and InvoiceForUpdate select the same columns).
func invoiceOf(r dbsqlc.InvoiceByIssueKeyRow) (invoice.Invoice, error) {
	var c rowConv
	inv := invoice.Invoice{
		ID: r.ID, Number: r.Number, CustomerID: r.CustomerID, Customer: r.CustomerName,
		Status: invoice.Status(r.Status), Disputed: r.Disputed, NeedsReview: r.NeedsReview,
		Currency: money.Currency(r.Currency), Subtotal: c.dec(r.Subtotal), Tax: c.dec(r.Tax),
		TaxPercent: c.dec(r.TaxPercent), Total: c.dec(r.Total), Paid: c.dec(r.Paid), LateFees: c.dec(r.LateFees),
		IssueDate: c.date(r.IssueDate), DueDate: c.date(r.DueDate),
		Period:   invoice.Period{Start: c.date(r.PeriodStart), End: c.date(r.PeriodEnd)},
		IssueKey: r.IssueKey, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		LateFeesWaived: c.dec(r.LateFeesWaived), Credited: c.dec(r.Credited),
	}
	return inv, c.err
}

// scanInvoice reads one row of invoiceColumns.
func scanInvoice(row pgx.Row) (invoice.Invoice, error) {
	var inv invoice.Invoice
	var status, currency string
	err := row.Scan(&inv.ID, &inv.Number, &inv.CustomerID, &inv.Customer, &status, &inv.Disputed, &inv.NeedsReview, &currency,
		dec(&inv.Subtotal), dec(&inv.Tax), dec(&inv.TaxPercent), dec(&inv.Total), dec(&inv.Paid), dec(&inv.LateFees),
		date(&inv.IssueDate), date(&inv.DueDate), date(&inv.Period.Start), date(&inv.Period.End),
		&inv.IssueKey, &inv.CreatedAt, &inv.UpdatedAt, dec(&inv.LateFeesWaived), dec(&inv.Credited))
	inv.Status, inv.Currency = invoice.Status(status), money.Currency(currency)
	return inv, err
}

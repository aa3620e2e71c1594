package billing

import (
	"context"
	"fmt"
	"slices"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/jira"
	"github.com/remitapp/remit/internal/jirasync"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// GenerateRequest asks for an invoice of one customer's work in a period.
// IssueDate defaults to today in the tenant's zone, DueDate to the issue
// date plus the customer's (else the tenant's) payment terms.
type GenerateRequest struct {
	CustomerID int64
	Period     invoice.Period
	IssueDate  invoice.Date
	DueDate    invoice.Date
}

// Draft is an invoice computed but not saved, with what it bills.
type Draft struct {
	Invoice       invoice.Invoice
	Worklogs      []invoice.Worklog
	AlreadyBilled int // worklogs in the period left out because another invoice bills them
	Stats         jira.WorklogStats
}

// maxPeriodDays bounds one invoice's period, which bounds one preview's work.
const maxPeriodDays = 366

// Preview computes the invoice a Create with the same request would make,
// and saves nothing.
func (s *Service) Preview(ctx context.Context, a Actor, req GenerateRequest) (Draft, error) {
	set, err := s.configured(ctx, a.Tenant)
	if err != nil {
		return Draft{}, err
	}
	if err := s.requireManage(ctx, a, set.BillingProjectKey); err != nil {
		return Draft{}, err
	}
	return s.draft(ctx, a, set, req)
}

func (s *Service) draft(ctx context.Context, a Actor, set invoice.Settings, req GenerateRequest) (Draft, error) {
	const op = "billing.Preview"
	if req.Period.End.Before(req.Period.Start) {
		return Draft{}, remit.FieldErrors(remit.Unprocessable, op, "the period is not valid", map[string]string{"periodEnd": "must not be before periodStart"})
	}
	if req.Period.Start.DaysUntil(req.Period.End) >= maxPeriodDays {
		return Draft{}, remit.FieldErrors(remit.Unprocessable, op, "the period is not valid", map[string]string{"periodEnd": "a period may span at most 366 days"})
	}
	cust, err := s.DB.Customer(ctx, a.Tenant.ClientKey, req.CustomerID)
	if err != nil {
		return Draft{}, err
	}
	loc := set.Location()
	today := invoice.DateOf(s.Now().In(loc))
	issue := req.IssueDate
	if issue.IsZero() {
		issue = today
	}
	due := req.DueDate
	if due.IsZero() {
		due = issue.AddDays(cust.TermsDays(set))
	}
	if due.Before(issue) {
		return Draft{}, remit.FieldErrors(remit.Unprocessable, op, "the dates are not valid", map[string]string{"dueDate": "must not be before issueDate"})
	}

	c, err := s.Jira.For(a.Tenant)
	if err != nil {
		return Draft{}, err
	}
	from, to := req.Period.Bounds(loc)
	jql := "(" + cust.JQL + ") AND (" + set.BillableJQL + ")"
	wls, stats, err := c.Worklogs(ctx, jira.WorklogQuery{JQL: jql, From: from, To: to})
	if apiErr, ok := jira.AsAPIError(err); ok && apiErr.Status == 400 {
		return Draft{}, remit.FieldErrors(remit.Unprocessable, op, "Jira rejected the customer's JQL", map[string]string{"customerId": apiErr.Summary()})
	}
	if err != nil {
		return Draft{}, err
	}
	ids := make([]int64, len(wls))
	for i, w := range wls {
		ids[i] = w.ID
	}
	billed, err := s.DB.BilledWorklogs(ctx, a.Tenant.ClientKey, ids)
	if err != nil {
		return Draft{}, err
	}
	// Remit reads Jira as the app, which sees every project; what it shows
	// a person is limited to the projects that person may browse (SPEC §3).
	if err := s.requireBrowseAll(ctx, a, wls); err != nil {
		return Draft{}, err
	}
	fresh := slices.DeleteFunc(wls, func(w invoice.Worklog) bool { _, ok := billed[w.ID]; return ok })
	if len(fresh) == 0 {
		msg := fmt.Sprintf("%s has no unbilled work between %s and %s", cust.Name, req.Period.Start, req.Period.End)
		if len(billed) > 0 {
			msg += fmt.Sprintf(" (%d worklogs are already on other invoices)", len(billed))
		}
		return Draft{}, remit.Errorf(remit.Unprocessable, op, "%s", msg)
	}
	lines, totals := invoice.BuildLines(&cust, set.RoundingMinutes, fresh)
	inv := invoice.Invoice{
		CustomerID: cust.ID, Customer: cust.Name, Status: invoice.StatusOpen, Currency: cust.Currency,
		Subtotal: totals.Subtotal, Tax: totals.Tax, TaxPercent: cust.TaxRatePercent, Total: totals.Total,
		IssueDate: issue, DueDate: due, Period: req.Period, Lines: lines,
	}
	// The totals are the document's, under the customer's tax category,
	// so the preview shows what the issued invoice will say.
	if err := priceDraft(&inv, invoice.TimeItems(lines, &cust), invoice.Discount{}, &cust); err != nil {
		return Draft{}, err
	}
	return Draft{Invoice: inv, Worklogs: fresh, AlreadyBilled: len(billed), Stats: stats}, nil
}

// Create computes the invoice and saves it, its lines, the worklogs it
// bills and the job that creates its Jira issue, in one transaction. The
// number comes from the tenant's sequence row, locked in that transaction,
// so numbers have no gaps and no duplicates however many creates race.
func (s *Service) Create(ctx context.Context, a Actor, req GenerateRequest) (invoice.Invoice, error) {
	set, err := s.configured(ctx, a.Tenant)
	if err != nil {
		return invoice.Invoice{}, err
	}
	if err := s.requireManage(ctx, a, set.BillingProjectKey); err != nil {
		return invoice.Invoice{}, err
	}
	d, err := s.draft(ctx, a, set, req)
	if err != nil {
		return invoice.Invoice{}, err
	}
	cust, err := s.DB.Customer(ctx, a.Tenant.ClientKey, req.CustomerID)
	if err != nil {
		return invoice.Invoice{}, err
	}
	pol, _, err := s.DB.GetPolicy(ctx, a.Tenant.ClientKey)
	if err != nil {
		return invoice.Invoice{}, err
	}
	inv := d.Invoice
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		seq, err := s.DB.NextInvoiceNumber(ctx, tx, a.Tenant.ClientKey, invoice.NumberScope(set.NumberFormat, inv.IssueDate))
		if err != nil {
			return err
		}
		if inv.Number, err = invoice.FormatNumber(set.NumberFormat, inv.IssueDate, seq); err != nil {
			return err
		}
		// What the invoice says is kept as it is issued, as Finalize
		// keeps it, so a later change of settings or customer does not
		// rewrite it.
		doc, err := invoice.Snapshot(invoice.IssueInput{
			Settings: set, Customer: cust, Number: inv.Number, IssueDate: inv.IssueDate, DueDate: inv.DueDate,
			Period: inv.Period, Lines: invoice.TimeItems(inv.Lines, &cust),
			LatePaymentTerms: LatePaymentTerms(pol.LateFee.ForCustomer(cust.LateFeePolicy), cust.Currency),
		})
		if err != nil {
			return err
		}
		if err := s.DB.InsertIssued(ctx, tx, a.Tenant.ClientKey, &inv, doc, d.Worklogs, a.Name()); err != nil {
			return err
		}
		if err := s.reschedule(ctx, tx, a.Tenant.ClientKey, inv.ID); err != nil {
			return err
		}
		_, err = tx.Enqueue(ctx, jirasync.SyncArgs{ClientKey: a.Tenant.ClientKey, InvoiceID: inv.ID}, nil)
		return err
	})
	if remit.IsKind(err, remit.Conflict) {
		// Another invoice billed some of these worklogs between our read and our write.
		return invoice.Invoice{}, remit.Errorf(remit.Unprocessable, "billing.Create", "some of this work was billed by another invoice meanwhile; preview again")
	}
	if err != nil {
		return invoice.Invoice{}, err
	}
	s.Logger.InfoContext(ctx, "invoice created", "client_key", a.Tenant.ClientKey, "invoice_id", inv.ID,
		"number", inv.Number, "worklogs", len(d.Worklogs), "jira_requests", d.Stats.Requests)
	return inv, nil // exactly what was committed; no need to read it back
}

// Invoice returns one invoice with its lines.
func (s *Service) Invoice(ctx context.Context, a Actor, id int64) (invoice.Invoice, error) {
	set, err := s.configured(ctx, a.Tenant)
	if err != nil {
		return invoice.Invoice{}, err
	}
	if err := s.requireRead(ctx, a, set.BillingProjectKey); err != nil {
		return invoice.Invoice{}, err
	}
	return s.DB.Invoice(ctx, a.Tenant.ClientKey, id)
}

// InvoiceByIssue returns the invoice behind an invoice issue.
func (s *Service) InvoiceByIssue(ctx context.Context, a Actor, issueKey string) (invoice.Invoice, error) {
	set, err := s.configured(ctx, a.Tenant)
	if err != nil {
		return invoice.Invoice{}, err
	}
	if err := s.requireRead(ctx, a, set.BillingProjectKey); err != nil {
		return invoice.Invoice{}, err
	}
	return s.DB.InvoiceByIssueKey(ctx, a.Tenant.ClientKey, issueKey)
}

// Invoices lists invoices, newest first.
func (s *Service) Invoices(ctx context.Context, a Actor, f store.InvoiceFilter, page store.Page) ([]invoice.Invoice, string, error) {
	set, err := s.configured(ctx, a.Tenant)
	if err != nil {
		return nil, "", err
	}
	if err := s.requireRead(ctx, a, set.BillingProjectKey); err != nil {
		return nil, "", err
	}
	return s.DB.ListInvoices(ctx, a.Tenant.ClientKey, f, page)
}

// Today is the current date in the tenant's zone (for overdue figures).
func (s *Service) Today(ctx context.Context, t remit.Tenant) (invoice.Date, error) {
	set, ok, err := s.DB.GetSettings(ctx, t.ClientKey)
	if err != nil {
		return invoice.Date{}, err
	}
	if !ok {
		set = invoice.DefaultSettings()
	}
	return invoice.DateOf(s.Now().In(set.Location())), nil
}

// Void voids an open invoice and releases its worklogs for re-billing.
func (s *Service) Void(ctx context.Context, a Actor, id int64) (invoice.Invoice, error) {
	return s.change(ctx, a, id, func(tx *store.Tx, inv invoice.Invoice) error {
		if !inv.Open() || inv.Paid.IsPositive() {
			return remit.Errorf(remit.Unprocessable, "billing.Void", "invoice %s is %s with %s paid; only an unpaid open invoice can be voided (write it off instead)",
				inv.Number, inv.Status, inv.Paid.StringFixed(inv.Currency.Exponent()))
		}
		return s.DB.VoidInvoice(ctx, tx, a.Tenant.ClientKey, id, a.Name())
	})
}

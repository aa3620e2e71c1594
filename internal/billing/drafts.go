package billing

import (
	"context"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/jirasync"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// A draft (SPEC §4 "Lifecycle of a document") is an invoice being
// prepared: it holds its worklogs, so no other invoice bills them, but it
// has no number, no Jira issue and no follow-ups, and nobody receives it.
// Its lines and discount can change until it is finalized; then it takes
// its number and issue date, and what it says is kept as an
// invoice.Document that never changes again.

// DraftEdit replaces a draft's written lines and its discount. The time
// lines made from worklogs stay as they are.
type DraftEdit struct {
	Lines    []invoice.LineItemInput
	Discount invoice.DiscountInput
}

// FinalizeRequest is the issue date (zero = today in the tenant's zone)
// and due date (zero = issue date + the customer's terms) of a draft
// being finalized.
type FinalizeRequest struct {
	IssueDate invoice.Date
	DueDate   invoice.Date
}

// CreateDraft computes the invoice of req's period and saves it as a
// draft with the worklogs it bills, in one transaction: nothing is
// numbered, sent or synchronised to Jira.
func (s *Service) CreateDraft(ctx context.Context, a Actor, req GenerateRequest) (invoice.Invoice, error) {
	const op = "billing.CreateDraft"
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
	inv := d.Invoice
	inv.Status, inv.Number = invoice.StatusDraft, ""
	items := invoice.TimeItems(inv.Lines, &cust)
	if err := priceDraft(&inv, items, invoice.Discount{}, &cust); err != nil {
		return invoice.Invoice{}, err
	}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := s.DB.InsertInvoice(ctx, tx, a.Tenant.ClientKey, &inv, d.Worklogs, a.Name()); err != nil {
			return err
		}
		return s.DB.SetDraftItems(ctx, tx, a.Tenant.ClientKey, &inv, items, invoice.Discount{}, a.Name())
	})
	if remit.IsKind(err, remit.Conflict) {
		return invoice.Invoice{}, remit.Errorf(remit.Unprocessable, op, "some of this work was billed by another invoice meanwhile; preview again")
	}
	if err != nil {
		return invoice.Invoice{}, err
	}
	s.Logger.InfoContext(ctx, "draft invoice created", "client_key", a.Tenant.ClientKey, "invoice_id", inv.ID, "worklogs", len(d.Worklogs))
	return inv, nil
}

// priceDraft sets inv's totals from its lines and discount under the
// customer's tax terms, refusing lines or a discount that do not add up
// (remit.Unprocessable naming the field).
func priceDraft(inv *invoice.Invoice, items []invoice.LineItem, disc invoice.Discount, cust *invoice.Customer) error {
	t, err := invoice.DocumentTotalsOf(items, disc, invoice.TaxTermsOf(cust), cust.Currency)
	if err != nil {
		return err
	}
	inv.Subtotal, inv.Tax, inv.Total = t.TaxableBase, t.Tax, t.Total
	return nil
}

// Document returns what an invoice says beyond its row, for someone who
// may read it: a draft's lines of every kind and discount, or an issued
// invoice's kept document.
func (s *Service) Document(ctx context.Context, a Actor, id int64) (store.InvoiceDocument, error) {
	if _, err := s.Invoice(ctx, a, id); err != nil {
		return store.InvoiceDocument{}, err
	}
	return s.DB.InvoiceDocument(ctx, nil, a.Tenant.ClientKey, id)
}

// DocumentParts is Document without asking who wants it, for an answer
// about an invoice the caller was already allowed to read (as
// LoadDetails).
func (s *Service) DocumentParts(ctx context.Context, clientKey string, id int64) (store.InvoiceDocument, error) {
	return s.DB.InvoiceDocument(ctx, nil, clientKey, id)
}

// EditDraft replaces a draft's written lines and discount, keeping its
// time lines. Bad lines or discount are remit.Unprocessable naming the
// field ("lines[1].unitPrice", "discount.amount") and change nothing; an
// invoice that is not a draft is remit.Conflict.
func (s *Service) EditDraft(ctx context.Context, a Actor, id int64, e DraftEdit) (invoice.Invoice, error) {
	const op = "billing.EditDraft"
	set, err := s.configured(ctx, a.Tenant)
	if err != nil {
		return invoice.Invoice{}, err
	}
	if err := s.requireManage(ctx, a, set.BillingProjectKey); err != nil {
		return invoice.Invoice{}, err
	}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		inv, err := s.DB.InvoiceForUpdate(ctx, tx, a.Tenant.ClientKey, id)
		if err != nil {
			return err
		}
		if inv.Status != invoice.StatusDraft {
			return remit.Errorf(remit.Conflict, op, "invoice %s is %s: an issued invoice cannot be edited (void it or issue a credit note)", inv.Number, inv.Status)
		}
		cust, err := s.DB.Customer(ctx, a.Tenant.ClientKey, inv.CustomerID)
		if err != nil {
			return err
		}
		doc, err := s.DB.InvoiceDocument(ctx, tx, a.Tenant.ClientKey, id)
		if err != nil {
			return err
		}
		written, err := invoice.CheckLineItems(e.Lines, inv.Currency, cust.DefaultTaxCategory())
		if err != nil {
			return err
		}
		disc, err := invoice.CheckDiscount(e.Discount, inv.Currency)
		if err != nil {
			return err
		}
		var items []invoice.LineItem
		for _, it := range doc.Items {
			if it.Kind == invoice.LineTime {
				items = append(items, it)
			}
		}
		items = append(items, written...)
		if len(items) == 0 {
			return remit.FieldErrors(remit.Unprocessable, op, "the lines are not valid", map[string]string{"lines": "an invoice needs at least one line"})
		}
		if err := priceDraft(&inv, items, disc, &cust); err != nil {
			return err
		}
		return s.DB.SetDraftItems(ctx, tx, a.Tenant.ClientKey, &inv, items, disc, a.Name())
	})
	if err != nil {
		return invoice.Invoice{}, err
	}
	return s.DB.Invoice(ctx, a.Tenant.ClientKey, id)
}

// DeleteDraft deletes a draft and frees the worklogs it held. An issued
// invoice is remit.Conflict: it is voided, never deleted.
func (s *Service) DeleteDraft(ctx context.Context, a Actor, id int64) error {
	set, err := s.configured(ctx, a.Tenant)
	if err != nil {
		return err
	}
	if err := s.requireManage(ctx, a, set.BillingProjectKey); err != nil {
		return err
	}
	if _, err := s.DB.Invoice(ctx, a.Tenant.ClientKey, id); err != nil {
		return err
	}
	return s.DB.DeleteDraft(ctx, nil, a.Tenant.ClientKey, id, a.Name())
}

// Finalize issues a draft, in one unit of work: it checks the issue date
// (never before the period's start nor after today: remit.Unprocessable
// naming issueDate), takes the next number of the issue date's scope,
// builds the document (invoice.Issue, which refuses what a legal invoice
// cannot lack, naming each field) and keeps it, starts the follow-ups,
// enqueues the job that creates the Jira issue, and, when the tenant's
// settings say so (the default), the job that sends it to the customer.
// A rollback leaves the draft as it was and the number unused.
func (s *Service) Finalize(ctx context.Context, a Actor, id int64, req FinalizeRequest) (invoice.Invoice, error) {
	const op = "billing.Finalize"
	set, err := s.configured(ctx, a.Tenant)
	if err != nil {
		return invoice.Invoice{}, err
	}
	if err := s.requireManage(ctx, a, set.BillingProjectKey); err != nil {
		return invoice.Invoice{}, err
	}
	pol, _, err := s.DB.GetPolicy(ctx, a.Tenant.ClientKey)
	if err != nil {
		return invoice.Invoice{}, err
	}
	ck := a.Tenant.ClientKey
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		inv, err := s.DB.InvoiceForUpdate(ctx, tx, ck, id)
		if err != nil {
			return err
		}
		if inv.Status != invoice.StatusDraft {
			return remit.Errorf(remit.Conflict, op, "invoice %s is already %s", inv.Number, inv.Status)
		}
		today := invoice.DateOf(tx.Now().In(set.Location()))
		issue := req.IssueDate
		if issue.IsZero() {
			issue = today
		}
		if err := invoice.CheckIssueDate(issue, inv.Period, today); err != nil {
			return err
		}
		cust, err := s.DB.Customer(ctx, ck, inv.CustomerID)
		if err != nil {
			return err
		}
		parts, err := s.DB.InvoiceDocument(ctx, tx, ck, id)
		if err != nil {
			return err
		}
		seq, err := s.DB.NextInvoiceNumber(ctx, tx, ck, invoice.NumberScope(set.NumberFormat, issue))
		if err != nil {
			return err
		}
		number, err := invoice.FormatNumber(set.NumberFormat, issue, seq)
		if err != nil {
			return err
		}
		doc, err := invoice.Issue(invoice.IssueInput{
			Settings: set, Customer: cust, Number: number, IssueDate: issue, DueDate: req.DueDate,
			Period: inv.Period, Lines: parts.Items, Discount: parts.Discount,
			LatePaymentTerms: LatePaymentTerms(pol.LateFee.ForCustomer(cust.LateFeePolicy), cust.Currency), Today: today,
		})
		if err != nil {
			return err
		}
		if err := s.DB.FinalizeDraft(ctx, tx, ck, id, doc, a.Name()); err != nil {
			return err
		}
		if err := s.reschedule(ctx, tx, ck, id); err != nil {
			return err
		}
		if _, err := tx.Enqueue(ctx, jirasync.SyncArgs{ClientKey: ck, InvoiceID: id}, nil); err != nil {
			return err
		}
		if set.SendsOnFinalize() {
			return s.sendLater(ctx, tx, ck, id, a.Name())
		}
		return nil
	})
	if err != nil {
		return invoice.Invoice{}, err
	}
	inv, err := s.DB.Invoice(ctx, ck, id)
	if err != nil {
		return invoice.Invoice{}, err
	}
	s.Logger.InfoContext(ctx, "invoice finalized", "client_key", ck, "invoice_id", id, "number", inv.Number)
	return inv, nil
}

package billing

import (
	"bytes"
	"context"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/invoicepdf"
	"github.com/remitapp/remit/internal/remit"
)

// PDF renders an invoice as a printable PDF for someone who may read it.
func (s *Service) PDF(ctx context.Context, a Actor, id int64) ([]byte, string, error) {
	if _, err := s.Invoice(ctx, a, id); err != nil {
		return nil, "", err
	}
	return s.InvoicePDF(ctx, a.Tenant, id)
}

// InvoicePDF renders an invoice as a printable PDF without asking who
// wants it: the follow-up e-mails attach it on the tenant's behalf.
func (s *Service) InvoicePDF(ctx context.Context, t remit.Tenant, id int64) ([]byte, string, error) {
	set, err := s.configured(ctx, t)
	if err != nil {
		return nil, "", err
	}
	inv, err := s.DB.Invoice(ctx, t.ClientKey, id)
	if err != nil {
		return nil, "", err
	}
	if err := s.LoadDetails(ctx, t.ClientKey, &inv); err != nil {
		return nil, "", err
	}
	parts, err := s.DB.InvoiceDocument(ctx, nil, t.ClientKey, id)
	if err != nil {
		return nil, "", err
	}
	if parts.Document != nil {
		return issuedPDF(t, &inv, *parts.Document)
	}
	if inv.Status == invoice.StatusDraft {
		return nil, "", remit.Errorf(remit.Conflict, "billing.InvoicePDF", "a draft has no PDF yet: finalize it first")
	}
	cust, err := s.DB.Customer(ctx, t.ClientKey, inv.CustomerID)
	if err != nil {
		return nil, "", err
	}
	doc := invoicepdf.Document{
		Seller: set.Seller,
		Buyer:  invoicepdf.Buyer{Name: inv.Customer, Email: cust.BillingEmail},
		Number: inv.Number, Status: string(inv.Status), Currency: inv.Currency,
		IssueDate: inv.IssueDate, DueDate: inv.DueDate, Period: inv.Period,
		PaymentTermsDays: inv.IssueDate.DaysUntil(inv.DueDate),
		Lines:            inv.Lines, Subtotal: inv.Subtotal, Tax: inv.Tax, TaxPercent: inv.TaxPercent,
		LateFees: inv.LateFees, Paid: inv.Paid, Total: inv.Total, Balance: inv.Balance(),
		PaymentInstructions: invoice.PaymentInstructions(set.Seller.Name, inv.Number),
		SiteURL:             t.LinkURL(),
	}
	for _, in := range inv.Plan {
		doc.Installments = append(doc.Installments, invoicepdf.Installment{DueDate: in.DueDate, Amount: in.Amount})
	}
	var buf bytes.Buffer
	if err := invoicepdf.Render(&buf, doc); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), inv.Number + ".pdf", nil
}

// issuedPDF renders an invoice from the document kept at issue, with
// what followed (payments, late fees, waivers, credit notes) below its
// total. Invoices
// issued before documents were kept have none and render as before.
func issuedPDF(t remit.Tenant, inv *invoice.Invoice, doc invoice.Document) ([]byte, string, error) {
	x := invoicepdf.Issued{
		Doc: doc, LateFees: inv.LateFees, FeesWaived: inv.LateFeesWaived, Balance: inv.Balance(), SiteURL: t.LinkURL(),
	}
	if inv.Status != invoice.StatusOpen {
		x.Status = string(inv.Status)
	}
	for _, p := range inv.Payments {
		x.Payments = append(x.Payments, invoicepdf.PaidRow{PaidOn: p.PaidOn, Method: p.Method, Reference: p.Reference, Amount: p.Amount, Reversed: p.Reversed})
	}
	for _, cn := range inv.CreditNotes {
		x.CreditNotes = append(x.CreditNotes, invoicepdf.CreditRow{Number: cn.Number, IssueDate: cn.IssueDate, Total: cn.Total})
	}
	for _, in := range inv.Plan {
		if in.Amount.IsZero() {
			continue // credited away entirely: nothing to pay on it
		}
		x.Installments = append(x.Installments, invoicepdf.Installment{DueDate: in.DueDate, Amount: in.Amount})
	}
	var buf bytes.Buffer
	if err := invoicepdf.RenderIssued(&buf, x); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), doc.Number + ".pdf", nil
}

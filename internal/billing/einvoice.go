package billing

import (
	"bytes"
	"context"
	"strings"
	"time"

	"github.com/remitapp/remit/internal/einvoice"
	"github.com/remitapp/remit/internal/facturx"
	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/invoicepdf"
	"github.com/remitapp/remit/internal/remit"
)

// EInvoice writes an invoice as a structured e-invoice in format f
// (SPEC §14) for someone who may read it: the same permission as its PDF.
// It returns the XML and the file name. A draft is remit.Conflict, data
// the format's rules need and the invoice lacks remit.Unprocessable
// naming each field (einvoice.Generate).
func (s *Service) EInvoice(ctx context.Context, a Actor, id int64, f einvoice.Format) ([]byte, string, error) {
	if _, err := s.Invoice(ctx, a, id); err != nil {
		return nil, "", err
	}
	return s.InvoiceEInvoice(ctx, a.Tenant, id, f)
}

// InvoiceEInvoice writes an invoice's e-invoice without asking who wants
// it: the e-mail that sends the invoice attaches it on the tenant's behalf.
func (s *Service) InvoiceEInvoice(ctx context.Context, t remit.Tenant, id int64, f einvoice.Format) ([]byte, string, error) {
	const op = "billing.InvoiceEInvoice"
	set, err := s.configured(ctx, t)
	if err != nil {
		return nil, "", err
	}
	inv, err := s.DB.Invoice(ctx, t.ClientKey, id)
	if err != nil {
		return nil, "", err
	}
	if inv.Status == invoice.StatusDraft {
		return nil, "", remit.Errorf(remit.Conflict, op, "a draft has no e-invoice yet: finalize it first")
	}
	cust, err := s.DB.Customer(ctx, t.ClientKey, inv.CustomerID)
	if err != nil {
		return nil, "", err
	}
	parts, err := s.DB.InvoiceDocument(ctx, nil, t.ClientKey, id)
	if err != nil {
		return nil, "", err
	}
	var doc invoice.Document
	if parts.Document != nil {
		doc = *parts.Document
	} else {
		// Issued before invoices kept their document: the document a
		// credit note would be drawn from (invoice.StoredDocument).
		if err := s.LoadDetails(ctx, t.ClientKey, &inv); err != nil {
			return nil, "", err
		}
		if doc, err = invoice.StoredDocument(&inv, set, cust); err != nil {
			return nil, "", err
		}
	}
	pdf := func(d *invoice.Document) ([]byte, error) {
		// The printable invoice as issued: what followed (payments, fees)
		// belongs to neither half of the e-invoice.
		var buf bytes.Buffer
		err := invoicepdf.RenderIssued(&buf, invoicepdf.Issued{Doc: *d, Balance: d.Totals.Total, SiteURL: t.LinkURL()})
		return buf.Bytes(), err
	}
	return generate(&doc, &set, &cust, f, pdf)
}

// CreditNoteEInvoice writes a credit note as a structured e-invoice in
// format f for someone who may read its invoice.
func (s *Service) CreditNoteEInvoice(ctx context.Context, a Actor, id, creditNoteID int64, f einvoice.Format) ([]byte, string, error) {
	inv, err := s.Invoice(ctx, a, id)
	if err != nil {
		return nil, "", err
	}
	cn, err := s.DB.CreditNote(ctx, a.Tenant.ClientKey, id, creditNoteID)
	if err != nil {
		return nil, "", err
	}
	set, err := s.configured(ctx, a.Tenant)
	if err != nil {
		return nil, "", err
	}
	cust, err := s.DB.Customer(ctx, a.Tenant.ClientKey, inv.CustomerID)
	if err != nil {
		return nil, "", err
	}
	pdf := func(d *invoice.Document) ([]byte, error) {
		var buf bytes.Buffer
		err := invoicepdf.RenderCreditNote(&buf, *d, a.Tenant.LinkURL())
		return buf.Bytes(), err
	}
	return generate(&cn.Document, &set, &cust, f, pdf)
}

// generate writes doc in f. What the document says never changes, but
// how it reaches the buyer may be added after issue: the buyer's
// reference (a Leitweg-ID), Peppol id and billing e-mail, and the
// seller's contact e-mail and phone, are taken from the customer and the
// settings as they are now where the document has none. They route the
// e-invoice and name a contact; they change no figure or party. Factur-X
// is the printable document that pdf renders with the CII embedded.
func generate(doc *invoice.Document, set *invoice.Settings, cust *invoice.Customer, f einvoice.Format,
	pdf func(*invoice.Document) ([]byte, error)) ([]byte, string, error) {
	d := *doc
	fill := func(dst *string, now string) {
		if strings.TrimSpace(*dst) == "" {
			*dst = strings.TrimSpace(now)
		}
	}
	fill(&d.Buyer.BuyerReference, cust.BuyerReference)
	fill(&d.Buyer.PeppolID, cust.PeppolID)
	fill(&d.Buyer.Email, cust.BillingEmail)
	fill(&d.Seller.Email, set.Seller.Email)
	fill(&d.Seller.Phone, set.Seller.Phone)
	out, err := einvoice.Generate(&d, f.XML())
	if err != nil {
		return nil, "", err
	}
	if f == einvoice.FacturX {
		printable, err := pdf(&d)
		if err != nil {
			return nil, "", err
		}
		title := "Invoice " + d.Number
		if d.Kind == invoice.KindCreditNote {
			title = "Credit note " + d.Number
		}
		out, err = facturx.Embed(printable, out, facturx.Meta{Title: title, Author: d.Seller.Name, Created: d.IssueDate.Start(time.UTC)})
		if err != nil {
			return nil, "", err
		}
	}
	return out, f.FileName(d.Number), nil
}

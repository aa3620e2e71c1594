package billing

import (
	"bytes"
	"context"
	"fmt"

	"github.com/remitapp/remit/internal/invoicepdf"
)

// PDF renders an invoice as a printable PDF.
func (s *Service) PDF(ctx context.Context, a Actor, id int64) ([]byte, string, error) {
	inv, err := s.Invoice(ctx, a, id)
	if err != nil {
		return nil, "", err
	}
	if err := s.LoadDetails(ctx, a.Tenant.ClientKey, &inv); err != nil {
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
	doc := invoicepdf.Document{
		Seller: set.Seller,
		Buyer:  invoicepdf.Buyer{Name: inv.Customer, Email: cust.BillingEmail},
		Number: inv.Number, Status: string(inv.Status), Currency: inv.Currency,
		IssueDate: inv.IssueDate, DueDate: inv.DueDate, Period: inv.Period,
		PaymentTermsDays: inv.IssueDate.DaysUntil(inv.DueDate),
		Lines:            inv.Lines, Subtotal: inv.Subtotal, Tax: inv.Tax, TaxPercent: inv.TaxPercent,
		LateFees: inv.LateFees, Paid: inv.Paid, Total: inv.Total, Balance: inv.Balance(),
		PaymentInstructions: paymentInstructions(set.Seller.Name, inv.Number),
		SiteURL:             a.Tenant.LinkURL(),
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

func paymentInstructions(seller, number string) string {
	if seller == "" {
		return fmt.Sprintf("Please quote invoice number %s with your payment.", number)
	}
	return fmt.Sprintf("Please pay %s and quote invoice number %s with your payment.", seller, number)
}

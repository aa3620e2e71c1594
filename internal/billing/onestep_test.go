package billing_test

import (
	"bytes"
	"testing"

	"github.com/remitapp/remit/internal/invoice"
)

// TestOneStepInvoiceKeepsItsDocument creates and issues an invoice in one
// step (no draft) and then changes the seller's and the customer's
// details: the invoice keeps the document it was issued with, its PDF is
// the same bytes as before, and a credit note against it names the
// parties as they were.
func TestOneStepInvoiceKeepsItsDocument(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.legal(t)
	inv, err := b.svc.Create(b.ctx, b.manager, b.november())
	if err != nil {
		t.Fatal(err)
	}
	parts, err := b.svc.Document(b.ctx, b.viewer, inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	doc := parts.Document
	switch {
	case doc == nil:
		t.Fatal("the one-step invoice kept no document")
	case doc.Number != inv.Number || doc.Buyer.Name != "Acme" || doc.Buyer.Address.City != "Paris" ||
		doc.Seller.Name != "Remit Consulting LLC" || !doc.Totals.Total.Equal(inv.Total) || len(doc.Lines) != 1 ||
		doc.LatePaymentTerms == "" || doc.PaymentTermsDays != 30:
		t.Fatalf("document = %+v", doc)
	}
	before, _, err := b.svc.PDF(b.ctx, b.viewer, inv.ID)
	if err != nil {
		t.Fatal(err)
	}

	set, _, err := b.setup.Settings(b.ctx, b.admin)
	if err != nil {
		t.Fatal(err)
	}
	set.Seller.Name = "Renamed Consulting Inc"
	set.Seller.PostalAddress.City = "Shelbyville"
	if _, err := b.setup.PutSettings(b.ctx, b.admin, set); err != nil {
		t.Fatal(err)
	}
	c := b.cust
	c.Name = "Acme Holdings"
	c.Address = invoice.Address{Street: "1 Other Road", City: "Lyon", Postcode: "69001", Country: "FR"}
	c.BillingEmail = "finance@acme.example"
	c.TaxID = "FR83404833048"
	if b.cust, err = b.setup.SaveCustomer(b.ctx, b.admin, c); err != nil {
		t.Fatal(err)
	}

	after, _, err := b.svc.PDF(b.ctx, b.viewer, inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Fatal("the PDF of the one-step invoice changed when the seller's and customer's details did")
	}
	_, cn, err := b.svc.IssueCreditNote(b.ctx, b.manager, inv.ID, invoice.CreditNoteInput{Amount: "50.00", Reason: "Goodwill"})
	if err != nil {
		t.Fatal(err)
	}
	if cn.Document.Buyer.Address.City != "Paris" || cn.Document.Seller.Name != "Remit Consulting LLC" || cn.Document.LatePaymentTerms == "" {
		t.Fatalf("credit note parties %+v / %+v", cn.Document.Seller, cn.Document.Buyer)
	}
	// The credit note follows the unchanged total on the invoice's PDF.
	credited, _, err := b.svc.PDF(b.ctx, b.viewer, inv.ID)
	if err != nil {
		t.Fatalf("PDF of the credited invoice: %v", err)
	}
	if bytes.Equal(credited, before) {
		t.Fatal("the PDF does not show the credit note")
	}
}

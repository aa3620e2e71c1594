package invoice

import (
	"testing"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/money"
)

// TestStoredDocument rebuilds the document of an invoice from its rows:
// the invoice's own number, dates, name and tax rate (not the customer's
// current ones), its time lines, and totals that match what it stored;
// a credit note can then be issued against it.
func TestStoredDocument(t *testing.T) {
	c := Customer{Name: "Acme Renamed", Currency: "EUR", TaxRatePercent: dec("21"), BillingEmail: "ap@acme.example"}
	s := Settings{Seller: Seller{Name: "Remit Consulting LLC", Email: "billing@remit.example"}}
	lines := []Line{
		{IssueKey: "WORK-1", Description: "Build", Seconds: 7200, Hours: dec("2"), Rate: dec("100"), Amount: dec("200.00"), WorklogIDs: []int64{1}},
		{IssueKey: "WORK-2", Description: "Test", Seconds: 5400, Hours: dec("1.5"), Rate: dec("100"), Amount: dec("150.00"), WorklogIDs: []int64{2}},
	}
	inv := Invoice{ID: 7, Number: "INV-2026-0007", Customer: "Acme", Status: StatusOpen, Currency: "USD",
		Subtotal: dec("350.00"), TaxPercent: dec("10"), Tax: dec("35.00"), Total: dec("385.00"), Paid: decimal.Zero, LateFees: decimal.Zero,
		IssueDate: Date{2026, 11, 15}, DueDate: Date{2026, 12, 15}, Period: Period{Start: Date{2026, 11, 1}, End: Date{2026, 11, 14}}, Lines: lines}
	doc, err := StoredDocument(&inv, s, c)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case doc.Kind != KindInvoice || doc.Number != inv.Number || doc.IssueDate != inv.IssueDate || doc.DueDate != inv.DueDate:
		t.Fatalf("document head %+v", doc)
	case doc.Currency != money.Currency("USD") || doc.Buyer.Name != "Acme" || doc.Seller.Name != s.Seller.Name || doc.PaymentTermsDays != 30:
		t.Fatalf("document parties %+v / %+v, currency %s, terms %d", doc.Seller, doc.Buyer, doc.Currency, doc.PaymentTermsDays)
	case len(doc.Lines) != 2 || doc.Lines[1].IssueKey != "WORK-2" || !doc.Lines[1].Amount.Equal(dec("150")):
		t.Fatalf("document lines %+v", doc.Lines)
	case !doc.Totals.TaxableBase.Equal(inv.Subtotal) || !doc.Totals.Tax.Equal(inv.Tax) || !doc.Totals.Total.Equal(inv.Total):
		t.Fatalf("document totals %+v, invoice %s + %s = %s", doc.Totals, inv.Subtotal, inv.Tax, inv.Total)
	}
	cn, err := IssueCreditNote(&inv, &doc, decimal.Zero, CreditNoteInput{Amount: "100.00", Reason: "Hours billed twice"}, "CN-2026-0001", Date{2026, 11, 20})
	if err != nil {
		t.Fatal(err)
	}
	if !cn.Total.Equal(dec("110.00")) || cn.Document.InvoiceNumber != inv.Number || cn.Document.Buyer.Name != "Acme" {
		t.Fatalf("credit note %s of %s against %s for %s", cn.Number, cn.Total, cn.Document.InvoiceNumber, cn.Document.Buyer.Name)
	}
}

package followup

import (
	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/money"
)

// Data is what comment and e-mail templates see. Money is already
// formatted in the currency's minor unit so that templates cannot
// misround; dates are YYYY-MM-DD.
type Data struct {
	Number              string
	Customer            string
	Currency            string
	Total               string
	Balance             string
	LateFee             string
	HasLateFee          bool
	DueDate             string
	DaysOverdue         int
	DaysUntilDue        int
	Installment         string // "2 of 3" when chasing an installment, else ""
	PayLink             string
	PaymentInstructions string
	Seller              string
	SellerEmail         string
	IssueKey            string
	PromisedOn          string // the date of the customer's latest promise to pay, if any
}

// DataFor fills Data from an invoice as it stands on today (the tenant's
// date). The executor adds what the invoice does not know: pay link,
// payment instructions and, for a payment plan, the installment.
func DataFor(inv *invoice.Invoice, seller invoice.Seller, today invoice.Date) Data {
	c := inv.Currency
	until := today.DaysUntil(inv.DueDate)
	if until < 0 {
		until = 0
	}
	return Data{
		Number:       inv.Number,
		Customer:     inv.Customer,
		Currency:     string(c),
		Total:        money.Format(inv.Total, c),
		Balance:      money.Format(inv.Balance(), c),
		LateFee:      money.Format(inv.LateFees, c),
		HasLateFee:   inv.LateFees.IsPositive(),
		DueDate:      inv.DueDate.String(),
		DaysOverdue:  inv.DaysOverdue(today),
		DaysUntilDue: until,
		Seller:       seller.Name,
		SellerEmail:  seller.Email,
		IssueKey:     inv.IssueKey,
	}
}

// SampleData is the invoice Validate renders every template against, so a
// template that refers to a field Data does not have is refused on save
// rather than failing on a customer's invoice months later.
func SampleData() Data {
	return Data{
		Number: "INV-2026-0042", Customer: "Acme Corp", Currency: "USD",
		Total: "1250.00", Balance: "1268.49", LateFee: "18.49", HasLateFee: true,
		DueDate: "2026-03-31", DaysOverdue: 30, Installment: "2 of 3",
		PayLink: "https://pay.example.com/INV-2026-0042", PaymentInstructions: "IBAN DE89 3704 0044 0532 0130 00, reference INV-2026-0042",
		Seller: "Example Consulting Ltd", SellerEmail: "billing@example.com", IssueKey: "BILL-42",
		PromisedOn: "2026-04-15",
	}
}

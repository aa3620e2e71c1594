package customerportal

import (
	"context"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/einvoice"
	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/money"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// Page is what the customer page shows of one invoice, every figure
// already formatted in the invoice's currency.
type Page struct {
	Seller        Party
	Buyer         string
	Number        string
	Currency      string
	IssueDate     string
	DueDate       string
	Status        invoice.Status
	Disputed      bool
	Lines         []Line
	Subtotal      string
	Tax           string
	Total         string
	LateFees      string // "" when none
	Credited      string // "" when none
	Paid          string
	Balance       string
	Installments  []PageInstallment
	Bank          invoice.PaymentDetails
	BankIBAN      string // grouped by four for reading
	Reference     string // what to quote with a transfer: the invoice number
	Instructions  string
	Overdue       bool
	DaysOverdue   int
	Today         string
	PromiseMax    string // the latest date a promise may name
	Promise       string // the date of the latest promise, "" when none
	PlanPending   bool   // a plan request waits for the seller
	CanPayByCard  bool
	SellerContact string
	// EInvoice is the structured format the customer receives ("ubl",
	// "cii", "xrechnung"), offered for download; "" when none.
	EInvoice string
	// Settled says why nothing is owed: "paid", "void", "uncollectible", or "".
	Settled string
}

// Party is the seller as the page names it.
type Party struct {
	Name    string
	Address []string
	TaxID   string
	Email   string
}

// Line is one invoice line.
type Line struct {
	Description string
	Quantity    string
	UnitPrice   string
	Amount      string
}

// PageInstallment is one installment of a payment plan.
type PageInstallment struct {
	DueDate string
	Amount  string
	Paid    string
	Settled bool
}

// Page reads the invoice a token opens, as its page shows it.
func (s *Service) Page(ctx context.Context, acc Access) (Page, error) {
	ck := acc.Tenant.ClientKey
	set, err := s.settings(ctx, ck)
	if err != nil {
		return Page{}, err
	}
	inv, err := s.Billing.Detail(ctx, ck, acc.InvoiceID)
	if err != nil {
		return Page{}, err
	}
	if inv.Status == invoice.StatusDraft {
		return Page{}, remit.Errorf(remit.NotFound, "customerportal.Page", "no such page")
	}
	parts, err := s.DB.InvoiceDocument(ctx, nil, ck, acc.InvoiceID)
	if err != nil {
		return Page{}, err
	}
	c := inv.Currency
	f := func(d interface{ StringFixed(int32) string }) string { return d.StringFixed(c.Exponent()) }
	today := invoice.DateOf(s.now().In(set.Location()))
	p := Page{
		Buyer: inv.Customer, Number: inv.Number, Currency: string(c),
		IssueDate: inv.IssueDate.String(), DueDate: inv.DueDate.String(), Status: inv.Status, Disputed: inv.Disputed,
		Subtotal: f(inv.Subtotal), Tax: f(inv.Tax), Total: f(inv.Total), Paid: f(inv.Paid), Balance: money.Format(inv.Balance(), c),
		Reference: inv.Number, Instructions: invoice.PaymentInstructions(set.Seller.Name, inv.Number),
		Today: today.String(), PromiseMax: today.AddDays(set.PromiseLimit()).String(),
		CanPayByCard: s.Checkout != nil,
	}
	if fees := inv.LateFees.Sub(inv.LateFeesWaived); fees.IsPositive() {
		p.LateFees = f(fees)
	}
	if inv.Credited.IsPositive() {
		p.Credited = f(inv.Credited)
	}
	p.Seller = Party{Name: set.Seller.Name, Address: sellerAddress(set.Seller), TaxID: set.Seller.TaxID, Email: set.Seller.Email}
	p.Bank = set.Payment
	if doc := parts.Document; doc != nil {
		p.Seller = Party{Name: doc.Seller.Name, Address: doc.Seller.AddressLines(), TaxID: doc.Seller.TaxID, Email: doc.Seller.Email}
		p.Bank = doc.Payment
		for _, l := range doc.Lines {
			p.Lines = append(p.Lines, Line{Description: l.Description, Quantity: l.Quantity.String() + " " + l.Unit,
				UnitPrice: f(l.UnitPrice), Amount: f(l.Amount)})
		}
		p.Subtotal, p.Tax, p.Total = f(doc.Totals.TaxableBase), f(doc.Totals.Tax), f(doc.Totals.Total)
	} else {
		for _, l := range inv.Lines {
			p.Lines = append(p.Lines, Line{Description: l.Description, Quantity: l.Hours.String() + " h", UnitPrice: f(l.Rate), Amount: f(l.Amount)})
		}
	}
	p.BankIBAN = invoice.FormatIBAN(p.Bank.IBAN)
	p.SellerContact = p.Seller.Email
	for _, in := range inv.Plan {
		p.Installments = append(p.Installments, PageInstallment{DueDate: in.DueDate.String(), Amount: f(in.Amount), Paid: f(in.Paid), Settled: in.Settled()})
	}
	switch {
	case inv.Status == invoice.StatusPaid || inv.Status == invoice.StatusVoid || inv.Status == invoice.StatusUncollectible:
		p.Settled = string(inv.Status)
	case !inv.Balance().IsPositive():
		p.Settled = string(invoice.StatusPaid)
	}
	if p.Settled == "" {
		p.DaysOverdue = inv.DaysOverdue(today)
		p.Overdue = p.DaysOverdue > 0
	}
	cust, err := s.DB.Customer(ctx, ck, inv.CustomerID)
	if err != nil {
		return Page{}, err
	}
	if f, ok := einvoice.ParseFormat(cust.EInvoiceFormat); ok {
		p.EInvoice = string(f)
	}
	promise, err := s.DB.LatestCustomerPromise(ctx, nil, ck, acc.InvoiceID)
	if err != nil {
		return Page{}, err
	}
	if promise != nil && !promise.BrokenOn().Before(today) {
		p.Promise = promise.PromisedOn.String()
	}
	reqs, err := s.DB.PlanRequests(ctx, ck, acc.InvoiceID)
	if err != nil {
		return Page{}, err
	}
	for _, r := range reqs {
		if r.Status == store.PlanRequestPending {
			p.PlanPending = true
		}
	}
	return p, nil
}

func sellerAddress(s invoice.Seller) []string {
	if !s.PostalAddress.IsZero() {
		return s.PostalAddress.Lines()
	}
	var out []string
	for _, l := range strings.Split(s.Address, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// Open reports whether the page offers actions: the invoice still asks
// for money and is not disputed.
func (p Page) Open() bool { return p.Settled == "" && !p.Disputed }

// StatementLine is one open invoice of the customer's statement.
type StatementLine struct {
	Number   string
	Currency string
	DueDate  string
	Balance  string
	Overdue  bool
	URL      string
}

// Statement is a customer's open invoices with their own pages.
type Statement struct {
	Seller Party
	Buyer  string
	Lines  []StatementLine
	Totals []Amount // the balance due per currency
	Back   string   // the page the statement was reached from
}

// Amount is a sum in one currency.
type Amount struct {
	Currency string
	Value    string
}

// Statement lists the open invoices of the customer of the token's
// invoice, each with its page link (made when it has none).
func (s *Service) Statement(ctx context.Context, acc Access, token string) (Statement, error) {
	ck := acc.Tenant.ClientKey
	set, err := s.settings(ctx, ck)
	if err != nil {
		return Statement{}, err
	}
	inv, err := s.DB.Invoice(ctx, ck, acc.InvoiceID)
	if err != nil {
		return Statement{}, err
	}
	ids, err := s.DB.OpenInvoicesOfCustomer(ctx, ck, inv.CustomerID)
	if err != nil {
		return Statement{}, err
	}
	today := invoice.DateOf(s.now().In(set.Location()))
	st := Statement{Buyer: inv.Customer, Back: s.URLOf(token),
		Seller: Party{Name: set.Seller.Name, Address: sellerAddress(set.Seller), Email: set.Seller.Email}}
	sums := map[money.Currency]decimal.Decimal{}
	for _, id := range ids {
		o, err := s.DB.Invoice(ctx, ck, id)
		if err != nil {
			return Statement{}, err
		}
		url, err := s.PageURL(ctx, ck, id)
		if err != nil {
			return Statement{}, err
		}
		st.Lines = append(st.Lines, StatementLine{Number: o.Number, Currency: string(o.Currency), DueDate: o.DueDate.String(),
			Balance: money.Format(o.Balance(), o.Currency), Overdue: o.DaysOverdue(today) > 0, URL: url})
		sums[o.Currency] = sums[o.Currency].Add(o.Balance())
	}
	for c, sum := range sums {
		st.Totals = append(st.Totals, Amount{Currency: string(c), Value: money.Format(sum, c)})
	}
	slices.SortFunc(st.Totals, func(a, b Amount) int { return strings.Compare(a.Currency, b.Currency) })
	return st, nil
}

package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/money"
	"github.com/remitapp/remit/internal/store"
)

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// customerFixture is a complete customer with every optional field set.
func customerFixture(name string) invoice.Customer {
	terms := 14
	return invoice.Customer{
		Name:       name,
		JQL:        "project in (ACME, ACMESUP)",
		Currency:   "USD",
		HourlyRate: d("95.00"),
		RateOverrides: invoice.RateOverrides{
			Accounts: map[string]decimal.Decimal{"alice": d("140.00")},
			Projects: map[string]decimal.Decimal{"ACMESUP": d("120.5")},
		},
		TaxRatePercent:   d("8.875"),
		PaymentTermsDays: &terms,
		BillingEmail:     "ap@acme.example",
		EscalationEmails: []string{"cfo@acme.example", "ceo@acme.example"},
		LateFeePolicy:    "us-1.5pct-month",
	}
}

func createCustomer(t testing.TB, db *store.DB, clientKey string, c invoice.Customer) invoice.Customer {
	t.Helper()
	if err := db.CreateCustomer(context.Background(), nil, clientKey, &c, "acc-admin"); err != nil {
		t.Fatalf("CreateCustomer(%s, %q): %v", clientKey, c.Name, err)
	}
	return c
}

// worklogsFixture makes n worklogs with ids first, first+1, … spread over
// issues issues of project ACME, one hour less a minute each.
func worklogsFixture(first int64, n, issues int) []invoice.Worklog {
	out := make([]invoice.Worklog, n)
	for i := range out {
		issue := i%issues + 1
		out[i] = invoice.Worklog{
			ID: first + int64(i), IssueID: fmt.Sprint(10000 + issue), IssueKey: fmt.Sprintf("ACME-%d", issue),
			IssueSummary: fmt.Sprintf("Work item %d", issue), ProjectKey: "ACME", AuthorID: "bob", Seconds: 3540,
		}
	}
	return out
}

// invoiceFixture builds an invoice for c the way generation does: lines
// and totals from invoice.BuildLines, issued 2026-03-02 for February.
func invoiceFixture(c invoice.Customer, number string, wl []invoice.Worklog) invoice.Invoice {
	lines, tot := invoice.BuildLines(&c, 0, wl)
	issued := invoice.Date{Year: 2026, Month: 3, Day: 2}
	return invoice.Invoice{
		Number: number, CustomerID: c.ID, Customer: c.Name, Status: invoice.StatusOpen,
		Currency: c.Currency, Subtotal: tot.Subtotal, Tax: tot.Tax, TaxPercent: c.TaxRatePercent, Total: tot.Total,
		Paid: money.Round(decimal.Zero, c.Currency), LateFees: decimal.Zero,
		IssueDate: issued, DueDate: issued.AddDays(c.TermsDays(invoice.DefaultSettings())),
		Period: invoice.Period{Start: invoice.Date{Year: 2026, Month: 2, Day: 1}, End: invoice.Date{Year: 2026, Month: 2, Day: 28}},
		Lines:  lines,
	}
}

// insertInvoice stores an invoice for c billing wl and returns it.
func insertInvoice(t testing.TB, db *store.DB, clientKey string, c invoice.Customer, number string, wl []invoice.Worklog) invoice.Invoice {
	t.Helper()
	inv := invoiceFixture(c, number, wl)
	if err := db.InsertInvoice(context.Background(), nil, clientKey, &inv, wl, "acc-admin"); err != nil {
		t.Fatalf("InsertInvoice(%s, %s): %v", clientKey, number, err)
	}
	return inv
}

// errRollback makes InTx roll back on purpose.
var errRollback = errors.New("roll back on purpose")

package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/money"
	"github.com/remitapp/remit/internal/pgtest"
	"github.com/remitapp/remit/internal/store"
)

// BenchmarkInsertInvoice stores an invoice of 1,000 lines billing 10,000
// worklogs per op, committed, the size of a large agency's month.
func BenchmarkInsertInvoice(b *testing.B) {
	ctx := context.Background()
	pool := pgtest.NewPool(b)
	db := store.New(pool, testBox(b, 0x42), store.Options{})
	install(b, db, "t1")
	c := createCustomer(b, db, "t1", customerFixture("Acme"))
	const lines, perLine = 1000, 10
	op := 0
	for b.Loop() {
		inv, wl := bigInvoice(c, op, lines, perLine)
		if err := db.InsertInvoice(ctx, nil, "t1", &inv, wl, "acc"); err != nil {
			b.Fatal(err)
		}
		op++
	}
	b.ReportMetric(float64(lines*perLine), "worklogs/op")
}

// BenchmarkInvoice reads an invoice of 1,000 lines, with its lines, per
// op: the invoice issue panel's read.
func BenchmarkInvoice(b *testing.B) {
	ctx := context.Background()
	pool := pgtest.NewPool(b)
	db := store.New(pool, testBox(b, 0x42), store.Options{})
	install(b, db, "t1")
	c := createCustomer(b, db, "t1", customerFixture("Acme"))
	const lines, perLine = 1000, 10
	inv, wl := bigInvoice(c, 0, lines, perLine)
	if err := db.InsertInvoice(ctx, nil, "t1", &inv, wl, "acc"); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		got, err := db.Invoice(ctx, "t1", inv.ID)
		if err != nil {
			b.Fatal(err)
		}
		if len(got.Lines) != lines {
			b.Fatalf("%d lines, want %d", len(got.Lines), lines)
		}
	}
	b.ReportMetric(lines, "lines/op")
}

// bigInvoice is invoice number op of the benchmarks: lines lines of
// perLine half-hour worklogs each, with worklog ids unique per op.
func bigInvoice(c invoice.Customer, op, lines, perLine int) (invoice.Invoice, []invoice.Worklog) {
	wl := make([]invoice.Worklog, 0, lines*perLine)
	inv := invoiceFixture(c, fmt.Sprintf("BENCH-%d", op), nil)
	inv.Lines = make([]invoice.Line, lines)
	for i := range inv.Lines {
		l := &inv.Lines[i]
		l.IssueKey, l.IssueID, l.Description = fmt.Sprintf("ACME-%d", i+1), fmt.Sprint(10000+i), "Work item"
		for j := range perLine {
			id := int64(op*lines*perLine + i*perLine + j + 1)
			wl = append(wl, invoice.Worklog{ID: id, IssueID: l.IssueID, IssueKey: l.IssueKey, Seconds: 1800})
			l.WorklogIDs = append(l.WorklogIDs, id)
			l.Seconds += 1800
		}
		l.Rate, l.Hours = c.HourlyRate, money.Hours(l.Seconds)
		l.Amount = money.TimeAmount(l.Seconds, l.Rate, c.Currency)
	}
	tot := invoice.TotalsOf(inv.Lines, c.TaxRatePercent, c.Currency)
	inv.Subtotal, inv.Tax, inv.Total, inv.Paid = tot.Subtotal, tot.Tax, tot.Total, decimal.Zero
	return inv, wl
}

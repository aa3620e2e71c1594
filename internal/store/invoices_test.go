package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/money"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// TestInvoiceRoundTripExactMoney stores invoices in currencies with 3 and
// 0 decimals and reads back every amount, date and line exactly.
func TestInvoiceRoundTripExactMoney(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, store.Options{})
	install(t, e.db, "t1")
	for _, tc := range []struct {
		currency, rate, tax, wantTotal, wantSQLTotal string
	}{
		// Each of 3 lines bills 2 × 3540 s. KWD: 7080 × 12.345 / 3600 =
		// 24.2785 → 24.279; subtotal 72.837, tax 5% = 3.64185 → 3.642.
		// JPY: 7080 × 9500 / 3600 = 18683.3 → 18683; subtotal 56049, tax
		// 10% = 5604.9 → 5605.
		{"KWD", "12.345", "5", "76.479", "76.479"},
		{"JPY", "9500", "10", "61654", "61654"},
	} {
		t.Run(tc.currency, func(t *testing.T) {
			c := customerFixture("Customer " + tc.currency)
			c.Currency, c.HourlyRate, c.TaxRatePercent = money.Currency(tc.currency), d(tc.rate), d(tc.tax)
			c.RateOverrides.Accounts, c.RateOverrides.Projects = nil, nil
			c = createCustomer(t, e.db, "t1", c)
			first := int64(1000)
			if tc.currency == "JPY" {
				first = 2000
			}
			wl := worklogsFixture(first, 6, 3)
			inv := insertInvoice(t, e.db, "t1", c, "INV-"+tc.currency, wl)
			if inv.ID == 0 || !inv.CreatedAt.Equal(e.clock.Now()) || !inv.UpdatedAt.Equal(inv.CreatedAt) {
				t.Fatalf("InsertInvoice set id %d, created %v, updated %v", inv.ID, inv.CreatedAt, inv.UpdatedAt)
			}
			if got := money.Format(inv.Total, c.Currency); got != tc.wantTotal {
				t.Fatalf("fixture total %s, want %s", got, tc.wantTotal)
			}

			got, err := e.db.Invoice(ctx, "t1", inv.ID)
			must(t, err)
			sameInvoice(t, got, inv)

			var total, subtotal, issue, due string
			must(t, e.pool.QueryRow(ctx, `SELECT total::text, subtotal::text, issue_date::text, due_date::text FROM invoices WHERE id = $1`, inv.ID).
				Scan(&total, &subtotal, &issue, &due))
			if total != tc.wantSQLTotal || subtotal != inv.Subtotal.String() || issue != "2026-03-02" || due != "2026-03-16" {
				t.Fatalf("stored total %s subtotal %s issue %s due %s", total, subtotal, issue, due)
			}
		})
	}
}

// sameInvoice compares invoices field by field, amounts exactly.
func sameInvoice(t *testing.T, got, want invoice.Invoice) {
	t.Helper()
	type flat struct {
		ID, CustomerID                                   int64
		Number, Customer, Status, Currency, IssueKey     string
		Disputed, NeedsReview                            bool
		Subtotal, Tax, TaxPercent, Total, Paid, LateFees string
		Issue, Due, Start, End, Created, Updated         string
		Lines                                            []string
	}
	f := func(inv invoice.Invoice) flat {
		x := flat{inv.ID, inv.CustomerID, inv.Number, inv.Customer, string(inv.Status), string(inv.Currency), inv.IssueKey,
			inv.Disputed, inv.NeedsReview, inv.Subtotal.String(), inv.Tax.String(), inv.TaxPercent.String(), inv.Total.String(),
			inv.Paid.String(), inv.LateFees.String(), inv.IssueDate.String(), inv.DueDate.String(),
			inv.Period.Start.String(), inv.Period.End.String(), inv.CreatedAt.UTC().String(), inv.UpdatedAt.UTC().String(), nil}
		for _, l := range inv.Lines {
			x.Lines = append(x.Lines, fmt.Sprintf("%s %s %q %d %s×%s=%s %v", l.IssueKey, l.IssueID, l.Description, l.Seconds,
				l.Hours.StringFixed(2), l.Rate, money.Format(l.Amount, inv.Currency), l.WorklogIDs))
		}
		return x
	}
	g, w := f(got), f(want)
	if fmt.Sprint(g) != fmt.Sprint(w) {
		t.Fatalf("invoice\n got %+v\nwant %+v", g, w)
	}
}

func TestInvoiceInsertAudit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, store.Options{})
	install(t, e.db, "t1")
	c := createCustomer(t, e.db, "t1", customerFixture("Acme"))
	inv := insertInvoice(t, e.db, "t1", c, "INV-2026-0001", worklogsFixture(1, 5, 2))
	entries, err := e.db.AuditEntries(ctx, "t1", store.AuditFilter{Entity: "invoice", EntityID: fmt.Sprint(inv.ID)})
	must(t, err)
	if len(entries) != 1 || entries[0].Action != "create" || entries[0].Actor != "acc-admin" {
		t.Fatalf("audit %+v", entries)
	}
	var doc map[string]any
	must(t, json.Unmarshal(entries[0].After, &doc))
	if doc["number"] != "INV-2026-0001" || doc["total"] != money.Format(inv.Total, "USD") || doc["worklogs"] != 5.0 || doc["lines"] != 2.0 {
		t.Fatalf("audit after = %v", doc)
	}
}

func TestInsertInvoiceRefusesInconsistentInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, store.Options{})
	install(t, e.db, "t1")
	c := createCustomer(t, e.db, "t1", customerFixture("Acme"))
	wl := worklogsFixture(1, 4, 2)
	for name, mutate := range map[string]func(inv *invoice.Invoice, wl []invoice.Worklog) []invoice.Worklog{
		"worklog missing from the list": func(_ *invoice.Invoice, wl []invoice.Worklog) []invoice.Worklog { return wl[1:] },
		"worklog on no line": func(_ *invoice.Invoice, wl []invoice.Worklog) []invoice.Worklog {
			return append(wl, worklogsFixture(99, 1, 1)...)
		},
		"worklog repeated": func(_ *invoice.Invoice, wl []invoice.Worklog) []invoice.Worklog { return append(wl, wl[0]) },
		"no lines": func(inv *invoice.Invoice, _ []invoice.Worklog) []invoice.Worklog {
			inv.Lines = nil
			return nil
		},
		"no number": func(inv *invoice.Invoice, wl []invoice.Worklog) []invoice.Worklog { inv.Number = " "; return wl },
	} {
		inv := invoiceFixture(c, "INV-1", wl)
		list := mutate(&inv, slices.Clone(wl))
		wantKind(t, e.db.InsertInvoice(ctx, nil, "t1", &inv, list, "acc"), remit.Invalid)
		if n := count(t, e.pool, `SELECT count(*) FROM invoices`); n != 0 {
			t.Fatalf("%s: an invoice was stored", name)
		}
	}
	// An unknown customer is NotFound.
	inv := invoiceFixture(c, "INV-1", wl)
	inv.CustomerID = 999
	wantKind(t, e.db.InsertInvoice(ctx, nil, "t1", &inv, wl, "acc"), remit.NotFound)
	// The number is unique per tenant.
	insertInvoice(t, e.db, "t1", c, "INV-1", wl)
	dup := invoiceFixture(c, "INV-1", worklogsFixture(50, 2, 1))
	wantKind(t, e.db.InsertInvoice(ctx, nil, "t1", &dup, worklogsFixture(50, 2, 1), "acc"), remit.Conflict)
}

func TestDoubleBillingIsAConflict(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, store.Options{})
	install(t, e.db, "t1")
	c := createCustomer(t, e.db, "t1", customerFixture("Acme"))
	first := insertInvoice(t, e.db, "t1", c, "INV-1", worklogsFixture(1, 3, 1)) // worklogs 1..3

	second := invoiceFixture(c, "INV-2", worklogsFixture(3, 3, 1)) // worklogs 3..5
	err := e.db.InsertInvoice(ctx, nil, "t1", &second, worklogsFixture(3, 3, 1), "acc")
	wantKind(t, err, remit.Conflict)
	if !strings.Contains(err.Error(), "worklog 3 is already billed on invoice INV-1") {
		t.Fatalf("conflict %q does not name the worklog and its invoice", err)
	}
	for query, want := range map[string]int{
		`SELECT count(*) FROM invoices WHERE number = 'INV-2'`:                            0,
		`SELECT count(*) FROM invoice_lines WHERE invoice_id <> ` + fmt.Sprint(first.ID):  0,
		`SELECT count(*) FROM billed_worklogs WHERE worklog_id IN (4, 5)`:                 0,
		`SELECT count(*) FROM billed_worklogs WHERE invoice_id = ` + fmt.Sprint(first.ID): 3,
		`SELECT count(*) FROM audit_log WHERE entity = 'invoice'`:                         1,
	} {
		if n := count(t, e.pool, query); n != want {
			t.Errorf("%s = %d, want %d", query, n, want)
		}
	}
	billed, err := e.db.BilledWorklogs(ctx, "t1", []int64{1, 2, 3, 4, 5})
	must(t, err)
	if len(billed) != 3 || billed[1] != first.ID || billed[3] != first.ID {
		t.Fatalf("BilledWorklogs = %v", billed)
	}
}

// TestConcurrentDoubleBilling races ten invoices for one shared worklog:
// exactly one wins.
func TestConcurrentDoubleBilling(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, store.Options{})
	install(t, e.db, "t1")
	c := createCustomer(t, e.db, "t1", customerFixture("Acme"))
	const racers = 10
	errs := make(chan error, racers)
	for i := range racers {
		go func() {
			wl := append(worklogsFixture(777, 1, 1), worklogsFixture(int64(1000*(i+1)), 3, 2)...)
			inv := invoiceFixture(c, fmt.Sprintf("INV-%d", i), wl)
			errs <- e.db.InsertInvoice(ctx, nil, "t1", &inv, wl, "acc")
		}()
	}
	won := 0
	for range racers {
		switch err := <-errs; {
		case err == nil:
			won++
		case !remit.IsKind(err, remit.Conflict):
			t.Errorf("racer failed with %v, want Conflict", err)
		}
	}
	if won != 1 || count(t, e.pool, `SELECT count(*) FROM invoices`) != 1 || count(t, e.pool, `SELECT count(*) FROM billed_worklogs`) != 4 {
		t.Fatalf("%d racers won; want exactly one invoice with its 4 worklogs", won)
	}
}

func TestVoidReleasesWorklogs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, store.Options{})
	install(t, e.db, "t1")
	c := createCustomer(t, e.db, "t1", customerFixture("Acme"))
	wl := worklogsFixture(1, 4, 2)
	first := insertInvoice(t, e.db, "t1", c, "INV-1", wl)
	must(t, e.pool.QueryRow(ctx, `UPDATE invoices SET next_action_at = now() WHERE id = $1 RETURNING id`, first.ID).Scan(new(int64)))

	e.clock.Advance(90 * time.Second)
	must(t, e.db.VoidInvoice(ctx, nil, "t1", first.ID, "acc-void"))
	got, err := e.db.Invoice(ctx, "t1", first.ID)
	must(t, err)
	if got.Status != invoice.StatusVoid || !got.UpdatedAt.Equal(e.clock.Now()) {
		t.Fatalf("after void: status %s updated %v", got.Status, got.UpdatedAt)
	}
	if len(got.Lines) != 2 || !slices.Equal(got.Lines[0].WorklogIDs, first.Lines[0].WorklogIDs) {
		t.Fatal("void changed the lines' worklog history")
	}
	if n := count(t, e.pool, `SELECT count(*) FROM invoices WHERE next_action_at IS NOT NULL`); n != 0 {
		t.Fatal("a void invoice still has a follow-up due")
	}
	billed, err := e.db.BilledWorklogs(ctx, "t1", []int64{1, 2, 3, 4})
	must(t, err)
	if len(billed) != 0 {
		t.Fatalf("worklogs still billed after void: %v", billed)
	}
	again := insertInvoice(t, e.db, "t1", c, "INV-2", wl)
	billed, err = e.db.BilledWorklogs(ctx, "t1", []int64{1, 2, 3, 4})
	must(t, err)
	if len(billed) != 4 || billed[2] != again.ID {
		t.Fatalf("re-billed worklogs = %v, want all on %d", billed, again.ID)
	}

	wantKind(t, e.db.VoidInvoice(ctx, nil, "t1", first.ID, "acc"), remit.Conflict)
	_, err = e.pool.Exec(ctx, `UPDATE invoices SET status = 'paid' WHERE id = $1`, again.ID)
	must(t, err)
	wantKind(t, e.db.VoidInvoice(ctx, nil, "t1", again.ID, "acc"), remit.Conflict)
	wantKind(t, e.db.VoidInvoice(ctx, nil, "t1", 999, "acc"), remit.NotFound)

	entries, err := e.db.AuditEntries(ctx, "t1", store.AuditFilter{Entity: "invoice", EntityID: fmt.Sprint(first.ID)})
	must(t, err)
	if len(entries) != 2 || entries[1].Action != "void" || entries[1].Actor != "acc-void" ||
		string(entries[1].Before) != `{"status": "open"}` || string(entries[1].After) != `{"status": "void", "releasedWorklogs": 4}` {
		t.Fatalf("void audit %+v", entries)
	}
}

package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

func TestListInvoicesFiltersAndPages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, store.Options{})
	install(t, e.db, "t1")
	acme := createCustomer(t, e.db, "t1", customerFixture("Acme"))
	globex := createCustomer(t, e.db, "t1", customerFixture("Globex"))

	// Invoices 1..6; the fixture's due date is 2026-03-16.
	ids := map[string]int64{}
	for i, name := range []string{"open-acme", "partial-acme", "paid-acme", "void-globex", "open-globex", "settled-partial-globex"} {
		c := acme
		if i >= 3 {
			c = globex
		}
		ids[name] = insertInvoice(t, e.db, "t1", c, "INV-"+name, worklogsFixture(int64(100*(i+1)), 2, 1)).ID
	}
	set := func(name, sql string) {
		_, err := e.pool.Exec(ctx, `UPDATE invoices SET `+sql+` WHERE id = $1`, ids[name])
		must(t, err)
	}
	set("partial-acme", `status = 'partially_paid', paid = 1`)
	set("paid-acme", `status = 'paid', paid = total`)
	must(t, e.db.VoidInvoice(ctx, nil, "t1", ids["void-globex"], "acc"))
	set("open-globex", `due_date = '2026-04-30'`)
	set("settled-partial-globex", `status = 'partially_paid', paid = total`) // no balance left

	names := func(invs []invoice.Invoice) []string {
		var out []string
		for _, inv := range invs {
			out = append(out, inv.Number[len("INV-"):])
			if inv.Lines != nil {
				t.Fatal("lists must not load lines")
			}
		}
		return out
	}
	day := func(s string) *invoice.Date { d, err := invoice.ParseDate(s); must(t, err); return &d }
	for _, tc := range []struct {
		name string
		f    store.InvoiceFilter
		want []string
	}{
		{"all, newest first", store.InvoiceFilter{}, []string{"settled-partial-globex", "open-globex", "void-globex", "paid-acme", "partial-acme", "open-acme"}},
		{"status", store.InvoiceFilter{Status: []invoice.Status{invoice.StatusOpen, invoice.StatusVoid}}, []string{"open-globex", "void-globex", "open-acme"}},
		{"customer", store.InvoiceFilter{CustomerID: acme.ID}, []string{"paid-acme", "partial-acme", "open-acme"}},
		{"overdue on the due date", store.InvoiceFilter{OverdueOn: day("2026-03-16")}, nil},
		{"overdue the day after", store.InvoiceFilter{OverdueOn: day("2026-03-17")}, []string{"partial-acme", "open-acme"}},
		{"overdue in May", store.InvoiceFilter{OverdueOn: day("2026-05-01")}, []string{"open-globex", "partial-acme", "open-acme"}},
		{"combined", store.InvoiceFilter{CustomerID: globex.ID, Status: []invoice.Status{invoice.StatusOpen}, OverdueOn: day("2026-05-01")}, []string{"open-globex"}},
	} {
		got, next, err := e.db.ListInvoices(ctx, "t1", tc.f, store.Page{})
		must(t, err)
		if !slices.Equal(names(got), tc.want) || next != "" {
			t.Errorf("%s: got %v (next %q), want %v", tc.name, names(got), next, tc.want)
		}
	}

	// Pages of 4 then 2, newest first, no repeats.
	page1, next, err := e.db.ListInvoices(ctx, "t1", store.InvoiceFilter{}, store.Page{Limit: 4})
	must(t, err)
	page2, last, err := e.db.ListInvoices(ctx, "t1", store.InvoiceFilter{}, store.Page{Limit: 4, Cursor: next})
	must(t, err)
	if got := append(names(page1), names(page2)...); len(page1) != 4 || last != "" ||
		!slices.Equal(got, []string{"settled-partial-globex", "open-globex", "void-globex", "paid-acme", "partial-acme", "open-acme"}) {
		t.Fatalf("pages %v then %v (last cursor %q)", names(page1), names(page2), last)
	}
	_, _, err = e.db.ListInvoices(ctx, "t1", store.InvoiceFilter{}, store.Page{Cursor: "not-a-cursor"})
	wantKind(t, err, remit.Invalid)
}

func TestInvoiceIssueLink(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, store.Options{})
	install(t, e.db, "t1")
	c := createCustomer(t, e.db, "t1", customerFixture("Acme"))
	inv := insertInvoice(t, e.db, "t1", c, "INV-1", worklogsFixture(1, 2, 1))
	other := insertInvoice(t, e.db, "t1", c, "INV-2", worklogsFixture(10, 2, 1))

	_, err := e.db.InvoiceByIssueKey(ctx, "t1", "BILL-7")
	wantKind(t, err, remit.NotFound)
	must(t, e.db.SetInvoiceIssue(ctx, nil, "t1", inv.ID, "BILL-7", "20007"))
	got, err := e.db.InvoiceByIssueKey(ctx, "t1", "BILL-7")
	must(t, err)
	if got.ID != inv.ID || got.IssueKey != "BILL-7" || len(got.Lines) != 1 {
		t.Fatalf("InvoiceByIssueKey = %+v", got)
	}
	wantKind(t, e.db.SetInvoiceIssue(ctx, nil, "t1", other.ID, "BILL-7", "20008"), remit.Conflict)
	wantKind(t, e.db.SetInvoiceIssue(ctx, nil, "t1", 999, "BILL-9", "20009"), remit.NotFound)
	wantKind(t, e.db.SetInvoiceIssue(ctx, nil, "t1", inv.ID, "", ""), remit.Invalid)

	must(t, e.db.MarkInvoiceIssueDeleted(ctx, nil, "t1", inv.ID))
	if n := count(t, e.pool, `SELECT count(*) FROM invoices WHERE id = $1 AND jira_deleted`, inv.ID); n != 1 {
		t.Fatal("issue not marked deleted")
	}
	entries, err := e.db.AuditEntries(ctx, "t1", store.AuditFilter{Entity: "invoice", EntityID: fmt.Sprint(inv.ID)})
	must(t, err)
	if last := entries[len(entries)-1]; last.Action != "issue_deleted" || last.Actor != "jira" {
		t.Fatalf("last audit entry %+v", last)
	}
	wantKind(t, e.db.MarkInvoiceIssueDeleted(ctx, nil, "t1", 999), remit.NotFound)
	// A re-created issue clears the flag.
	must(t, e.db.SetInvoiceIssue(ctx, nil, "t1", inv.ID, "BILL-8", "20010"))
	if n := count(t, e.pool, `SELECT count(*) FROM invoices WHERE id = $1 AND NOT jira_deleted AND jira_issue_key = 'BILL-8'`, inv.ID); n != 1 {
		t.Fatal("re-linking did not clear the deleted flag")
	}

	err = e.db.InTx(ctx, func(tx *store.Tx) error {
		locked, err := e.db.InvoiceForUpdate(ctx, tx, "t1", inv.ID)
		if err != nil {
			return err
		}
		if locked.Number != "INV-1" || locked.Lines != nil {
			t.Errorf("InvoiceForUpdate = %+v", locked)
		}
		_, err = e.db.InvoiceForUpdate(ctx, tx, "t1", 999)
		wantKind(t, err, remit.NotFound)
		return nil
	})
	must(t, err)
}

func TestIssueBilling(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, store.Options{})
	install(t, e.db, "t1")
	c := createCustomer(t, e.db, "t1", customerFixture("Acme"))
	// First invoice: ACME-1 and ACME-2, 2 worklogs each; alice's worklog on
	// ACME-1 has her own rate, so ACME-1 is on two lines.
	wl := worklogsFixture(1, 4, 2)
	wl[0].AuthorID = "alice"
	first := insertInvoice(t, e.db, "t1", c, "INV-1", wl)
	must(t, e.db.SetInvoiceIssue(ctx, nil, "t1", first.ID, "BILL-1", "30001"))
	must(t, e.db.VoidInvoice(ctx, nil, "t1", first.ID, "acc"))
	second := insertInvoice(t, e.db, "t1", c, "INV-2", worklogsFixture(1, 4, 2)) // re-billed after the void

	got, err := e.db.IssueBilling(ctx, "t1", "ACME-1")
	must(t, err)
	if len(got) != 2 {
		t.Fatalf("IssueBilling = %+v, want two invoices", got)
	}
	newest, voided := got[0], got[1]
	if newest.InvoiceID != second.ID || newest.Status != invoice.StatusOpen || newest.Seconds != 7080 || newest.InvoiceIssueKey != "" ||
		newest.Amount.String() != "186.83" || newest.DueDate.String() != "2026-03-16" || newest.Currency != "USD" {
		t.Errorf("newest = %+v", newest)
	}
	// 3540 s × 140 / 3600 = 137.67 (alice) + 3540 s × 95 / 3600 = 93.42.
	if voided.InvoiceID != first.ID || voided.Number != "INV-1" || voided.Status != invoice.StatusVoid || voided.Seconds != 7080 ||
		voided.Amount.String() != "231.09" || voided.InvoiceIssueKey != "BILL-1" {
		t.Errorf("voided = %+v", voided)
	}
	none, err := e.db.IssueBilling(ctx, "t1", "ACME-99")
	must(t, err)
	if len(none) != 0 {
		t.Fatalf("IssueBilling of an unbilled issue = %+v", none)
	}
}

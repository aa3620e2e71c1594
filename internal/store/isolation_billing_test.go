package store_test

import (
	"context"
	"testing"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// seededAuditRows is how many audit entries seedBilling writes.
const seededAuditRows = 3

// seedBilling gives tenant a settings, the customer "Acme", the sequence
// "2026" at 1 and invoice INV-2026-0001 (issue BILL-1) billing worklogs
// 1..3 of ACME-1, for the isolation checks.
func seedBilling(t *testing.T, e env, tenant string) {
	t.Helper()
	ctx := context.Background()
	must(t, e.db.PutSettings(ctx, nil, tenant, invoice.DefaultSettings(), "acc-a"))
	c := createCustomer(t, e.db, tenant, customerFixture("Acme"))
	var id int64
	must(t, e.db.InTx(ctx, func(tx *store.Tx) error {
		seq, err := e.db.NextInvoiceNumber(ctx, tx, tenant, "2026")
		if err != nil || seq != 1 {
			t.Fatalf("NextInvoiceNumber = %d, %v", seq, err)
		}
		wl := worklogsFixture(1, 3, 1)
		inv := invoiceFixture(c, "INV-2026-0001", wl)
		err = e.db.InsertInvoice(ctx, tx, tenant, &inv, wl, "acc-a")
		id = inv.ID
		return err
	}))
	must(t, e.db.SetInvoiceIssue(ctx, nil, tenant, id, "BILL-1", "40001"))
}

// billingState renders every billing row of tenant, to prove another
// tenant's call changed none of them.
func billingState(t *testing.T, e env, tenant string) string {
	t.Helper()
	var s string
	err := e.pool.QueryRow(context.Background(), `SELECT concat_ws(' | ',
		(SELECT doc::text FROM settings WHERE client_key = $1),
		(SELECT string_agg(c::text, ';' ORDER BY id) FROM customers c WHERE client_key = $1),
		(SELECT string_agg(i::text, ';' ORDER BY id) FROM invoices i WHERE client_key = $1),
		(SELECT string_agg(l::text, ';' ORDER BY invoice_id, position) FROM invoice_lines l WHERE client_key = $1),
		(SELECT string_agg(b::text, ';' ORDER BY worklog_id) FROM billed_worklogs b WHERE client_key = $1),
		(SELECT string_agg(q::text, ';' ORDER BY scope) FROM invoice_sequences q WHERE client_key = $1))`, tenant).Scan(&s)
	must(t, err)
	return s
}

// billedTenant is a fresh database with one installed tenant whose
// billing is seeded, and the id of its invoice.
func billedTenant(t *testing.T, tenant string) (env, int64) {
	t.Helper()
	e := newEnv(t, store.Options{})
	install(t, e.db, tenant)
	seedBilling(t, e, tenant)
	return e, idOf(t, e, "invoices", tenant)
}

// idOf is the id of tenant's only row in table.
func idOf(t *testing.T, e env, table, tenant string) int64 {
	t.Helper()
	var id int64
	must(t, e.pool.QueryRow(context.Background(), `SELECT id FROM `+table+` WHERE client_key = $1`, tenant).Scan(&id))
	return id
}

// billingIsolationChecks are TestTenantIsolation's checks for settings,
// customers and invoices: B's calls with A's ids find nothing, and A's
// rows are byte for byte the same afterwards.
func billingIsolationChecks(a, b string) map[string]func(t *testing.T, e env) {
	ctx := context.Background()
	// unchanged wraps a check with the proof that A's rows did not move.
	unchanged := func(check func(t *testing.T, e env)) func(t *testing.T, e env) {
		return func(t *testing.T, e env) {
			before := billingState(t, e, a)
			check(t, e)
			if after := billingState(t, e, a); after != before {
				t.Fatalf("B's call changed A's rows:\nbefore %s\n after %s", before, after)
			}
		}
	}
	notFound := func(t *testing.T, err error) { t.Helper(); wantKind(t, err, remit.NotFound) }
	return map[string]func(t *testing.T, e env){
		"GetSettings": unchanged(func(t *testing.T, e env) {
			if _, ok, err := e.db.GetSettings(ctx, b); err != nil || ok {
				t.Fatalf("B sees settings (ok %v, err %v)", ok, err)
			}
		}),
		"PutSettings": unchanged(func(t *testing.T, e env) {
			s := invoice.DefaultSettings()
			s.BillingProjectKey = "BBB"
			must(t, e.db.PutSettings(ctx, nil, b, s, "acc-b"))
		}),
		"CreateCustomer": unchanged(func(t *testing.T, e env) {
			createCustomer(t, e.db, b, customerFixture("Acme")) // A's name is free for B
		}),
		"UpdateCustomer": unchanged(func(t *testing.T, e env) {
			c := customerFixture("Taken over")
			c.ID = idOf(t, e, "customers", a)
			notFound(t, e.db.UpdateCustomer(ctx, nil, b, &c, "acc-b"))
		}),
		"Customer": unchanged(func(t *testing.T, e env) {
			_, err := e.db.Customer(ctx, b, idOf(t, e, "customers", a))
			notFound(t, err)
		}),
		"ListCustomers": unchanged(func(t *testing.T, e env) {
			got, _, err := e.db.ListCustomers(ctx, b, store.Page{})
			if err != nil || len(got) != 0 {
				t.Fatalf("B lists %d customers (err %v)", len(got), err)
			}
		}),
		"ArchiveCustomer": unchanged(func(t *testing.T, e env) {
			notFound(t, e.db.ArchiveCustomer(ctx, nil, b, idOf(t, e, "customers", a), "acc-b"))
		}),
		"NextInvoiceNumber": unchanged(func(t *testing.T, e env) {
			must(t, e.db.InTx(ctx, func(tx *store.Tx) error {
				n, err := e.db.NextInvoiceNumber(ctx, tx, b, "2026")
				if err == nil && n != 1 {
					t.Fatalf("B's first number is %d: it shares A's sequence", n)
				}
				return err
			}))
		}),
		"InsertInvoice": unchanged(func(t *testing.T, e env) {
			// B may not bill A's customer.
			wl := worklogsFixture(1, 3, 1)
			stolen := invoiceFixture(invoice.Customer{ID: idOf(t, e, "customers", a), Name: "Acme", Currency: "USD", HourlyRate: d("1")}, "X-1", wl)
			notFound(t, e.db.InsertInvoice(ctx, nil, b, &stolen, wl, "acc-b"))
			// Worklog ids and numbers are per site: B bills its own 1..3 as INV-2026-0001.
			c := createCustomer(t, e.db, b, customerFixture("Acme"))
			insertInvoice(t, e.db, b, c, "INV-2026-0001", wl)
		}),
		"InsertIssued": unchanged(func(t *testing.T, e env) {
			// B may not issue against A's customer; its own invoice keeps its document.
			wl := worklogsFixture(1, 3, 1)
			doc := invoice.Document{Version: invoice.DocumentVersion, Kind: invoice.KindInvoice, Number: "X-1"}
			stolen := invoiceFixture(invoice.Customer{ID: idOf(t, e, "customers", a), Name: "Acme", Currency: "USD", HourlyRate: d("1")}, "X-1", wl)
			notFound(t, e.db.InsertIssued(ctx, nil, b, &stolen, doc, wl, "acc-b"))
			c := createCustomer(t, e.db, b, customerFixture("Acme"))
			own := invoiceFixture(c, "INV-2026-0001", wl)
			doc.Number = own.Number
			must(t, e.db.InsertIssued(ctx, nil, b, &own, doc, wl, "acc-b"))
			parts, err := e.db.InvoiceDocument(ctx, nil, b, own.ID)
			must(t, err)
			if parts.Document == nil || parts.Document.Number != own.Number {
				t.Fatalf("B's invoice kept document %+v, want number %s", parts.Document, own.Number)
			}
			draft := invoiceFixture(c, "", worklogsFixture(10, 1, 1))
			draft.Status = invoice.StatusDraft
			if err := e.db.InsertIssued(ctx, nil, b, &draft, doc, nil, "acc-b"); !remit.IsKind(err, remit.Invalid) {
				t.Fatalf("a draft with a document: %v, want Invalid", err)
			}
		}),
		"BilledWorklogs": unchanged(func(t *testing.T, e env) {
			got, err := e.db.BilledWorklogs(ctx, b, []int64{1, 2, 3})
			if err != nil || len(got) != 0 {
				t.Fatalf("B sees A's billed worklogs %v (err %v)", got, err)
			}
		}),
		"Invoice": unchanged(func(t *testing.T, e env) {
			_, err := e.db.Invoice(ctx, b, idOf(t, e, "invoices", a))
			notFound(t, err)
		}),
		"InvoiceByIssueKey": unchanged(func(t *testing.T, e env) {
			_, err := e.db.InvoiceByIssueKey(ctx, b, "BILL-1")
			notFound(t, err)
		}),
		"InvoiceForUpdate": unchanged(func(t *testing.T, e env) {
			must(t, e.db.InTx(ctx, func(tx *store.Tx) error {
				_, err := e.db.InvoiceForUpdate(ctx, tx, b, idOf(t, e, "invoices", a))
				notFound(t, err)
				return nil
			}))
		}),
		"ListInvoices": unchanged(func(t *testing.T, e env) {
			for _, f := range []store.InvoiceFilter{{}, {CustomerID: idOf(t, e, "customers", a)}, {Status: []invoice.Status{invoice.StatusOpen}}} {
				got, _, err := e.db.ListInvoices(ctx, b, f, store.Page{})
				if err != nil || len(got) != 0 {
					t.Fatalf("B lists %d invoices with %+v (err %v)", len(got), f, err)
				}
			}
		}),
		"SetInvoiceIssue": unchanged(func(t *testing.T, e env) {
			notFound(t, e.db.SetInvoiceIssue(ctx, nil, b, idOf(t, e, "invoices", a), "BBB-1", "1"))
		}),
		"MarkInvoiceIssueDeleted": unchanged(func(t *testing.T, e env) {
			notFound(t, e.db.MarkInvoiceIssueDeleted(ctx, nil, b, idOf(t, e, "invoices", a)))
		}),
		"VoidInvoice": unchanged(func(t *testing.T, e env) {
			notFound(t, e.db.VoidInvoice(ctx, nil, b, idOf(t, e, "invoices", a), "acc-b"))
		}),
		"IssueBilling": unchanged(func(t *testing.T, e env) {
			got, err := e.db.IssueBilling(ctx, b, "ACME-1")
			if err != nil || len(got) != 0 {
				t.Fatalf("B sees A's billing of ACME-1: %+v (err %v)", got, err)
			}
		}),
	}
}

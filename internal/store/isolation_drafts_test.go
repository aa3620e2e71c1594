package store_test

import (
	"context"
	"testing"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// draftIsolationChecks are TestTenantIsolation's checks for drafts and
// issued documents: A gets a draft, and B's calls with its id find
// nothing and change none of A's rows.
func draftIsolationChecks(a, b string) map[string]func(t *testing.T, e env) {
	ctx := context.Background()
	// withDraft gives A a draft and runs check with its id, proving A's
	// rows did not move.
	withDraft := func(check func(t *testing.T, e env, id int64)) func(t *testing.T, e env) {
		return func(t *testing.T, e env) {
			c := createCustomer(t, e.db, a, customerFixture("Drafted"))
			wl := worklogsFixture(100, 1, 1)
			inv := invoiceFixture(c, "", wl)
			inv.Status = invoice.StatusDraft
			must(t, e.db.InsertInvoice(ctx, nil, a, &inv, wl, "acc-a"))
			before := billingState(t, e, a)
			check(t, e, inv.ID)
			if after := billingState(t, e, a); after != before {
				t.Fatalf("B's call changed A's rows:\nbefore %s\n after %s", before, after)
			}
		}
	}
	return map[string]func(t *testing.T, e env){
		"InvoiceDocument": withDraft(func(t *testing.T, e env, id int64) {
			_, err := e.db.InvoiceDocument(ctx, nil, b, id)
			wantKind(t, err, remit.NotFound)
		}),
		"SetDraftItems": withDraft(func(t *testing.T, e env, id int64) {
			inv := invoice.Invoice{ID: id}
			wantKind(t, e.db.SetDraftItems(ctx, nil, b, &inv, nil, invoice.Discount{}, "acc-b"), remit.NotFound)
		}),
		"DeleteDraft": withDraft(func(t *testing.T, e env, id int64) {
			wantKind(t, e.db.DeleteDraft(ctx, nil, b, id, "acc-b"), remit.NotFound)
		}),
		"FinalizeDraft": withDraft(func(t *testing.T, e env, id int64) {
			err := e.db.InTx(ctx, func(tx *store.Tx) error {
				return e.db.FinalizeDraft(ctx, tx, b, id, invoice.Document{Version: invoice.DocumentVersion, Kind: invoice.KindInvoice, Number: "B-1",
					IssueDate: invoice.Date{Year: 2026, Month: 3, Day: 2}, DueDate: invoice.Date{Year: 2026, Month: 4, Day: 1}}, "acc-b")
			})
			wantKind(t, err, remit.NotFound)
		}),
	}
}

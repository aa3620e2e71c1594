package store_test

import (
	"context"
	"testing"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// correctionState renders A's payments, plan, invoices and credit notes.
func correctionState(t *testing.T, e env, tenant string) string {
	t.Helper()
	var s string
	must(t, e.pool.QueryRow(context.Background(),
		`SELECT coalesce(string_agg(c::text, ';' ORDER BY id), '') FROM credit_notes c WHERE client_key = $1`, tenant).Scan(&s))
	return paymentState(t, e, tenant) + " | " + s
}

// seedCreditNoteOfA gives A's invoice a credit note of 0.50 (net 0.50).
func seedCreditNoteOfA(t *testing.T, e env, a string, id int64) {
	t.Helper()
	ctx := context.Background()
	must(t, e.db.InTx(ctx, func(tx *store.Tx) error {
		cn := invoice.CreditNote{InvoiceID: id, Number: "CN-2026-0001", IssueDate: invoice.Date{Year: 2026, Month: 3, Day: 3},
			Reason: "typo", Amount: d("0.50"), Tax: d("0"), Total: d("0.50"),
			Document: invoice.Document{Version: invoice.DocumentVersion, Kind: invoice.KindCreditNote, Number: "CN-2026-0001", Currency: "USD"}}
		return e.db.AddCreditNote(ctx, tx, a, &cn, invoice.StatusPartiallyPaid, "acc-a")
	}))
}

// correctionIsolationChecks are TestTenantIsolation's checks for credit
// notes, payment reversals and late-fee waivers.
func correctionIsolationChecks(a, b string) map[string]func(t *testing.T, e env) {
	ctx := context.Background()
	guard := func(check func(t *testing.T, e env, id, paymentID int64)) func(t *testing.T, e env) {
		return func(t *testing.T, e env) {
			id := idOf(t, e, "invoices", a)
			seedPaymentsOfA(t, e, a, id)
			seedCreditNoteOfA(t, e, a, id)
			before := correctionState(t, e, a)
			check(t, e, id, idOf(t, e, "payments", a))
			if after := correctionState(t, e, a); after != before {
				t.Fatalf("B's call changed A's rows:\nbefore %s\n after %s", before, after)
			}
		}
	}
	inTx := func(t *testing.T, e env, fn func(tx *store.Tx) error) error {
		t.Helper()
		return e.db.InTx(ctx, fn)
	}
	return map[string]func(t *testing.T, e env){
		"AddCreditNote": guard(func(t *testing.T, e env, id, _ int64) {
			err := inTx(t, e, func(tx *store.Tx) error {
				cn := invoice.CreditNote{InvoiceID: id, Number: "CN-B-1", IssueDate: invoice.Date{Year: 2026, Month: 3, Day: 3},
					Reason: "b", Amount: d("0.10"), Tax: d("0"), Total: d("0.10"), Document: invoice.Document{Kind: invoice.KindCreditNote}}
				return e.db.AddCreditNote(ctx, tx, b, &cn, invoice.StatusPaid, "acc-b")
			})
			wantKind(t, err, remit.NotFound)
		}),
		"CreditNotes": guard(func(t *testing.T, e env, id, _ int64) {
			got, err := e.db.CreditNotes(ctx, b, id)
			if err != nil || len(got) != 0 {
				t.Fatalf("B sees A's credit notes %+v (err %v)", got, err)
			}
		}),
		"CreditNote": guard(func(t *testing.T, e env, id, _ int64) {
			_, err := e.db.CreditNote(ctx, b, id, idOf(t, e, "credit_notes", a))
			wantKind(t, err, remit.NotFound)
		}),
		"CreditedNet": guard(func(t *testing.T, e env, id, _ int64) {
			got, err := e.db.CreditedNet(ctx, nil, b, id)
			if err != nil || !got.IsZero() {
				t.Fatalf("B sees A's credited net %s (err %v)", got, err)
			}
		}),
		"PaymentsIn": guard(func(t *testing.T, e env, id, _ int64) {
			must(t, inTx(t, e, func(tx *store.Tx) error {
				got, err := e.db.PaymentsIn(ctx, tx, b, id)
				if err != nil || len(got) != 0 {
					t.Fatalf("B sees A's payments %+v (err %v)", got, err)
				}
				return nil
			}))
		}),
		"ReversePayment": guard(func(t *testing.T, e env, id, paymentID int64) {
			err := inTx(t, e, func(tx *store.Tx) error {
				_, err := e.db.ReversePayment(ctx, tx, b, id, paymentID, "acc-b", "b", invoice.StatusOpen)
				return err
			})
			wantKind(t, err, remit.Unprocessable)
		}),
		"ReturnPayment": guard(func(t *testing.T, e env, id, paymentID int64) {
			err := inTx(t, e, func(tx *store.Tx) error {
				_, err := e.db.ReturnPayment(ctx, tx, b, id, paymentID, d("0.10"), string(invoice.StatusPartiallyPaid))
				return err
			})
			wantKind(t, err, remit.Unprocessable)
		}),
		"WaiveLateFees": guard(func(t *testing.T, e env, id, _ int64) {
			err := inTx(t, e, func(tx *store.Tx) error { return e.db.WaiveLateFees(ctx, tx, b, id, d("0.01"), invoice.StatusOpen) })
			wantKind(t, err, remit.NotFound)
		}),
	}
}

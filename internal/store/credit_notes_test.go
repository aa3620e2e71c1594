package store_test

import (
	"context"
	"testing"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// TestCorrectionsNeverTakeTheBalanceBelowZero shows the database refusing,
// by itself, a credit note or a waiver that would leave a negative
// balance, whatever status the caller computed; a reversal brings paid
// back to the sum of the payments left; and erasing an account reaches
// who issued a credit note and who reversed a payment.
func TestCorrectionsNeverTakeTheBalanceBelowZero(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e, id := billedTenant(t, "t1")
	inv, err := e.db.Invoice(ctx, "t1", id)
	must(t, err)
	credit := func(total string) error {
		return e.db.InTx(ctx, func(tx *store.Tx) error {
			cn := invoice.CreditNote{InvoiceID: id, Number: "CN-" + total, IssueDate: inv.IssueDate, Reason: "r",
				Amount: d(total), Tax: d("0"), Total: d(total), Document: invoice.Document{Kind: invoice.KindCreditNote}}
			return e.db.AddCreditNote(ctx, tx, "t1", &cn, invoice.StatusPaid, "acc-a")
		})
	}
	over := inv.Total.Add(d("0.01")).StringFixed(2)
	err = credit(over)
	wantKind(t, err, remit.Unprocessable)
	must(t, e.db.AddPayment(ctx, nil, "t1", id, &invoice.Payment{Amount: d("1.00"), PaidOn: inv.IssueDate, Method: "cash", RecordedBy: "acc-b"}, invoice.StatusPartiallyPaid))
	err = credit(inv.Total.StringFixed(2))
	wantKind(t, err, remit.Unprocessable)
	must(t, credit(inv.Total.Sub(d("1.00")).StringFixed(2)))

	err = e.db.InTx(ctx, func(tx *store.Tx) error { return e.db.WaiveLateFees(ctx, tx, "t1", id, d("0.01"), invoice.StatusPaid) })
	wantKind(t, err, remit.Unprocessable) // no late fees to waive

	ps, err := e.db.Payments(ctx, "t1", id)
	must(t, err)
	must(t, e.db.InTx(ctx, func(tx *store.Tx) error {
		paid, err := e.db.ReversePayment(ctx, tx, "t1", id, ps[0].ID, "acc-a", "wrong invoice", invoice.StatusOpen)
		if err == nil && !paid.IsZero() {
			t.Errorf("paid after reversing the only payment = %s", paid)
		}
		return err
	}))
	after, err := e.db.Invoice(ctx, "t1", id)
	must(t, err)
	if !after.Balance().Equal(d("1.00")) || after.Status != invoice.StatusOpen {
		t.Fatalf("after credit and reversal: %s balance %s", after.Status, after.Balance())
	}

	_, err = e.db.EraseAccount(ctx, "t1", "acc-a")
	must(t, err)
	if left := count(t, e.pool, `SELECT count(*) FROM (
		SELECT 1 FROM credit_notes WHERE created_by = 'acc-a'
		UNION ALL SELECT 1 FROM payments WHERE reversed_by = 'acc-a') x`); left != 0 {
		t.Fatalf("%d correction rows still name acc-a", left)
	}
}

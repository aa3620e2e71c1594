package billing_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/billing"
	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/jira"
	"github.com/remitapp/remit/internal/remit"
)

// issued creates the November invoice (350.00 USD, no tax), syncs it to
// Jira and returns it with its issue key.
func (b *testBundle) issued(t *testing.T) (invoice.Invoice, string) {
	t.Helper()
	inv, err := b.svc.Create(b.ctx, b.manager, b.november())
	if err != nil {
		t.Fatal(err)
	}
	b.syncAll(t)
	return inv, b.site.Created()[0].Key
}

// comments are the plain texts of the comments on the issue.
func (b *testBundle) comments(t *testing.T, key string) []string {
	t.Helper()
	var out []string
	for _, c := range b.site.Comments(key) {
		if s, ok := jira.ParagraphText(c.Body); ok {
			out = append(out, s)
		}
	}
	return out
}

// creditNoteCount is how many credit notes the tenant has.
func (b *testBundle) creditNoteCount(t *testing.T) int {
	t.Helper()
	var n int
	if err := b.pool.QueryRow(b.ctx, `SELECT count(*) FROM credit_notes WHERE client_key = $1`, b.tenant.ClientKey).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func requireField(t *testing.T, err error, kind remit.Kind, field string) {
	t.Helper()
	requireKind(t, err, kind)
	var re *remit.Error
	if !errors.As(err, &re) || re.Fields[field] == "" {
		t.Fatalf("error %v does not name the field %q", err, field)
	}
}

// TestCreditNoteWithinAndOverTheBalance credits part of an invoice, is
// refused a credit beyond what is left, then credits the rest: the
// invoice is settled by credit and its issue moves to Paid.
func TestCreditNoteWithinAndOverTheBalance(t *testing.T) {
	t.Parallel()
	b := setup(t)
	inv, key := b.issued(t)

	inv, cn, err := b.svc.IssueCreditNote(b.ctx, b.manager, inv.ID, invoice.CreditNoteInput{Amount: "50.00", Reason: "Hours billed twice"})
	if err != nil {
		t.Fatal(err)
	}
	if cn.Number != "CN-2026-0001" || cn.Total.String() != "50" || inv.Status != invoice.StatusOpen || inv.Balance().String() != "300" {
		t.Fatalf("after a credit of 50: note %s of %s, invoice %s with balance %s", cn.Number, cn.Total, inv.Status, inv.Balance())
	}
	if len(inv.CreditNotes) != 1 || inv.CreditNotes[0].Number != cn.Number || inv.Credited.String() != "50" {
		t.Fatalf("invoice read lists credit notes %+v, credited %s", inv.CreditNotes, inv.Credited)
	}
	b.syncAll(t)
	if p := b.property(t, key); p.Balance.String() != "300.00" || p.Status != "open" {
		t.Fatalf("property after the credit = %+v", p)
	}
	if c := b.comments(t, key); len(c) != 1 || !strings.Contains(c[0], "Credit note CN-2026-0001 issued for 50.00 USD") || !strings.Contains(c[0], "Hours billed twice") {
		t.Fatalf("comments = %q", c)
	}

	_, _, err = b.svc.IssueCreditNote(b.ctx, b.manager, inv.ID, invoice.CreditNoteInput{Amount: "300.01", Reason: "too much"})
	requireField(t, err, remit.Unprocessable, "amount")
	if n := b.creditNoteCount(t); n != 1 {
		t.Fatalf("%d credit notes after a refusal", n)
	}

	inv, cn, err = b.svc.IssueCreditNote(b.ctx, b.manager, inv.ID, invoice.CreditNoteInput{Amount: "300.00", Reason: "Goodwill"})
	if err != nil {
		t.Fatal(err)
	}
	if cn.Number != "CN-2026-0002" || inv.Status != invoice.StatusPaid || !inv.Balance().IsZero() {
		t.Fatalf("after crediting the rest: note %s, invoice %s with balance %s", cn.Number, inv.Status, inv.Balance())
	}
	b.syncAll(t)
	if is, _ := b.site.Issue(key); is.Status != "Paid" {
		t.Fatalf("issue status = %q, want Paid", is.Status)
	}
	pdf, name, err := b.svc.CreditNotePDF(b.ctx, b.viewer, inv.ID, cn.ID)
	if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF-")) || name != "CN-2026-0002.pdf" {
		t.Fatalf("credit note PDF %q (%d bytes): %v", name, len(pdf), err)
	}
	_, _, err = b.svc.CreditNotePDF(b.ctx, b.viewer, inv.ID, cn.ID+100)
	requireKind(t, err, remit.NotFound)
	entries, err := b.svc.AuditLog(b.ctx, b.viewer, inv.ID, 0, 50)
	if err != nil {
		t.Fatal(err)
	}
	credits := 0
	for _, e := range entries {
		var after struct {
			CreditNote struct{ Number, Total string } `json:"creditNote"`
		}
		if err := json.Unmarshal(e.After, &after); err != nil {
			t.Fatal(err)
		}
		if e.Action == "credit_note" && e.Actor == managerID && after.CreditNote.Number == "CN-2026-0002" && after.CreditNote.Total == "300.00" {
			credits++
		}
	}
	if credits != 1 {
		t.Fatalf("audit entries %+v lack the second credit note", entries)
	}
}

// TestCreditNoteNumbersAreGaplessUnderConcurrency issues credit notes
// from several goroutines at once on two invoices, each also asking for
// one that is refused: the numbers run 1..n without a gap or a repeat.
func TestCreditNoteNumbersAreGaplessUnderConcurrency(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var ids []int64
	for _, p := range []invoice.Period{{Start: date("2026-11-01"), End: date("2026-11-07")}, {Start: date("2026-11-08"), End: date("2026-11-14")}} {
		inv, err := b.svc.Create(b.ctx, b.manager, billingRequest(b, p))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, inv.ID)
	}
	const workers = 8
	var wg sync.WaitGroup
	errs := make(chan error, 2*workers)
	for i := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := ids[i%2]
			if _, _, err := b.svc.IssueCreditNote(b.ctx, b.manager, id, invoice.CreditNoteInput{Amount: "10.00", Reason: fmt.Sprintf("credit %d", i)}); err != nil {
				errs <- err
			}
			_, _, err := b.svc.IssueCreditNote(b.ctx, b.manager, id, invoice.CreditNoteInput{Amount: "10.00"})
			if !remit.IsKind(err, remit.Unprocessable) {
				errs <- fmt.Errorf("a credit note without a reason: %w", err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	var numbers []string
	for _, id := range ids {
		cns, err := b.db.CreditNotes(b.ctx, b.tenant.ClientKey, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, cn := range cns {
			numbers = append(numbers, cn.Number)
		}
	}
	slices.Sort(numbers)
	var want []string
	for i := 1; i <= workers; i++ {
		want = append(want, fmt.Sprintf("CN-2026-%04d", i))
	}
	if !slices.Equal(numbers, want) {
		t.Fatalf("credit note numbers %v, want %v", numbers, want)
	}
}

func billingRequest(b *testBundle, p invoice.Period) billing.GenerateRequest {
	r := b.november()
	r.Period = p
	return r
}

// TestReversalReopensAPaidInvoice pays an invoice in full, reverses the
// payment: it stays listed, marked reversed, the invoice reopens, its
// follow-ups resume and its issue leaves Paid.
func TestReversalReopensAPaidInvoice(t *testing.T) {
	t.Parallel()
	b := setup(t)
	inv, key := b.issued(t)
	inv, p, err := b.svc.RecordPayment(b.ctx, b.manager, inv.ID, invoice.PaymentInput{Amount: "350.00", PaidOn: date("2026-11-16"), Method: "bank"})
	if err != nil {
		t.Fatal(err)
	}
	b.syncAll(t)
	if is, _ := b.site.Issue(key); is.Status != "Paid" || inv.Status != invoice.StatusPaid {
		t.Fatalf("paid in full: invoice %s, issue %q", inv.Status, is.Status)
	}

	_, err = b.svc.ReversePayment(b.ctx, b.manager, inv.ID, p.ID, "  ")
	requireField(t, err, remit.Unprocessable, "reason")
	_, err = b.svc.ReversePayment(b.ctx, b.manager, inv.ID, p.ID+100, "typo")
	requireKind(t, err, remit.NotFound)

	inv, err = b.svc.ReversePayment(b.ctx, b.manager, inv.ID, p.ID, "Recorded 350 instead of 35")
	if err != nil {
		t.Fatal(err)
	}
	if inv.Status != invoice.StatusOpen || !inv.Paid.IsZero() || inv.Balance().String() != "350" {
		t.Fatalf("after the reversal: %s, paid %s, balance %s", inv.Status, inv.Paid, inv.Balance())
	}
	if len(inv.Payments) != 1 || !inv.Payments[0].Reversed || inv.Payments[0].ReversedBy != managerID ||
		inv.Payments[0].ReversalReason != "Recorded 350 instead of 35" || inv.Payments[0].ReversedAt == nil {
		t.Fatalf("payments after the reversal = %+v", inv.Payments)
	}
	var next *string
	if err := b.pool.QueryRow(b.ctx, `SELECT next_action_at::text FROM invoices WHERE id = $1`, inv.ID).Scan(&next); err != nil {
		t.Fatal(err)
	}
	if next == nil {
		t.Fatal("the reopened invoice has no follow-up scheduled")
	}
	b.syncAll(t)
	if is, _ := b.site.Issue(key); is.Status == "Paid" {
		t.Fatal("the issue stayed in Paid")
	}
	if pr := b.property(t, key); pr.Status != "open" || pr.Balance.String() != "350.00" {
		t.Fatalf("property after the reversal = %+v", pr)
	}
	if c := b.comments(t, key); len(c) != 1 || !strings.Contains(c[0], "reversed (reason: Recorded 350 instead of 35)") {
		t.Fatalf("comments = %q", c)
	}
	_, err = b.svc.ReversePayment(b.ctx, b.manager, inv.ID, p.ID, "again")
	requireKind(t, err, remit.Unprocessable)
	if _, _, err := b.svc.RecordPayment(b.ctx, b.manager, inv.ID, invoice.PaymentInput{Amount: "35.00", PaidOn: date("2026-11-16"), Method: "bank"}); err != nil {
		t.Fatalf("the right payment after the reversal: %v", err)
	}
}

// TestWaiverBounds waives late fees: never more than is outstanding,
// never without a reason, and the balance follows.
func TestWaiverBounds(t *testing.T) {
	t.Parallel()
	b := setup(t)
	inv, _ := b.issued(t)
	_, err := b.svc.WaiveLateFees(b.ctx, b.manager, inv.ID, "1.00", "no fees yet")
	requireField(t, err, remit.Unprocessable, "amount")
	if err := b.db.SetInvoiceLateFees(b.ctx, nil, b.tenant.ClientKey, inv.ID, decimal.RequireFromString("25.00"), "system", "final notice"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ amount, reason, field string }{
		{"25.01", "x", "amount"}, {"0", "x", "amount"}, {"-1", "x", "amount"}, {"1.001", "x", "amount"},
		{"ten", "x", "amount"}, {"", "x", "amount"}, {"5.00", " ", "reason"},
	} {
		_, err := b.svc.WaiveLateFees(b.ctx, b.manager, inv.ID, c.amount, c.reason)
		requireField(t, err, remit.Unprocessable, c.field)
	}
	inv, err = b.svc.WaiveLateFees(b.ctx, b.manager, inv.ID, "10.00", "First time late")
	if err != nil {
		t.Fatal(err)
	}
	if inv.Balance().String() != "365" || inv.LateFeesWaived.String() != "10" {
		t.Fatalf("after waiving 10 of 25: balance %s, waived %s", inv.Balance(), inv.LateFeesWaived)
	}
	if inv, err = b.svc.WaiveLateFees(b.ctx, b.manager, inv.ID, "15.00", "Rest of it"); err != nil {
		t.Fatal(err)
	}
	if inv.Balance().String() != "350" || invoice.LateFeesOutstanding(&inv).Sign() != 0 {
		t.Fatalf("after waiving all: balance %s", inv.Balance())
	}
	_, err = b.svc.WaiveLateFees(b.ctx, b.manager, inv.ID, "0.01", "more")
	requireField(t, err, remit.Unprocessable, "amount")
}

// TestCorrectionsNeedManage refuses every correction to people who may
// only read the billing project, or not even that, and changes nothing.
func TestCorrectionsNeedManage(t *testing.T) {
	t.Parallel()
	b := setup(t)
	inv, _ := b.issued(t)
	inv, p, err := b.svc.RecordPayment(b.ctx, b.manager, inv.ID, invoice.PaymentInput{Amount: "100.00", PaidOn: date("2026-11-16"), Method: "bank"})
	if err != nil {
		t.Fatal(err)
	}
	stranger := b.viewer
	stranger.AccountID = strangerID
	for _, who := range []struct {
		name string
		a    billing.Actor
	}{{"viewer", b.viewer}, {"stranger", stranger}} {
		_, _, err := b.svc.IssueCreditNote(b.ctx, who.a, inv.ID, invoice.CreditNoteInput{Amount: "1.00", Reason: "x"})
		requireKind(t, err, remit.Forbidden)
		_, err = b.svc.ReversePayment(b.ctx, who.a, inv.ID, p.ID, "x")
		requireKind(t, err, remit.Forbidden)
		_, err = b.svc.WaiveLateFees(b.ctx, who.a, inv.ID, "1.00", "x")
		requireKind(t, err, remit.Forbidden)
	}
	after, err := b.svc.Invoice(b.ctx, b.manager, inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if after.Balance().String() != "250" || b.creditNoteCount(t) != 0 {
		t.Fatalf("refusals changed the invoice: balance %s, %d credit notes", after.Balance(), b.creditNoteCount(t))
	}
}

// TestCreditNoteBadInputs answers each bad credit note 422 naming the
// field, and spends no number on it.
func TestCreditNoteBadInputs(t *testing.T) {
	t.Parallel()
	b := setup(t)
	inv, _ := b.issued(t)
	for _, c := range []struct {
		in    invoice.CreditNoteInput
		field string
	}{
		{invoice.CreditNoteInput{Amount: "10.00"}, "reason"},
		{invoice.CreditNoteInput{Reason: "x"}, "amount"},
		{invoice.CreditNoteInput{Amount: "10.00", Reason: "x", Lines: []invoice.LineItemInput{{Kind: "fixed", Description: "d", Amount: "1.00"}}}, "amount"},
		{invoice.CreditNoteInput{Amount: "1.001", Reason: "x"}, "amount"},
		{invoice.CreditNoteInput{Amount: "0", Reason: "x"}, "amount"},
		{invoice.CreditNoteInput{Amount: "350.01", Reason: "x"}, "amount"},
		{invoice.CreditNoteInput{Reason: "x", Lines: []invoice.LineItemInput{{Kind: "fixed", Description: "d", Quantity: "1", UnitPrice: "400.00", Amount: "400.00"}}}, "lines"},
	} {
		_, _, err := b.svc.IssueCreditNote(b.ctx, b.manager, inv.ID, c.in)
		requireField(t, err, remit.Unprocessable, c.field)
	}
	if n := b.creditNoteCount(t); n != 0 {
		t.Fatalf("%d credit notes after refusals", n)
	}
	_, cn, err := b.svc.IssueCreditNote(b.ctx, b.manager, inv.ID, invoice.CreditNoteInput{Reason: "Setup fee waived",
		Lines: []invoice.LineItemInput{{Kind: "fixed", Description: "Setup", Quantity: "1", UnitPrice: "20.00", Amount: "20.00"}}})
	if err != nil {
		t.Fatal(err)
	}
	if cn.Number != "CN-2026-0001" || cn.Total.String() != "20" {
		t.Fatalf("first accepted credit note %s of %s: refusals spent numbers", cn.Number, cn.Total)
	}
	_, err = b.svc.Void(b.ctx, b.manager, inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = b.svc.IssueCreditNote(b.ctx, b.manager, inv.ID, invoice.CreditNoteInput{Amount: "1.00", Reason: "x"})
	requireKind(t, err, remit.Unprocessable)
	_, _, err = b.svc.IssueCreditNote(b.ctx, b.manager, inv.ID+100, invoice.CreditNoteInput{Amount: "1.00", Reason: "x"})
	requireKind(t, err, remit.NotFound)
}

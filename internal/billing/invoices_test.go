package billing_test

import (
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/jira/jirafake"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// TestCreateBillsTheWorklogsOfThePeriodOnce checks invoice creation from
// Jira's worklogs: the period's worklogs become the invoice's lines, the
// sync job is enqueued with it, and the sync creates exactly one Jira
// issue with the invoice's property, linked to the billed work and in
// the open status, even when Jira's answer to the create was lost.
// Billed worklogs are not billed again.
func TestCreateBillsTheWorklogsOfThePeriodOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)

	inv, err := b.svc.Create(b.ctx, b.manager, b.november())
	if err != nil {
		t.Fatal(err)
	}
	if inv.Total.String() != "350" || len(inv.Lines) != 1 || inv.Status != invoice.StatusOpen || inv.Number != "INV-2026-0001" {
		t.Fatalf("invoice = %s %s %s with %d lines, want INV-2026-0001 open 350 (3.5h at 100) on 1 line", inv.Number, inv.Status, inv.Total, len(inv.Lines))
	}
	if ids := b.syncJobs(t); len(ids) != 1 || ids[0] != inv.ID {
		t.Fatalf("sync jobs enqueued for %v, want [%d]", ids, inv.ID)
	}

	b.site.FailAfterWrite(jirafake.MethodCreateIssue, jirafake.Lost(jirafake.MethodCreateIssue))
	if errs := b.runSync(t, inv.ID); len(errs) != 1 {
		t.Fatalf("sync attempts that did not finish: %v, want the one whose create answer was lost", errs)
	}
	created := b.site.Created()
	if len(created) != 1 || b.site.Calls(jirafake.MethodCreateIssue) != 1 {
		t.Fatalf("issues created = %v in %d calls, want exactly one", created, b.site.Calls(jirafake.MethodCreateIssue))
	}
	key := created[0].Key
	got, err := b.svc.Invoice(b.ctx, b.viewer, inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.IssueKey != key {
		t.Fatalf("invoice issue = %q, want %q", got.IssueKey, key)
	}
	is, _ := b.site.Issue(key)
	if is.Project != "BILL" || is.Status != "Sent" || !strings.Contains(is.Summary, inv.Number) {
		t.Fatalf("issue = %s in %s, %q, %q; want BILL, Sent, naming %s", key, is.Project, is.Status, is.Summary, inv.Number)
	}
	if p := b.property(t, key); p.Number != inv.Number || p.Status != "open" || p.Balance.String() != "350.00" {
		t.Fatalf("property = %+v", p)
	}
	if links := b.site.Links(); len(links) != 1 || links[0].Inward != key || links[0].Outward != b.work {
		t.Fatalf("links = %+v, want %s relates to %s", links, key, b.work)
	}

	_, err = b.svc.Create(b.ctx, b.manager, b.november())
	requireKind(t, err, remit.Unprocessable)
	if n := b.invoiceCount(t); n != 1 {
		t.Fatalf("%d invoices after billing the same work again, want 1", n)
	}
	ib, err := b.svc.IssueBilling(b.ctx, b.viewer, b.work)
	if err != nil {
		t.Fatal(err)
	}
	if ib.LoggedSeconds != 4.5*3600 || ib.BilledSeconds != 3.5*3600 || len(ib.Invoices) != 1 {
		t.Fatalf("issue billing = %+v, want 4.5h logged, 3.5h billed on one invoice", ib)
	}
}

// TestPaymentsUpToPaidMoveTheIssue records a partial and then the last
// payment: the invoice goes partially paid, then paid; Jira's property
// follows the balance and the issue moves to the paid status once. A
// payment beyond the balance is refused and a paid invoice cannot be voided.
func TestPaymentsUpToPaidMoveTheIssue(t *testing.T) {
	t.Parallel()
	b := setup(t)
	inv, err := b.svc.Create(b.ctx, b.manager, b.november())
	if err != nil {
		t.Fatal(err)
	}
	b.syncAll(t)
	key := b.site.Created()[0].Key

	inv, _, err = b.svc.RecordPayment(b.ctx, b.manager, inv.ID, invoice.PaymentInput{Amount: "100.00", PaidOn: date("2026-11-16"), Method: "bank"})
	if err != nil {
		t.Fatal(err)
	}
	if inv.Status != invoice.StatusPartiallyPaid {
		t.Fatalf("status after 100 of 350 = %s", inv.Status)
	}
	b.syncAll(t)
	if p := b.property(t, key); p.Status != "partially_paid" || p.Balance.String() != "250.00" {
		t.Fatalf("property after a partial payment = %+v", p)
	}
	_, _, err = b.svc.RecordPayment(b.ctx, b.manager, inv.ID, invoice.PaymentInput{Amount: "250.01", PaidOn: date("2026-11-16"), Method: "bank"})
	requireKind(t, err, remit.Unprocessable)

	inv, _, err = b.svc.RecordPayment(b.ctx, b.manager, inv.ID, invoice.PaymentInput{Amount: "250.00", PaidOn: date("2026-11-16"), Method: "bank"})
	if err != nil {
		t.Fatal(err)
	}
	if inv.Status != invoice.StatusPaid || !inv.Balance().IsZero() {
		t.Fatalf("after the last payment: %s with balance %s", inv.Status, inv.Balance())
	}
	b.syncAll(t)
	if is, _ := b.site.Issue(key); is.Status != "Paid" {
		t.Fatalf("issue status = %q, want Paid", is.Status)
	}
	toPaid := 0
	for _, m := range b.site.Moves() {
		if m.Key == key && m.To == "Paid" {
			toPaid++
		}
	}
	if toPaid != 1 {
		t.Fatalf("moves = %+v, want one to Paid", b.site.Moves())
	}
	_, err = b.svc.Void(b.ctx, b.manager, inv.ID)
	requireKind(t, err, remit.Unprocessable)
}

// TestVoidReleasesTheWorkAndCancelsTheIssue voids an unpaid invoice: the
// issue moves to the void status and the work can be billed again.
func TestVoidReleasesTheWorkAndCancelsTheIssue(t *testing.T) {
	t.Parallel()
	b := setup(t)
	inv, err := b.svc.Create(b.ctx, b.manager, b.november())
	if err != nil {
		t.Fatal(err)
	}
	b.syncAll(t)
	key := b.site.Created()[0].Key

	_, err = b.svc.Void(b.ctx, b.viewer, inv.ID)
	requireKind(t, err, remit.Forbidden)
	inv, err = b.svc.Void(b.ctx, b.manager, inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if inv.Status != invoice.StatusVoid {
		t.Fatalf("status = %s, want void", inv.Status)
	}
	b.syncAll(t)
	if is, _ := b.site.Issue(key); is.Status != "Cancelled" {
		t.Fatalf("issue status = %q, want Cancelled", is.Status)
	}
	if p := b.property(t, key); p.Status != "void" {
		t.Fatalf("property status = %q, want void", p.Status)
	}
	again, err := b.svc.Create(b.ctx, b.manager, b.november())
	if err != nil {
		t.Fatalf("billing the released work again: %v", err)
	}
	if again.Total.String() != "350" {
		t.Fatalf("second invoice total = %s, want 350", again.Total)
	}
}

// TestJiraStatusMoveIsAppliedOnlyForManagers moves the invoice issue to
// the paid status in Jira. A viewer's move is refused: the invoice stays
// open, the sync moves the issue back and posts one notice comment (one,
// even when Jira's answer to it was lost). A manager's move records a
// payment of the balance.
func TestJiraStatusMoveIsAppliedOnlyForManagers(t *testing.T) {
	t.Parallel()
	b := setup(t)
	inv, err := b.svc.Create(b.ctx, b.manager, b.november())
	if err != nil {
		t.Fatal(err)
	}
	b.syncAll(t)
	key := b.site.Created()[0].Key

	delivery, err := b.site.Move(key, "Paid", viewerID)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.svc.IssueUpdated(b.ctx, b.tenant.ClientKey, delivery); err != nil {
		t.Fatal(err)
	}
	if got, _ := b.svc.Invoice(b.ctx, b.viewer, inv.ID); got.Status != invoice.StatusOpen {
		t.Fatalf("a viewer's move made the invoice %s", got.Status)
	}
	b.site.FailAfterWrite(jirafake.MethodAddComment, jirafake.Lost(jirafake.MethodAddComment))
	ids := b.syncJobs(t)
	if len(ids) != 1 {
		t.Fatalf("sync jobs after the refused move: %v", ids)
	}
	if errs := b.runSync(t, ids[0]); len(errs) != 1 {
		t.Fatalf("failed attempts = %v, want the one whose comment answer was lost", errs)
	}
	if is, _ := b.site.Issue(key); is.Status != "Sent" {
		t.Fatalf("issue status after the refused move = %q, want it moved back to Sent", is.Status)
	}
	comments := b.site.Comments(key)
	if len(comments) != 1 || !strings.Contains(string(comments[0].Body), "Remit did not apply the move") {
		t.Fatalf("comments = %d %q, want one notice", len(comments), comments)
	}

	delivery, err = b.site.Move(key, "Paid", managerID)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.svc.IssueUpdated(b.ctx, b.tenant.ClientKey, delivery); err != nil {
		t.Fatal(err)
	}
	got, err := b.svc.Detail(b.ctx, b.tenant.ClientKey, inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != invoice.StatusPaid || len(got.Payments) != 1 || got.Payments[0].Method != invoice.MethodJiraTransition {
		t.Fatalf("after a manager's move: %s with payments %+v", got.Status, got.Payments)
	}
}

// TestPermissionRefusals checks who may do what, as Jira's permissions
// say: reading needs Browse Projects on the billing project, changing
// needs Administer Projects, and work
// of a project the person may not browse is refused whole.
func TestPermissionRefusals(t *testing.T) {
	t.Parallel()
	b := setup(t)
	stranger := b.viewer
	stranger.AccountID = strangerID

	_, err := b.svc.Create(b.ctx, b.viewer, b.november())
	requireKind(t, err, remit.Forbidden)
	_, err = b.svc.Preview(b.ctx, b.viewer, b.november())
	requireKind(t, err, remit.Forbidden)
	if _, _, err := b.svc.Invoices(b.ctx, b.viewer, store.InvoiceFilter{}, store.Page{}); err != nil {
		t.Fatalf("a viewer's invoice list: %v", err)
	}
	_, _, err = b.svc.Invoices(b.ctx, stranger, store.InvoiceFilter{}, store.Page{})
	requireKind(t, err, remit.Forbidden)

	// Work in a project the manager may not browse refuses the invoice.
	hidden := b.site.AddIssue("HIDDEN", "Secret work")
	b.site.LogWork(hidden, "557058:dev", time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC), 3600)
	cust := b.cust
	cust.JQL = "project in (WORK, HIDDEN)"
	if _, err := b.setup.SaveCustomer(b.ctx, b.admin, cust); err != nil {
		t.Fatal(err)
	}
	_, err = b.svc.Create(b.ctx, b.manager, b.november())
	requireKind(t, err, remit.Forbidden)
	_, err = b.svc.IssueBilling(b.ctx, b.manager, hidden)
	requireKind(t, err, remit.NotFound)
	if n := b.invoiceCount(t); n != 0 {
		t.Fatalf("%d invoices after refusals", n)
	}
}

// TestJiraOutageChangesNothing checks the answers when Jira fails: an
// outage is Unavailable and leaves no invoice and no job.
func TestJiraOutageChangesNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)

	b.site.Down(jirafake.Unavailable())
	_, err := b.svc.Create(b.ctx, b.manager, b.november())
	requireKind(t, err, remit.Unavailable)
	b.site.Up()
	// Permissions are cached now; the worklog fetch alone fails.
	if _, err := b.svc.Preview(b.ctx, b.manager, b.november()); err != nil {
		t.Fatal(err)
	}
	b.site.FailNext(jirafake.MethodWorklogs, jirafake.RateLimited(0))
	_, err = b.svc.Create(b.ctx, b.manager, b.november())
	requireKind(t, err, remit.Unavailable)
	if n := b.invoiceCount(t); n != 0 || len(b.syncJobs(t)) != 0 {
		t.Fatalf("%d invoices and sync jobs after Jira failed", n)
	}

}

// TestMoveOutOfPaidReversesTheJiraPayment: a manager moves the invoice
// issue to Paid (a jira-transition payment of the balance), then back to
// Sent. The payment is reversed, with an audit entry and a notice, the
// invoice is open again for its whole balance, and the sync leaves the
// issue where the person put it. A second delivery of the same move
// changes nothing. An invoice paid by a payment recorded in Remit stays
// paid when its issue leaves Paid: the move is refused and audited.
func TestMoveOutOfPaidReversesTheJiraPayment(t *testing.T) {
	t.Parallel()
	b := setup(t)
	inv, err := b.svc.Create(b.ctx, b.manager, b.november())
	if err != nil {
		t.Fatal(err)
	}
	b.syncAll(t)
	key := b.site.Created()[0].Key
	move := func(to string) []byte {
		t.Helper()
		delivery, err := b.site.Move(key, to, managerID)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.svc.IssueUpdated(b.ctx, b.tenant.ClientKey, delivery); err != nil {
			t.Fatal(err)
		}
		return delivery
	}
	move("Paid")
	b.syncAll(t)
	b.clock.Set(b.clock.Now().Add(time.Minute))
	back := move("Sent")
	if err := b.svc.IssueUpdated(b.ctx, b.tenant.ClientKey, back); err != nil { // delivered twice
		t.Fatal(err)
	}
	got, err := b.svc.Detail(b.ctx, b.tenant.ClientKey, inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != invoice.StatusOpen || !got.Balance().Equal(inv.Total) || len(got.Payments) != 1 || !got.Payments[0].Reversed {
		t.Fatalf("after the move back: %s, balance %s, payments %+v", got.Status, got.Balance(), got.Payments)
	}
	if !strings.Contains(got.Payments[0].ReversalReason, `moved to "Sent" in Jira by `+managerID) {
		t.Errorf("reversal reason %q", got.Payments[0].ReversalReason)
	}
	entries, err := b.db.AuditEntries(b.ctx, b.tenant.ClientKey, store.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	reversals := 0
	for _, e := range entries {
		if e.Action == "payment_reversed" {
			reversals++
		}
	}
	if reversals != 1 {
		t.Fatalf("%d payment_reversed audit entries, want 1", reversals)
	}
	b.syncAll(t)
	if is, _ := b.site.Issue(key); is.Status != "Sent" {
		t.Fatalf("the sync moved the issue to %q; it stays where the person put it", is.Status)
	}

	// Paid in Remit, then the issue leaves Paid: refused, audited.
	if _, _, err := b.svc.RecordPayment(b.ctx, b.manager, inv.ID, invoice.PaymentInput{Amount: inv.Total.String(), PaidOn: inv.IssueDate, Method: "bank"}); err != nil {
		t.Fatal(err)
	}
	b.syncAll(t)
	b.clock.Set(b.clock.Now().Add(time.Minute))
	move("Sent")
	if got, _ := b.svc.Detail(b.ctx, b.tenant.ClientKey, inv.ID); got.Status != invoice.StatusPaid {
		t.Fatalf("an invoice paid in Remit became %s when its issue left Paid", got.Status)
	}
	b.syncAll(t)
	if is, _ := b.site.Issue(key); is.Status != "Paid" {
		t.Fatalf("issue of the invoice paid in Remit is in %q, want moved back to Paid", is.Status)
	}
}

// TestPaidMoveIsValuedAtTheMove: a manager moves the invoice issue to
// Paid; before the delivery is processed, a late fee of 40.00 is charged
// (the follow-up engine's step ran in between). The payment recorded is
// the balance at the move, the invoice's total, and the fee charged on an
// invoice already paid is waived (audited): the invoice is paid.
func TestPaidMoveIsValuedAtTheMove(t *testing.T) {
	t.Parallel()
	b := setup(t)
	inv, err := b.svc.Create(b.ctx, b.manager, b.november())
	if err != nil {
		t.Fatal(err)
	}
	b.syncAll(t)
	key := b.site.Created()[0].Key
	delivery, err := b.site.Move(key, "Paid", managerID)
	if err != nil {
		t.Fatal(err)
	}
	b.clock.Set(b.clock.Now().Add(time.Hour))
	if err := b.db.SetInvoiceLateFees(b.ctx, nil, b.tenant.ClientKey, inv.ID, decimal.RequireFromString("40"), "followup", "final-notice-30"); err != nil {
		t.Fatal(err)
	}
	if err := b.svc.IssueUpdated(b.ctx, b.tenant.ClientKey, delivery); err != nil {
		t.Fatal(err)
	}
	got, err := b.svc.Detail(b.ctx, b.tenant.ClientKey, inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != invoice.StatusPaid || len(got.Payments) != 1 || !got.Payments[0].Amount.Equal(inv.Total) ||
		!got.LateFeesWaived.Equal(decimal.RequireFromString("40")) {
		t.Fatalf("after the move: %s, payments %+v, fees %s waived %s", got.Status, got.Payments, got.LateFees, got.LateFeesWaived)
	}
}

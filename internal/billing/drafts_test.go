package billing_test

import (
	"errors"
	"testing"

	"github.com/remitapp/remit/internal/billing"
	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/remit"
)

// legal makes the tenant's settings and customer complete enough for an
// invoice to be issued (SPEC §4): the seller's address, tax id and
// payment details, the buyer's address and billing e-mail.
func (b *testBundle) legal(t *testing.T) {
	t.Helper()
	set, _, err := b.setup.Settings(b.ctx, b.admin)
	if err != nil {
		t.Fatal(err)
	}
	set.Seller.PostalAddress = invoice.Address{Street: "1 Main St", City: "Springfield", Postcode: "12345", Country: "US"}
	set.Seller.TaxID = "US-12-3456789"
	set.Payment = invoice.PaymentDetails{AccountName: "Remit Consulting LLC", AccountNumber: "021000021 1234567890"}
	if _, err := b.setup.PutSettings(b.ctx, b.admin, set); err != nil {
		t.Fatal(err)
	}
	c := b.cust
	c.Address = invoice.Address{Street: "5 Rue de la Paix", City: "Paris", Postcode: "75002", Country: "FR"}
	c.TaxID = "FR40303265045"
	c.BillingEmail = "ap@acme.example"
	if b.cust, err = b.setup.SaveCustomer(b.ctx, b.admin, c); err != nil {
		t.Fatal(err)
	}
}

// jobCount is how many jobs of kind wait on the queue.
func (b *testBundle) jobCount(t *testing.T, kind string) int {
	t.Helper()
	var n int
	if err := b.pool.QueryRow(b.ctx, `SELECT count(*) FROM river_job WHERE kind = $1`, kind).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// fieldOf is the problem a field error names for field, "" when none.
func fieldOf(err error, kind remit.Kind, field string) string {
	var re *remit.Error
	if !errors.As(err, &re) || re.Kind != kind {
		return ""
	}
	return re.Fields[field]
}

// TestDraftEditFinalize follows a draft from creation to issue: the
// draft has no number, no Jira job and no send job; an edit adds a fixed
// and an expense line and a discount and reprices it; finalize numbers
// it, keeps its document with every line and the tax, and enqueues the
// Jira issue and the e-mail; after that it cannot be edited, finalized
// again or deleted.
func TestDraftEditFinalize(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.legal(t)

	req := b.november()
	req.IssueDate = invoice.Date{}
	d, err := b.svc.CreateDraft(b.ctx, b.manager, req)
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != invoice.StatusDraft || d.Number != "" || d.Total.String() != "350" {
		t.Fatalf("draft = %q %s total %s, want an unnumbered draft of 350", d.Number, d.Status, d.Total)
	}
	if ids := b.syncJobs(t); len(ids) != 0 {
		t.Fatalf("a draft enqueued Jira syncs for %v", ids)
	}
	if n := b.jobCount(t, billing.SendArgs{}.Kind()); n != 0 {
		t.Fatalf("a draft enqueued %d sends", n)
	}

	edited, err := b.svc.EditDraft(b.ctx, b.manager, d.ID, billing.DraftEdit{
		Lines: []invoice.LineItemInput{
			{Kind: "fixed", Description: "Monthly retainer", Quantity: "1", UnitPrice: "500"},
			{Kind: "expense", Description: "Train to the client", Amount: "80.40", Receipt: "SNCF-1234"},
		},
		Discount: invoice.DiscountInput{Percent: "10"},
	})
	if err != nil {
		t.Fatal(err)
	}
	// (350 + 500 + 80.40) − 10% = 837.36; no tax at the customer's 0%.
	if edited.Status != invoice.StatusDraft || edited.Total.String() != "837.36" {
		t.Fatalf("edited draft = %s total %s, want a draft of 837.36", edited.Status, edited.Total)
	}

	inv, err := b.svc.Finalize(b.ctx, b.manager, d.ID, billing.FinalizeRequest{IssueDate: date("2026-11-15")})
	if err != nil {
		t.Fatal(err)
	}
	if inv.Status != invoice.StatusOpen || inv.Number != "INV-2026-0001" || inv.IssueDate != date("2026-11-15") ||
		inv.DueDate != date("2026-12-15") || inv.Total.String() != "837.36" {
		t.Fatalf("finalized = %s %s issued %s due %s total %s", inv.Number, inv.Status, inv.IssueDate, inv.DueDate, inv.Total)
	}
	parts, err := b.svc.Document(b.ctx, b.viewer, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	doc := parts.Document
	if doc == nil || doc.Number != inv.Number || len(doc.Lines) != 3 || doc.Buyer.TaxID != "FR40303265045" ||
		doc.Seller.Address.City != "Springfield" || !doc.Totals.Total.Equal(inv.Total) || len(doc.Totals.Taxes) != 1 {
		t.Fatalf("document = %+v", doc)
	}
	if ids := b.syncJobs(t); len(ids) != 1 || ids[0] != d.ID {
		t.Fatalf("sync jobs = %v, want [%d]", ids, d.ID)
	}
	if n := b.jobCount(t, billing.SendArgs{}.Kind()); n != 1 {
		t.Fatalf("send jobs = %d, want 1", n)
	}

	_, err = b.svc.EditDraft(b.ctx, b.manager, d.ID, billing.DraftEdit{Lines: []invoice.LineItemInput{{Kind: "fixed", Description: "More", Quantity: "1", UnitPrice: "1"}}})
	if !remit.IsKind(err, remit.Conflict) {
		t.Fatalf("edit after finalize: %v, want a conflict", err)
	}
	if _, err := b.svc.Finalize(b.ctx, b.manager, d.ID, billing.FinalizeRequest{}); !remit.IsKind(err, remit.Conflict) {
		t.Fatalf("second finalize: %v, want a conflict", err)
	}
	if err := b.svc.DeleteDraft(b.ctx, b.manager, d.ID); !remit.IsKind(err, remit.Conflict) {
		t.Fatalf("delete after finalize: %v, want a conflict", err)
	}
	if _, _, err := b.svc.PDF(b.ctx, b.viewer, d.ID); err != nil {
		t.Fatalf("PDF of the finalized invoice: %v", err)
	}
}

// TestFinalizeIssueDateRules refuses an issue date before the period's
// start or after today, naming issueDate, and leaves the draft a draft
// with no number used; it refuses a draft whose settings lack what a
// legal invoice states, naming those fields.
func TestFinalizeIssueDateRules(t *testing.T) {
	t.Parallel()
	b := setup(t)

	d, err := b.svc.CreateDraft(b.ctx, b.manager, b.november())
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.svc.Finalize(b.ctx, b.manager, d.ID, billing.FinalizeRequest{IssueDate: date("2026-11-10")})
	if fieldOf(err, remit.Unprocessable, "settings.seller.taxId") == "" || fieldOf(err, remit.Unprocessable, "customer.address") == "" || fieldOf(err, remit.Unprocessable, "settings.payment") == "" {
		t.Fatalf("finalize without the legal fields: %v %v, want them named", err, fieldsOf(err))
	}
	b.legal(t)
	for _, day := range []string{"2026-10-31", "2026-11-17"} { // before the period; after today (16 November)
		_, err := b.svc.Finalize(b.ctx, b.manager, d.ID, billing.FinalizeRequest{IssueDate: date(day)})
		if fieldOf(err, remit.Unprocessable, "issueDate") == "" {
			t.Fatalf("issue date %s: %v, want a 422 naming issueDate", day, err)
		}
	}
	got, err := b.svc.Invoice(b.ctx, b.viewer, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != invoice.StatusDraft || got.Number != "" {
		t.Fatalf("after refusals the draft is %q %s", got.Number, got.Status)
	}
	inv, err := b.svc.Finalize(b.ctx, b.manager, d.ID, billing.FinalizeRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if inv.Number != "INV-2026-0001" || inv.IssueDate != date("2026-11-16") {
		t.Fatalf("finalized as %s on %s, want INV-2026-0001 on today 2026-11-16", inv.Number, inv.IssueDate)
	}
}

// TestDraftBadEditsChangeNothing answers bad lines and discounts with a
// 422 naming the field and keeps the draft as it was; a deleted draft
// frees its worklogs for the next invoice.
func TestDraftBadEditsChangeNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)

	d, err := b.svc.CreateDraft(b.ctx, b.manager, b.november())
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		edit  billing.DraftEdit
		field string
	}{
		{billing.DraftEdit{Lines: []invoice.LineItemInput{{Kind: "fixed", Description: "X", Quantity: "0", UnitPrice: "1"}}}, "lines[0].quantity"},
		{billing.DraftEdit{Lines: []invoice.LineItemInput{{Kind: "expense", Description: "X", Amount: "1.001"}}}, "lines[0].amount"},
		{billing.DraftEdit{Lines: []invoice.LineItemInput{{Kind: "time", Description: "X"}}}, "lines[0].kind"},
		{billing.DraftEdit{Discount: invoice.DiscountInput{Percent: "120"}}, "discount.percent"},
		{billing.DraftEdit{Discount: invoice.DiscountInput{Amount: "9999"}}, "discount.amount"},
	}
	for _, c := range cases {
		_, err := b.svc.EditDraft(b.ctx, b.manager, d.ID, c.edit)
		if fieldOf(err, remit.Unprocessable, c.field) == "" {
			t.Errorf("edit %+v: %v, want a 422 naming %s", c.edit, err, c.field)
		}
	}
	parts, err := b.svc.Document(b.ctx, b.viewer, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(parts.Items) != 1 || parts.Items[0].Kind != invoice.LineTime || !parts.Discount.IsZero() {
		t.Fatalf("after refused edits the draft holds %+v with discount %+v", parts.Items, parts.Discount)
	}
	if _, err := b.svc.EditDraft(b.ctx, b.viewer, d.ID, billing.DraftEdit{}); !remit.IsKind(err, remit.Forbidden) {
		t.Fatalf("a viewer's edit: %v, want forbidden", err)
	}

	if err := b.svc.DeleteDraft(b.ctx, b.manager, d.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.Invoice(b.ctx, b.viewer, d.ID); !remit.IsKind(err, remit.NotFound) {
		t.Fatalf("deleted draft: %v, want not found", err)
	}
	again, err := b.svc.Create(b.ctx, b.manager, b.november())
	if err != nil {
		t.Fatalf("the deleted draft's work is not free to bill: %v", err)
	}
	if again.Number != "INV-2026-0001" {
		t.Fatalf("next invoice = %s, want INV-2026-0001: a draft takes no number", again.Number)
	}
}

func fieldsOf(err error) map[string]string {
	var re *remit.Error
	if errors.As(err, &re) {
		return re.Fields
	}
	return nil
}

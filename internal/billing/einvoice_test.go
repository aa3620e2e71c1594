package billing_test

import (
	"bytes"
	"testing"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/billing"
	"github.com/remitapp/remit/internal/einvoice"
	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// eCustomer makes the legal customer one that takes e-invoices in format.
func (b *testBundle) eCustomer(t *testing.T, format string) {
	t.Helper()
	c := b.cust
	c.TaxRatePercent, c.BuyerReference, c.EInvoiceFormat = decimal.RequireFromString("20"), "PO-4711", format
	var err error
	if b.cust, err = b.setup.SaveCustomer(b.ctx, b.admin, c); err != nil {
		t.Fatal(err)
	}
}

// TestEInvoiceOfAnIssuedInvoice: a draft has none (409); a finalized
// invoice has one in every format whose data it has, and a 422 naming
// what it lacks in the others; the seller's phone added to the settings
// later serves the invoice issued before. What followed the issue (a
// payment, a plan, late fees) leaves the e-invoice as it was. A credit
// note has its own, naming the invoice.
func TestEInvoiceOfAnIssuedInvoice(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.legal(t)
	b.eCustomer(t, "")
	d, err := b.svc.CreateDraft(b.ctx, b.manager, b.november())
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := b.svc.EInvoice(b.ctx, b.viewer, d.ID, einvoice.CII); !remit.IsKind(err, remit.Conflict) {
		t.Fatalf("e-invoice of a draft: %v, want a conflict", err)
	}
	inv, err := b.svc.Finalize(b.ctx, b.manager, d.ID, billing.FinalizeRequest{IssueDate: date("2026-11-15")})
	if err != nil {
		t.Fatal(err)
	}
	issued := map[einvoice.Format][]byte{}
	for _, f := range []einvoice.Format{einvoice.UBL, einvoice.CII} {
		xml, name, err := b.svc.EInvoice(b.ctx, b.viewer, inv.ID, f)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if name != inv.Number+"."+string(f)+".xml" || einvoice.Check(xml) != nil || !bytes.Contains(xml, []byte(inv.Number)) {
			t.Fatalf("%s: %s, check %v", f, name, einvoice.Check(xml))
		}
		issued[f] = xml
	}
	_, _, err = b.svc.EInvoice(b.ctx, b.viewer, inv.ID, einvoice.XRechnung)
	if fieldOf(err, remit.Unprocessable, "settings.seller.phone") == "" {
		t.Fatalf("xrechnung without the seller's phone: %v, want a 422 naming settings.seller.phone", err)
	}
	set, _, err := b.setup.Settings(b.ctx, b.admin)
	if err != nil {
		t.Fatal(err)
	}
	set.Seller.Phone = "+1 555 0100"
	if _, err := b.setup.PutSettings(b.ctx, b.admin, set); err != nil {
		t.Fatal(err)
	}
	if xml, _, err := b.svc.EInvoice(b.ctx, b.viewer, inv.ID, einvoice.XRechnung); err != nil || !bytes.Contains(xml, []byte("+1 555 0100")) {
		t.Fatalf("xrechnung with the phone: %v", err)
	}

	// What followed: a payment, a plan for the rest, and late fees.
	for f := range issued {
		if issued[f], _, err = b.svc.EInvoice(b.ctx, b.viewer, inv.ID, f); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := b.svc.RecordPayment(b.ctx, b.manager, inv.ID, invoice.PaymentInput{Amount: "10.00", PaidOn: date("2026-11-16"), Method: "bank"}); err != nil {
		t.Fatal(err)
	}
	rest := inv.Total.Sub(decimal.RequireFromString("10.00"))
	half := rest.Div(decimal.NewFromInt(2)).Round(2)
	if _, err := b.svc.SetPlan(b.ctx, b.manager, inv.ID, []invoice.InstallmentInput{
		{DueDate: date("2026-12-15"), Amount: half.StringFixed(2)}, {DueDate: date("2027-01-15"), Amount: rest.Sub(half).StringFixed(2)}}); err != nil {
		t.Fatal(err)
	}
	if err := b.db.InTx(b.ctx, func(tx *store.Tx) error {
		if _, err := b.db.InvoiceForUpdate(b.ctx, tx, b.tenant.ClientKey, inv.ID); err != nil {
			return err
		}
		return b.db.SetInvoiceLateFees(b.ctx, tx, b.tenant.ClientKey, inv.ID, decimal.RequireFromString("40.00"), "system", "late")
	}); err != nil {
		t.Fatal(err)
	}
	for f, want := range issued {
		xml, _, err := b.svc.EInvoice(b.ctx, b.viewer, inv.ID, f)
		if err != nil || !bytes.Equal(xml, want) {
			t.Errorf("%s after a payment, a plan and late fees: %v; the e-invoice changed:\n%s\n---\n%s", f, err, xml, want)
		}
	}

	_, cn, err := b.svc.IssueCreditNote(b.ctx, b.manager, inv.ID, invoice.CreditNoteInput{Amount: "20.00", Reason: "Goodwill"})
	if err != nil {
		t.Fatal(err)
	}
	xml, name, err := b.svc.CreditNoteEInvoice(b.ctx, b.viewer, inv.ID, cn.ID, einvoice.UBL)
	if err != nil || einvoice.Check(xml) != nil {
		t.Fatalf("credit note: %v / %v", err, einvoice.Check(xml))
	}
	if name != cn.Number+".ubl.xml" || !bytes.Contains(xml, []byte("<CreditNote")) || !bytes.Contains(xml, []byte(inv.Number)) {
		t.Fatalf("credit note %s does not name invoice %s:\n%s", name, inv.Number, xml)
	}
}

// TestSendAttachesTheCustomersEInvoice: the invoice e-mail carries the
// e-invoice in the customer's format beside the PDF (a Factur-X carrying
// the CII); a format the invoice lacks data for sends the PDF alone.
func TestSendAttachesTheCustomersEInvoice(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.legal(t)
	b.eCustomer(t, "cii")
	box := &outbox{}
	w := &billing.SendWorker{Service: b.svc, Mail: box}
	d, err := b.svc.CreateDraft(b.ctx, b.manager, b.november())
	if err != nil {
		t.Fatal(err)
	}
	inv, err := b.svc.Finalize(b.ctx, b.manager, d.ID, billing.FinalizeRequest{IssueDate: date("2026-11-15")})
	if err != nil {
		t.Fatal(err)
	}
	send := func() []string {
		t.Helper()
		box.sent = nil
		args := billing.SendArgs{ClientKey: b.tenant.ClientKey, InvoiceID: inv.ID}
		if err := w.Work(b.ctx, &river.Job[billing.SendArgs]{JobRow: &rivertype.JobRow{Attempt: 1, MaxAttempts: 10}, Args: args}); err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, a := range box.sent[0].Attachments {
			names = append(names, a.Name+" "+a.ContentType)
			if a.ContentType == "application/xml" && einvoice.Check(a.Data) != nil {
				t.Errorf("attached e-invoice fails the rules: %v", einvoice.Check(a.Data))
			}
		}
		return names
	}
	if got := send(); len(got) != 2 || got[1] != inv.Number+".cii.xml application/xml" {
		t.Fatalf("cii customer got %v, want the PDF and the CII", got)
	}
	b.eCustomer(t, "facturx")
	if got := send(); len(got) != 2 || got[1] != inv.Number+".facturx.pdf application/pdf" {
		t.Fatalf("facturx customer got %v, want the PDF and the Factur-X", got)
	}
	if cii, _, err := b.svc.EInvoice(b.ctx, b.viewer, inv.ID, einvoice.CII); err != nil || !bytes.Equal(embedded(t, box.sent[0].Attachments[1].Data), cii) {
		t.Fatalf("the attached Factur-X does not carry the CII (%v)", err)
	}
	b.eCustomer(t, "xrechnung") // the seller has no phone: BR-DE-6
	if got := send(); len(got) != 1 {
		t.Fatalf("xrechnung without the seller's phone got %v, want the PDF alone", got)
	}
}

package billing_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/remitapp/remit/internal/billing"
	"github.com/remitapp/remit/internal/einvoice"
	"github.com/remitapp/remit/internal/invoice"
)

// embedded is the factur-x.xml that poppler's pdfdetach reads out of pdf,
// after pdfinfo has read the file without complaint.
func embedded(t *testing.T, pdf []byte) []byte {
	t.Helper()
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.pdf"), filepath.Join(dir, "factur-x.xml")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	if b, err := exec.Command("pdfinfo", in).CombinedOutput(); err != nil {
		t.Fatalf("pdfinfo: %v\n%s", err, b)
	}
	list, err := exec.Command("pdfdetach", "-list", in).CombinedOutput()
	if err != nil || !strings.Contains(string(list), "1 embedded files") || !strings.Contains(string(list), "factur-x.xml") {
		t.Fatalf("pdfdetach -list: %v\n%s", err, list)
	}
	if b, err := exec.Command("pdfdetach", "-save", "1", "-o", out, in).CombinedOutput(); err != nil {
		t.Fatalf("pdfdetach -save: %v\n%s", err, b)
	}
	xml, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return xml
}

// TestFacturXCarriesTheCIIServed: the Factur-X of an invoice and of a
// credit note is a PDF whose embedded factur-x.xml is byte for byte the
// CII the API serves for the same document, and what followed the issue
// (a payment) changes neither; the invoice e-mail of a customer who takes
// Factur-X carries it beside the PDF.
func TestFacturXCarriesTheCIIServed(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.legal(t)
	b.eCustomer(t, "facturx")
	d, err := b.svc.CreateDraft(b.ctx, b.manager, b.november())
	if err != nil {
		t.Fatal(err)
	}
	inv, err := b.svc.Finalize(b.ctx, b.manager, d.ID, billing.FinalizeRequest{IssueDate: date("2026-11-15")})
	if err != nil {
		t.Fatal(err)
	}
	fx, name, err := b.svc.EInvoice(b.ctx, b.viewer, inv.ID, einvoice.FacturX)
	if err != nil {
		t.Fatal(err)
	}
	cii, _, err := b.svc.EInvoice(b.ctx, b.viewer, inv.ID, einvoice.CII)
	if err != nil {
		t.Fatal(err)
	}
	if name != inv.Number+".facturx.pdf" || !bytes.HasPrefix(fx, []byte("%PDF-")) {
		t.Fatalf("Factur-X named %s, starting %q", name, fx[:8])
	}
	if got := embedded(t, fx); !bytes.Equal(got, cii) {
		t.Fatalf("the embedded XML differs from the CII served (%d and %d bytes)", len(got), len(cii))
	}
	if _, _, err := b.svc.RecordPayment(b.ctx, b.manager, inv.ID, invoice.PaymentInput{Amount: "10.00", PaidOn: date("2026-11-16"), Method: "bank"}); err != nil {
		t.Fatal(err)
	}
	if again, _, err := b.svc.EInvoice(b.ctx, b.viewer, inv.ID, einvoice.FacturX); err != nil || !bytes.Equal(again, fx) {
		t.Fatalf("the Factur-X changed after a payment (%v)", err)
	}

	_, cn, err := b.svc.IssueCreditNote(b.ctx, b.manager, inv.ID, invoice.CreditNoteInput{Amount: "20.00", Reason: "Goodwill"})
	if err != nil {
		t.Fatal(err)
	}
	cnFX, cnName, err := b.svc.CreditNoteEInvoice(b.ctx, b.viewer, inv.ID, cn.ID, einvoice.FacturX)
	if err != nil {
		t.Fatal(err)
	}
	cnCII, _, err := b.svc.CreditNoteEInvoice(b.ctx, b.viewer, inv.ID, cn.ID, einvoice.CII)
	if err != nil {
		t.Fatal(err)
	}
	if got := embedded(t, cnFX); cnName != cn.Number+".facturx.pdf" || !bytes.Equal(got, cnCII) {
		t.Fatalf("credit note %s: the embedded XML differs from the CII served", cnName)
	}
}

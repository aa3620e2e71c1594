package einvoice

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/facturx"
	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/invoicepdf"
)

// TestEveryDocumentOfTheCorpusAsFacturX makes each document of the corpus
// a Factur-X file, as the API serves it: the printable document as issued
// with its CII embedded. poppler reads the file, and the XML pdfdetach
// takes out of it is byte for byte the CII, which passes the rules.
func TestEveryDocumentOfTheCorpusAsFacturX(t *testing.T) {
	for name, doc := range corpus(t) {
		t.Run(name, func(t *testing.T) {
			cii, err := Generate(&doc, FacturX.XML())
			if err != nil {
				t.Fatal(err)
			}
			var printable bytes.Buffer
			title := "Invoice " + doc.Number
			if doc.Kind == invoice.KindCreditNote {
				title = "Credit note " + doc.Number
				err = invoicepdf.RenderCreditNote(&printable, doc, "")
			} else {
				err = invoicepdf.RenderIssued(&printable, invoicepdf.Issued{Doc: doc, Balance: doc.Totals.Total})
			}
			if err != nil {
				t.Fatal(err)
			}
			fx, err := facturx.Embed(printable.Bytes(), cii, facturx.Meta{Title: title, Author: doc.Seller.Name, Created: doc.IssueDate.Start(time.UTC)})
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			in, out := filepath.Join(dir, FacturX.FileName(doc.Number)), filepath.Join(dir, facturx.FileName)
			if err := os.WriteFile(in, fx, 0o600); err != nil {
				t.Fatal(err)
			}
			if b, err := exec.Command("pdfinfo", in).CombinedOutput(); err != nil {
				t.Fatalf("pdfinfo: %v\n%s", err, b)
			}
			if b, err := exec.Command("pdfdetach", "-save", "1", "-o", out, in).CombinedOutput(); err != nil {
				t.Fatalf("pdfdetach: %v\n%s", err, b)
			}
			got, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, cii) {
				t.Fatalf("the embedded XML differs from the CII (%d and %d bytes)", len(got), len(cii))
			}
			if err := Check(got); err != nil {
				t.Fatal(err)
			}
		})
	}
}

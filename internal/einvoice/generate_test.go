package einvoice

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	speedata "github.com/speedata/einvoice"

	"github.com/remitapp/remit/internal/golden"
	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/remit"
)

// read parses an e-invoice Generate wrote.
func read(t *testing.T, xml []byte) *speedata.Invoice {
	t.Helper()
	inv, err := speedata.ParseReader(bytes.NewReader(xml))
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

func TestCorpusCoversWhatTheStandardAsks(t *testing.T) {
	docs := corpus(t)
	if len(docs) < 12 {
		t.Fatalf("corpus has %d documents, want at least 12", len(docs))
	}
	currencies, cats, kinds, lineKinds := map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}
	discounts := 0
	for _, d := range docs {
		currencies[string(d.Currency)] = true
		kinds[d.Kind] = true
		if !d.Discount.IsZero() {
			discounts++
		}
		for _, l := range d.Lines {
			cats[l.TaxCategory.Code()] = true
			lineKinds[string(l.Kind)] = true
		}
	}
	for _, want := range []string{"EUR", "GBP", "USD", "JPY", "KWD"} {
		if !currencies[want] {
			t.Errorf("no %s document", want)
		}
	}
	for _, want := range []string{"S", "Z", "E", "AE", "K", "G", "O"} {
		if !cats[want] {
			t.Errorf("no line of category %s", want)
		}
	}
	for _, want := range []string{"time", "fixed", "expense"} {
		if !lineKinds[want] {
			t.Errorf("no %s line", want)
		}
	}
	if !kinds[invoice.KindCreditNote] || !kinds[invoice.KindInvoice] || discounts < 2 {
		t.Errorf("kinds %v, %d discounted documents", kinds, discounts)
	}
}

// TestEveryFormatOfTheCorpusPassesTheRules writes each document in each
// format and reads it back: the library's rules for what the document
// claims to be (EN 16931; Peppol BIS for ubl; BR-DE for xrechnung) must
// hold, and what it states must be the document's figures.
func TestEveryFormatOfTheCorpusPassesTheRules(t *testing.T) {
	for name, doc := range corpus(t) {
		for _, f := range Formats {
			t.Run(name+"/"+string(f), func(t *testing.T) {
				out, err := Generate(&doc, f)
				if err != nil {
					t.Fatal(err)
				}
				if err := Check(out); err != nil {
					t.Fatal(err)
				}
				inv := read(t, out)
				if wantSyntax := map[bool]speedata.CodeSchemaType{true: speedata.UBL, false: speedata.CII}[f.ubl()]; inv.SchemaType != wantSyntax {
					t.Errorf("written in %v, want %v", inv.SchemaType, wantSyntax)
				}
				if got, want := inv.GuidelineSpecifiedDocumentContextParameter, f.spec(); got != want {
					t.Errorf("BT-24 %q, want %q", got, want)
				}
				if f == UBL && inv.BPSpecifiedDocumentContextParameter != processPeppol {
					t.Errorf("BT-23 %q", inv.BPSpecifiedDocumentContextParameter)
				}
				if (f == XRechnung) != inv.IsXRechnung() {
					t.Errorf("IsXRechnung = %v", inv.IsXRechnung())
				}
				wantType := speedata.CodeDocument(typeInvoice)
				if doc.Kind == invoice.KindCreditNote {
					wantType = typeCreditNote
					if len(inv.InvoiceReferencedDocument) != 1 || inv.InvoiceReferencedDocument[0].ID != doc.InvoiceNumber {
						t.Errorf("preceding invoice %+v, want %s", inv.InvoiceReferencedDocument, doc.InvoiceNumber)
					}
				}
				if inv.InvoiceTypeCode != wantType || inv.InvoiceNumber != doc.Number || inv.InvoiceCurrencyCode != string(doc.Currency) {
					t.Errorf("type %d number %s currency %s", inv.InvoiceTypeCode, inv.InvoiceNumber, inv.InvoiceCurrencyCode)
				}
				tot := doc.Totals
				for _, c := range []struct {
					what      string
					got, want string
				}{
					{"BT-106", inv.LineTotal.String(), tot.Subtotal.String()},
					{"BT-107", inv.AllowanceTotal.String(), tot.Discount.String()},
					{"BT-109", inv.TaxBasisTotal.String(), tot.TaxableBase.String()},
					{"BT-110", inv.TaxTotal.String(), tot.Tax.String()},
					{"BT-112", inv.GrandTotal.String(), tot.Total.String()},
					{"BT-115", inv.DuePayableAmount.String(), tot.Total.String()},
				} {
					if c.got != c.want {
						t.Errorf("%s = %s, want %s", c.what, c.got, c.want)
					}
				}
				if len(inv.InvoiceLines) != len(doc.Lines) || len(inv.TradeTaxes) != len(tot.Taxes) {
					t.Errorf("%d lines, %d VAT breakdowns; want %d, %d", len(inv.InvoiceLines), len(inv.TradeTaxes), len(doc.Lines), len(tot.Taxes))
				}
				if doc.Kind == invoice.KindInvoice {
					if len(inv.SpecifiedTradePaymentTerms) == 0 || !inv.SpecifiedTradePaymentTerms[0].DueDate.Equal(day(doc.DueDate)) {
						t.Errorf("due date %+v, want %s", inv.SpecifiedTradePaymentTerms, doc.DueDate)
					}
				}
				for i, l := range inv.InvoiceLines {
					if !l.Total.Equal(doc.Lines[i].Amount) {
						t.Errorf("line %d net %s, want %s", i+1, l.Total, doc.Lines[i].Amount)
					}
				}
			})
		}
	}
}

// TestWhereTheBindingsReadIt: what the library writes elsewhere is moved
// to where EN 16931's syntax bindings read it (binding.go).
func TestWhereTheBindingsReadIt(t *testing.T) {
	docs := corpus(t)
	std, o, k := docs["eur-standard-time-fixed-expense"], docs["usd-out-of-scope"], docs["eur-intra-community"]
	out, err := Generate(&std, UBL)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(out, []byte(`<?xml version="1.0" encoding="UTF-8"?>`)) ||
		!bytes.Contains(out, []byte("<cbc:IssueDate>2026-11-30</cbc:IssueDate>\n  <cbc:DueDate>2026-12-30</cbc:DueDate>")) ||
		bytes.Contains(out, []byte("PaymentDueDate")) {
		t.Errorf("UBL due date not in the header:\n%s", out)
	}
	for _, f := range Formats {
		out, err := Generate(&o, f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(out, []byte("Percent>")) {
			t.Errorf("%s: a rate on a not-subject-to-VAT document (BR-O-05):\n%s", f, out)
		}
	}
	for _, f := range []Format{UBL, XRechnung} {
		out, err := Generate(&k, f)
		if err != nil {
			t.Fatal(err)
		}
		if got := deliverToCountry(out); got != "AT" {
			t.Errorf("%s: deliver-to country %q, want AT", f, got)
		}
		without := bytes.Replace(out, []byte("<cbc:IdentificationCode>AT</cbc:IdentificationCode>\n        </cac:Country>\n      </cac:Address>"), []byte("</cac:Country>\n      </cac:Address>"), 1)
		if err := Check(without); err == nil || !strings.Contains(err.Error(), "BR-IC-12") {
			t.Errorf("%s without the deliver-to country: %v, want BR-IC-12", f, err)
		}
	}
	if deliverToCountry(out) != "" {
		t.Error("a deliver-to country on a document without one")
	}
}

// TestABrokenDocumentIsNeverServed: a document whose figures do not add
// up passes the data check but not the rules, and Generate refuses it as
// an internal error naming the rule, returning no XML.
func TestABrokenDocumentIsNeverServed(t *testing.T) {
	doc := corpus(t)["eur-standard-time-fixed-expense"]
	doc.Totals.Total = doc.Totals.Total.Add(dec("0.01"))
	for _, f := range Formats {
		out, err := Generate(&doc, f)
		if !remit.IsKind(err, remit.Internal) || !strings.Contains(err.Error(), "BR-CO-15") || out != nil {
			t.Errorf("%s: %v, %d bytes; want an internal error naming BR-CO-15 and no XML", f, err, len(out))
		}
	}
}

// TestMissingDataIsNamed: each datum a rule requires, removed from a
// document that passes, is refused as Unprocessable naming that field, in
// the formats whose rules require it and no other.
func TestMissingDataIsNamed(t *testing.T) {
	all := []Format{UBL, CII, XRechnung}
	ubl := []Format{UBL, XRechnung}
	cases := []struct {
		field   string
		formats []Format
		drop    func(d *invoice.Document)
	}{
		{"settings.seller.name", all, func(d *invoice.Document) { d.Seller.Name = "" }},
		{"settings.seller.postalAddress", all, func(d *invoice.Document) { d.Seller.Address = invoice.Address{} }},
		{"settings.seller.postalAddress.country", all, func(d *invoice.Document) { d.Seller.Address.Country = "" }},
		{"settings.seller.postalAddress.postcode", []Format{XRechnung}, func(d *invoice.Document) { d.Seller.Address.Postcode = "" }},
		{"settings.seller.taxId", all, func(d *invoice.Document) { d.Seller.TaxID = "" }},
		{"settings.seller.email", ubl, func(d *invoice.Document) { d.Seller.Email = "" }},
		{"settings.seller.phone", []Format{XRechnung}, func(d *invoice.Document) { d.Seller.Phone = "" }},
		{"settings.payment", []Format{XRechnung}, func(d *invoice.Document) { d.Payment = invoice.PaymentDetails{} }},
		{"customer.name", all, func(d *invoice.Document) { d.Buyer.Name = "" }},
		{"customer.address", all, func(d *invoice.Document) { d.Buyer.Address = invoice.Address{} }},
		{"customer.address.country", all, func(d *invoice.Document) { d.Buyer.Address.Country = "" }},
		{"customer.address.city", []Format{XRechnung}, func(d *invoice.Document) { d.Buyer.Address.City = "" }},
		{"customer.buyerReference", ubl, func(d *invoice.Document) { d.Buyer.BuyerReference = "" }},
		{"customer.peppolId", ubl, func(d *invoice.Document) { d.Buyer.PeppolID, d.Buyer.Email = "", "" }},
	}
	for _, c := range cases {
		for _, f := range all {
			doc := corpus(t)["eur-standard-time-fixed-expense"]
			c.drop(&doc)
			_, err := Generate(&doc, f)
			want := false
			for _, g := range c.formats {
				want = want || g == f
			}
			var re *remit.Error
			named := errors.As(err, &re) && re.Kind == remit.Unprocessable && re.Fields[c.field] != ""
			if named != want {
				t.Errorf("%s without %s: %v (fields %v), want named: %v", f, c.field, err, fieldsOf(err), want)
			}
			if !want && err != nil && !strings.Contains(c.field, "postalAddress") {
				t.Errorf("%s without %s: %v", f, c.field, err)
			}
		}
	}
}

func fieldsOf(err error) map[string]string {
	var re *remit.Error
	if errors.As(err, &re) {
		return re.Fields
	}
	return nil
}

// TestRulesThatNeedMore: what only some documents need is asked of those.
func TestRulesThatNeedMore(t *testing.T) {
	docs := corpus(t)
	rc := docs["eur-reverse-charge"]
	rc.Buyer.TaxID = ""
	if _, err := Generate(&rc, CII); fieldsOf(err)["customer.taxId"] == "" {
		t.Errorf("reverse charge without the buyer's VAT id: %v", err)
	}
	why := docs["eur-reverse-charge"]
	why.Totals.Taxes = append([]invoice.TaxSubtotal(nil), why.Totals.Taxes...)
	why.Totals.Taxes[0].Reason = ""
	if _, err := Generate(&why, CII); fieldsOf(err)["customer.taxExemptionReason"] == "" {
		t.Errorf("reverse charge without its reason: %v", err)
	}
	g := docs["kwd-export"]
	g.Seller.TaxID = "12-3456789"
	if _, err := Generate(&g, CII); fieldsOf(err)["settings.seller.taxId"] == "" {
		t.Errorf("export without the seller's VAT id: %v", err)
	}
	// A KWD document whose amounts are not whole hundredths cannot be
	// stated in EN 16931's two decimals.
	k := docs["kwd-export"]
	k.Lines[1].Amount = k.Lines[1].Amount.Add(dec("0.005"))
	k.Totals.Subtotal = k.Totals.Subtotal.Add(dec("0.005"))
	if _, err := Generate(&k, UBL); fieldsOf(err)["currency"] == "" {
		t.Errorf("KWD with fils: %v", err)
	}
	o := docs["usd-out-of-scope"]
	o.Lines = append(o.Lines, docs["eur-standard-time-fixed-expense"].Lines[0])
	if _, err := Generate(&o, CII); fieldsOf(err)["lines"] == "" {
		t.Errorf("out-of-scope beside standard lines: %v", err)
	}
}

// TestGoldenFiles pins one invoice's bytes in each format.
func TestGoldenFiles(t *testing.T) {
	doc := corpus(t)["eur-discount-percent-standard-and-zero"]
	for _, f := range Formats {
		out, err := Generate(&doc, f)
		if err != nil {
			t.Fatal(err)
		}
		golden.Check(t, f.FileName("invoice"), out)
	}
}

// repoRoot is the directory of go.mod above this test's directory.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}

// shared is a path under ../shared/einvoice seen from the repository:
// EN 16931's reference data, kept outside the project (its README).
func shared(t *testing.T, rel string) string {
	t.Helper()
	p := filepath.Join(repoRoot(t), "..", "shared", "einvoice", rel)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("EN 16931 reference data missing: %v (it lives in ../shared/einvoice beside the repository)", err)
	}
	return p
}

// TestCIIIsValidAgainstTheSchema holds every CII document of the corpus
// to the UN/CEFACT CII D16B XML Schema with xmllint.
func TestCIIIsValidAgainstTheSchema(t *testing.T) {
	xsd := shared(t, "cii-schema/uncefact/data/standard/CrossIndustryInvoice_100pD16B.xsd")
	lint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Fatal("xmllint is missing: run scripts/deps.sh (Debian package libxml2-utils)")
	}
	dir := t.TempDir()
	for name, doc := range corpus(t) {
		out, err := Generate(&doc, CII)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, name+".xml")
		if err := os.WriteFile(path, out, 0o600); err != nil {
			t.Fatal(err)
		}
		if msg, err := exec.Command(lint, "--noout", "--schema", xsd, path).CombinedOutput(); err != nil {
			t.Errorf("%s: %v\n%s", name, err, msg)
		}
	}
	// The schema check itself can fail: an element out of place is refused.
	bad := filepath.Join(dir, "bad.xml")
	doc := corpus(t)["gbp-standard-amount-discount"]
	out, _ := Generate(&doc, CII)
	out = bytes.Replace(out, []byte("<ram:LineTotalAmount>"), []byte("<ram:Surprise/><ram:LineTotalAmount>"), 1)
	if err := os.WriteFile(bad, out, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := exec.Command(lint, "--noout", "--schema", xsd, bad).Run(); err == nil {
		t.Error("xmllint accepted an element the schema does not have")
	}
}

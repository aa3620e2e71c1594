package facturx

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestEmbedAttachesTheCII: a PDF reader lists exactly one attachment,
// factur-x.xml, and extracts the very bytes given.
func TestEmbedAttachesTheCII(t *testing.T) {
	_, xmlIn, path := embedded(t)
	if got, want := run(t, "pdfdetach", "-list", path), "1 embedded files\n1: factur-x.xml\n"; got != want {
		t.Errorf("pdfdetach -list:\n%s\nwant:\n%s", got, want)
	}
	out := filepath.Join(t.TempDir(), "extracted.xml")
	run(t, "pdfdetach", "-save", "1", "-o", out, path)
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, xmlIn) {
		t.Errorf("extracted XML (%d bytes) differs from the CII embedded (%d bytes)", len(got), len(xmlIn))
	}
}

// TestEmbedWritesAValidPDF: qpdf finds no syntax or stream error, and
// pdfinfo reads the document properties Embed wrote.
func TestEmbedWritesAValidPDF(t *testing.T) {
	pdf, _, path := embedded(t)
	// PDF/A: a 1.x header, then a comment of four bytes above 127 that
	// marks the file as binary; nothing after %%EOF but one end of line.
	if h := pdf[:min(len(pdf), 14)]; !bytes.HasPrefix(h, []byte("%PDF-1.7\n%")) || len(h) < 14 ||
		h[10] < 128 || h[11] < 128 || h[12] < 128 || h[13] < 128 {
		t.Errorf("header %q", h)
	}
	if !bytes.HasSuffix(pdf, []byte("\n%%EOF\n")) {
		t.Errorf("file ends %q", pdf[len(pdf)-10:])
	}
	// The source's catalog and info dictionary are replaced, not left behind.
	if n := bytes.Count(pdf, []byte("/Type /Catalog")); n != 1 {
		t.Errorf("%d catalogs in the file", n)
	}
	if out := run(t, "qpdf", "--check", path); !strings.Contains(out, "No syntax or stream encoding errors found") {
		t.Errorf("qpdf --check:\n%s", out)
	}
	info := run(t, "pdfinfo", "-isodates", path)
	for _, want := range []string{
		"Title:           Invoice INV-2026-0042\n",
		"Author:          Northwind Consulting GmbH\n",
		"Creator:         Remit\n",
		"Producer:        Remit\n",
		"CreationDate:    2026-12-01T00:00:00Z\n",
		"ModDate:         2026-12-01T00:00:00Z\n",
		"Metadata Stream: yes\n",
		"Encrypted:       no\n",
		"PDF version:     1.7\n",
	} {
		if !strings.Contains(info, want) {
			t.Errorf("pdfinfo lacks %q:\n%s", want, info)
		}
	}
}

// TestEmbedKeepsTheText: the printed invoice reads the same after
// embedding.
func TestEmbedKeepsTheText(t *testing.T) {
	_, _, path := embedded(t)
	before := run(t, "pdftotext", "-layout", "-enc", "UTF-8", writeTemp(t, "source.pdf", renderedInvoice(t)), "-")
	after := run(t, "pdftotext", "-layout", "-enc", "UTF-8", path, "-")
	if !strings.Contains(after, "INV-2026-0042") || !strings.Contains(after, "Société Lumière SARL") {
		t.Errorf("the invoice's text is gone:\n%s", after)
	}
	if after != before {
		t.Errorf("text changed by embedding:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// xmpProperties reads the XMP packet pdfinfo -meta prints as XML (so it
// must be well-formed) into namespace-qualified element name → text.
func xmpProperties(t *testing.T, packet string) map[string]string {
	t.Helper()
	props := map[string]string{}
	d := xml.NewDecoder(strings.NewReader(packet))
	var stack []xml.Name
	for {
		tok, err := d.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return props
			}
			t.Fatalf("XMP is not well-formed XML: %v\n%s", err, packet)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			stack = append(stack, tok.Name)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if s := strings.TrimSpace(string(tok)); s != "" && len(stack) > 0 {
				n := stack[len(stack)-1]
				if n.Local == "li" && len(stack) >= 3 {
					n = stack[len(stack)-3] // rdf:li inside rdf:Alt or rdf:Seq: name it by its property
				}
				props[n.Space+" "+n.Local] = s
			}
		}
	}
}

const (
	nsPDFAID = "http://www.aiim.org/pdfa/ns/id/"
	nsFX     = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"
	nsSchema = "http://www.aiim.org/pdfa/ns/schema#"
	nsDC     = "http://purl.org/dc/elements/1.1/"
	nsXMP    = "http://ns.adobe.com/xap/1.0/"
	nsPDF    = "http://ns.adobe.com/pdf/1.3/"
)

// TestEmbedXMP: the metadata a PDF reader finds identifies PDF/A-3b and
// Factur-X EN 16931, declares the fx schema, and agrees with the info
// dictionary.
func TestEmbedXMP(t *testing.T) {
	_, _, path := embedded(t)
	meta := run(t, "pdfinfo", "-meta", path)
	props := xmpProperties(t, meta)
	want := map[string]string{
		nsPDFAID + " part":                           "3",
		nsPDFAID + " conformance":                    "B",
		nsFX + " DocumentType":                       "INVOICE",
		nsFX + " DocumentFileName":                   "factur-x.xml",
		nsFX + " Version":                            "1.0",
		nsFX + " ConformanceLevel":                   "EN 16931",
		nsSchema + " namespaceURI":                   nsFX,
		nsSchema + " prefix":                         "fx",
		nsDC + " title":                              "Invoice INV-2026-0042",
		nsDC + " creator":                            "Northwind Consulting GmbH",
		nsPDF + " Producer":                          "Remit",
		nsXMP + " CreatorTool":                       "Remit",
		nsXMP + " CreateDate":                        "2026-12-01T00:00:00+00:00",
		nsXMP + " ModifyDate":                        "2026-12-01T00:00:00+00:00",
		"http://www.aiim.org/pdfa/ns/property# name": "ConformanceLevel", // the last property declared
	}
	for k, v := range want {
		if props[k] != v {
			t.Errorf("XMP %s = %q, want %q", k, props[k], v)
		}
	}
	for _, name := range []string{"DocumentFileName", "DocumentType", "Version", "ConformanceLevel"} {
		if !strings.Contains(meta, "<pdfaProperty:name>"+name+"</pdfaProperty:name>") {
			t.Errorf("the extension schema does not declare fx:%s", name)
		}
	}
	if !strings.HasPrefix(meta, "<?xpacket begin=\"\uFEFF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>") ||
		!strings.HasSuffix(strings.TrimSpace(meta), "<?xpacket end=\"r\"?>") {
		t.Errorf("XMP is not wrapped in an xpacket:\n%s", meta)
	}
}

// TestEmbedIsDeterministic: the same input gives the same bytes; another
// title or date gives other bytes and another file identifier.
func TestEmbedIsDeterministic(t *testing.T) {
	src, cii := renderedInvoice(t), ciiExample(t)
	embed := func(m Meta) []byte {
		out, err := Embed(src, cii, m)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	a, b := embed(meta()), embed(meta())
	if !bytes.Equal(a, b) {
		t.Fatal("two runs on the same input differ")
	}
	later := meta()
	later.Created = later.Created.Add(24 * time.Hour)
	other := embed(later)
	if bytes.Equal(a, other) {
		t.Fatal("another date gives the same bytes")
	}
	id := func(b []byte) []byte { return b[bytes.LastIndex(b, []byte("/ID")):] }
	if bytes.Equal(id(a), id(other)) {
		t.Error("another date gives the same file identifier")
	}
}

// TestEmbedTextRoundTrips: a title and seller with non-Latin letters,
// PDF and XML syntax characters and a control character read back the
// same from the info dictionary and from the XMP.
func TestEmbedTextRoundTrips(t *testing.T) {
	m := Meta{
		Title:   "Rechnung (Nr. 7) <Ä&Ö> \\ Σ",
		Author:  "Ōkami 株式会社 \"Δ\"\x01",
		Created: time.Date(2026, 3, 9, 14, 30, 5, 0, time.FixedZone("CET", 3600)),
	}
	out, err := Embed(renderedInvoice(t), ciiExample(t), m)
	if err != nil {
		t.Fatal(err)
	}
	path := writeTemp(t, "text.pdf", out)
	wantAuthor := "Ōkami 株式会社 \"Δ\"\uFFFD"
	info := run(t, "pdfinfo", "-isodates", "-enc", "UTF-8", path)
	for _, want := range []string{
		"Title:           " + m.Title + "\n",
		"Author:          " + wantAuthor + "\n",
		"CreationDate:    2026-03-09T14:30:05+01\n",
	} {
		if !strings.Contains(info, want) {
			t.Errorf("pdfinfo lacks %q:\n%s", want, info)
		}
	}
	props := xmpProperties(t, run(t, "pdfinfo", "-meta", path))
	for k, v := range map[string]string{
		nsDC + " title":       m.Title,
		nsDC + " creator":     wantAuthor,
		nsXMP + " CreateDate": "2026-03-09T14:30:05+01:00",
	} {
		if props[k] != v {
			t.Errorf("XMP %s = %q, want %q", k, props[k], v)
		}
	}
}

// TestEmbedMultiPage: a long invoice, whose objects fpdf writes in yet
// another order, keeps all its pages and its text.
func TestEmbedMultiPage(t *testing.T) {
	src := renderInvoice(t, 150)
	out, err := Embed(src, ciiExample(t), meta())
	if err != nil {
		t.Fatal(err)
	}
	path := writeTemp(t, "long.pdf", out)
	run(t, "qpdf", "--check", path)
	pages := func(path string) int {
		n, err := strconv.Atoi(strings.TrimSpace(run(t, "qpdf", "--show-npages", path)))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n, want := pages(path), pages(writeTemp(t, "source.pdf", src)); n != want || n < 3 {
		t.Errorf("%d pages after embedding, %d before; want at least 3", n, want)
	}
	text := run(t, "pdftotext", "-layout", "-enc", "UTF-8", path, "-")
	if !strings.Contains(text, "DEV-152") {
		t.Errorf("the last line is missing:\n%s", text)
	}
}

// TestEmbedConcurrently: Embed shares only read-only state (the profile,
// the XMP template), so concurrent calls give the same bytes; run with
// -race (make check does).
func TestEmbedConcurrently(t *testing.T) {
	src, cii := renderedInvoice(t), ciiExample(t)
	want, err := Embed(src, cii, meta())
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			got, err := Embed(src, cii, meta())
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("concurrent Embed: %v, same bytes %v", err, bytes.Equal(got, want))
			}
		})
	}
	wg.Wait()
}

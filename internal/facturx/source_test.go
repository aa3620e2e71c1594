package facturx

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/remit"
)

// TestEmbedRefuses: input Embed cannot turn into a correct Factur-X file
// is refused with the kind and reason, never written half-way.
func TestEmbedRefuses(t *testing.T) {
	src, cii := renderedInvoice(t), ciiExample(t)
	once, err := Embed(src, cii, meta())
	if err != nil {
		t.Fatal(err)
	}
	edit := func(re, repl string) []byte {
		out := regexp.MustCompile(re).ReplaceAll(src, []byte(repl))
		if bytes.Equal(out, src) {
			t.Fatalf("edit %q changed nothing", re)
		}
		return out
	}
	// Object 8's cross-reference entry, found from the file as read.
	layout, err := readSource(src)
	if err != nil {
		t.Fatal(err)
	}
	var off8 int
	for _, o := range layout.objects {
		if o.num == 8 {
			off8 = o.start
		}
	}
	entry8 := regexp.QuoteMeta(fmt.Sprintf("\n%010d 00000 n ", off8))
	noTitle, noDate := meta(), meta()
	noTitle.Title = " \n "
	noDate.Created = time.Time{}

	for _, c := range []struct {
		name string
		pdf  []byte
		xml  []byte
		m    Meta
		kind remit.Kind
		want string
	}{
		{"not a PDF", []byte("hello"), cii, meta(), remit.Internal, "no %PDF-1.x header"},
		{"truncated", src[:len(src)/2], cii, meta(), remit.Internal, "no startxref"},
		{"encrypted", edit(`/Root`, "/Encrypt 99 0 R\n/Root"), cii, meta(), remit.Internal, "trailer has /Encrypt"},
		{"updated incrementally", edit(`/Root`, "/Prev 9\n/Root"), cii, meta(), remit.Internal, "trailer has /Prev"},
		{"cross-reference stream", edit(`startxref\n\d+`, "startxref\n9"), cii, meta(), remit.Internal, "no classic cross-reference table"},
		{"wrong offset", edit(entry8, fmt.Sprintf("\n%010d 00000 n ", off8+1)), cii, meta(), remit.Internal, "0 obj … endobj\" at offset"},
		{"free object", edit(entry8, "\n0000000000 00000 f "), cii, meta(), remit.Internal, "entry 8 is free"},
		{"size disagrees", edit(`/Size \d+`, fmt.Sprintf("/Size %d", layout.size+1)),
			cii, meta(), remit.Internal, fmt.Sprintf("/Size %d, cross-reference table has %d", layout.size+1, layout.size)},
		{"already Factur-X", once, cii, meta(), remit.Internal, "already has /Metadata"},
		{"no title", src, cii, noTitle, remit.Invalid, "no title"},
		{"no date", src, cii, noDate, remit.Invalid, "no creation date"},
		{"no XML", src, nil, meta(), remit.Invalid, "no root element"},
		{"UBL instead of CII", src, []byte(`<?xml version="1.0"?><Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>`), meta(), remit.Invalid, `root element is "Invoice"`},
		{"arguments swapped", cii, src, meta(), remit.Invalid, "no root element"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, err := Embed(c.pdf, c.xml, c.m)
			if err == nil {
				t.Fatalf("Embed wrote %d bytes", len(out))
			}
			if remit.KindOf(err) != c.kind || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v (%v), want %v containing %q", err, remit.KindOf(err), c.kind, c.want)
			}
		})
	}
}

// TestReadSource: fpdf's output reads as the refusals above expect (the
// catalog and the info dictionary its last two objects, every number in
// use), and its objects are not in number order in the file (the
// resources dictionary, 2, follows the fonts), which the rewrite must
// cope with.
func TestReadSource(t *testing.T) {
	s, err := readSource(renderedInvoice(t))
	if err != nil {
		t.Fatal(err)
	}
	if s.size < 10 || s.root != s.size-1 || s.info != s.size-2 || len(s.objects) != s.size-1 {
		t.Errorf("read size %d root %d info %d, %d objects", s.size, s.root, s.info, len(s.objects))
	}
	if s.objects[0].num == 1 {
		t.Error("objects are in number order; the rewrite's reordering is untested")
	}
}

func TestObjectDict(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string // key=value pairs joined by "|"
	}{
		{"1 0 obj\n<</Type /Catalog /Pages 1 0 R>>\nendobj", "Type=/Catalog|Pages=1 0 R"},
		{"20 0 obj\n<<\n/Type /Catalog\n/Pages 1 0 R\n/Names <<\n/EmbeddedFiles << /Names [\n  \n] >>\n>>\n>>\nendobj",
			"Type=/Catalog|Pages=1 0 R|Names=<<\n/EmbeddedFiles << /Names [\n  \n] >>\n>>"},
		{"3 0 obj <</Lang (en \\) (x)) /ID <AB12> /K [1 2 R 3 0 R /N (a>b)] /Z 12 /F -1.5 /B true>> endobj",
			"Lang=(en \\) (x))|ID=<AB12>|K=[1 2 R 3 0 R /N (a>b)]|Z=12|F=-1.5|B=true"},
		{"4 0 obj\n<< % a comment\n/OpenAction [3 0 R /Fit] /PageLayout/OneColumn>>\nendobj", "OpenAction=[3 0 R /Fit]|PageLayout=/OneColumn"},
	} {
		entries, err := objectDict([]byte(c.in))
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		var got []string
		for _, e := range entries {
			got = append(got, fmt.Sprintf("%s=%s", e.key, e.value))
		}
		if g := strings.Join(got, "|"); g != c.want {
			t.Errorf("%q:\n got %q\nwant %q", c.in, g, c.want)
		}
	}
	for _, bad := range []string{"1 0 obj\n[1 2]\nendobj", "1 0 obj << /A (open >> endobj", "1 0 obj << /A [1 2 >>", "1 0 obj << 12 >>", "no object"} {
		if _, err := objectDict([]byte(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// TestEmbedKeepsCatalogEntries: entries of the source catalog other than
// those Embed writes itself are carried over as written.
func TestEmbedKeepsCatalogEntries(t *testing.T) {
	src := regexp.MustCompile(`/Pages 1 0 R\n`).ReplaceAll(renderedInvoice(t), []byte("/Pages 1 0 R\n/PageLayout /OneColumn\n"))
	// The catalog grew: shift the cross-reference table, which follows it.
	src = fixXref(t, src, len("/PageLayout /OneColumn\n"))
	out, err := Embed(src, ciiExample(t), meta())
	if err != nil {
		t.Fatal(err)
	}
	objs := qpdfObjects(t, writeTemp(t, "layout.pdf", out))
	cat := dictOf(t, objs, dictOf(t, objs, "trailer")["/Root"].(string))
	if cat["/PageLayout"] != "/OneColumn" || cat["/Pages"] != "1 0 R" {
		t.Errorf("catalog %v lost the source's entries", cat)
	}
}

// fixXref moves startxref by delta, for a source edited inside its last
// object (the catalog), which no cross-reference entry points past.
func fixXref(t *testing.T, pdf []byte, delta int) []byte {
	t.Helper()
	i := bytes.LastIndex(pdf, []byte("startxref\n"))
	var at int
	if _, err := fmt.Sscanf(string(pdf[i:]), "startxref\n%d", &at); err != nil {
		t.Fatal(err)
	}
	return append(pdf[:i:i], fmt.Appendf(nil, "startxref\n%d\n%%%%EOF\n", at+delta)...)
}

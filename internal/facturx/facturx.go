package facturx

import (
	"bytes"
	"compress/zlib"
	"crypto/md5"
	"crypto/sha256"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/remitapp/remit/internal/remit"
)

// What every Remit Factur-X file declares: the embedded file's name, which
// Factur-X readers look for, and the profile of the CII it carries.
const (
	FileName         = "factur-x.xml"
	DocumentType     = "INVOICE" // also for credit notes: the CII's type code tells them apart
	Version          = "1.0"
	ConformanceLevel = "EN 16931"
	// Producer is written as the info dictionary's /Creator and /Producer
	// and their XMP equivalents, as the printable PDFs do.
	Producer = "Remit"
)

// Meta is what the container says about the document, given by the
// caller so the bytes depend on the invoice only, never on the clock.
type Meta struct {
	Title   string    // e.g. "Invoice INV-2026-0042"; required
	Author  string    // the seller's name; optional
	Created time.Time // the issue date: the document's and the attachment's dates; required
}

// Embed turns a PDF rendered by internal/invoicepdf into a PDF/A-3b
// Factur-X invoice carrying ciiXML, the invoice's UN/CEFACT CII, as
// factur-x.xml. It writes a new file: the source's objects unchanged
// except its catalog and info dictionary, which are replaced (under their
// object numbers), and new objects for the XMP metadata, the sRGB output
// intent's profile, the embedded file and its file specification. The
// same input always gives the same bytes. Embed is safe for concurrent
// use.
//
// A source that is not a single-revision, unencrypted PDF with a classic
// cross-reference table (what fpdf writes) is refused as Internal; a
// missing title or date, or ciiXML that is not a CII invoice, as Invalid.
func Embed(pdf, ciiXML []byte, m Meta) ([]byte, error) {
	const op = "facturx.Embed"
	if err := checkInput(ciiXML, m); err != nil {
		return nil, remit.Wrap(remit.Invalid, op, err)
	}
	src, err := readSource(pdf)
	if err != nil {
		return nil, remit.Wrap(remit.Internal, op, fmt.Errorf("source PDF: %w", err))
	}
	out, err := write(pdf, src, ciiXML, m)
	if err != nil {
		return nil, remit.Wrap(remit.Internal, op, err)
	}
	return out, nil
}

func checkInput(ciiXML []byte, m Meta) error {
	switch {
	case strings.TrimSpace(cleanText(m.Title)) == "":
		return errors.New("meta: no title")
	case m.Created.IsZero():
		return errors.New("meta: no creation date")
	}
	// The first element must be the CII root: this catches a swapped
	// argument or an empty document without parsing the whole XML.
	d := xml.NewDecoder(bytes.NewReader(ciiXML))
	for {
		tok, err := d.Token()
		if err != nil {
			return fmt.Errorf("CII XML has no root element: %w", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			if se.Name.Local != "CrossIndustryInvoice" {
				return fmt.Errorf("CII XML: root element is %q, want CrossIndustryInvoice", se.Name.Local)
			}
			return nil
		}
	}
}

// catalogReplaced are the catalog keys Embed writes itself; catalogRefused
// are those it will not overwrite, since a source that has them is
// already something other than a plain rendered invoice.
var (
	catalogReplaced = map[string]bool{"Type": true, "Names": true, "Version": true}
	catalogRefused  = map[string]bool{"Metadata": true, "AF": true, "OutputIntents": true}
	reference       = regexp.MustCompile(`\d+\s+\d+\s+R\b`)
)

// iccStream is the compressed sRGB profile, the same for every file.
var iccStream = sync.OnceValues(func() ([]byte, error) { return deflate(srgbProfile()) })

func write(pdf []byte, src *source, ciiXML []byte, m Meta) ([]byte, error) {
	var catalog []byte
	for _, o := range src.objects {
		if o.num == src.root {
			catalog = pdf[o.start:o.end]
		}
	}
	entries, err := objectDict(catalog)
	if err != nil {
		return nil, fmt.Errorf("source catalog: %w", err)
	}
	var kept bytes.Buffer
	for _, e := range entries {
		switch {
		case catalogRefused[e.key]:
			return nil, fmt.Errorf("source catalog already has /%s", e.key)
		case e.key == "Names" && reference.Match(e.value):
			return nil, errors.New("source catalog has named objects (embedded files or scripts)")
		case !catalogReplaced[e.key]:
			fmt.Fprintf(&kept, "/%s %s\n", e.key, e.value)
		}
	}

	title, author := cleanText(m.Title), cleanText(m.Author)
	xmp, err := xmpPacket(xmpFields{
		Title: title, Author: author, Producer: Producer, Date: xmpDate(m.Created),
		DocumentType: DocumentType, FileName: FileName, Version: Version, ConformanceLevel: ConformanceLevel,
	})
	if err != nil {
		return nil, fmt.Errorf("XMP: %w", err)
	}
	icc, err := iccStream()
	if err != nil {
		return nil, fmt.Errorf("ICC profile: %w", err)
	}
	packed, err := deflate(ciiXML)
	if err != nil {
		return nil, fmt.Errorf("CII XML: %w", err)
	}

	w := &writer{offsets: make([]int, src.size+4)}
	// The header names PDF 1.7, which PDF/A-3 is based on, and a comment
	// of bytes above 127 marks the file as binary (ISO 19005-3, 6.1.2).
	w.buf.WriteString("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n")
	for _, o := range src.objects {
		if o.num == src.root || o.num == src.info {
			continue
		}
		w.offsets[o.num] = w.buf.Len()
		w.buf.Write(pdf[o.start:o.end])
	}

	metadata, profile, file, spec := src.size, src.size+1, src.size+2, src.size+3
	date := pdfDate(m.Created)

	info := "/Title " + textString(title) + "\n"
	if author != "" {
		info += "/Author " + textString(author) + "\n"
	}
	info += fmt.Sprintf("/Creator %s\n/Producer %s\n/CreationDate %s\n/ModDate %s\n",
		asciiString(Producer), asciiString(Producer), date, date)
	w.object(src.info, "<<\n"+info+">>", nil)

	w.object(src.root, fmt.Sprintf("<<\n/Type /Catalog\n%s/Metadata %d 0 R\n"+
		"/OutputIntents [<< /Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier (sRGB IEC61966-2.1)"+
		" /Info (sRGB IEC61966-2.1) /DestOutputProfile %d 0 R >>]\n"+
		"/Names << /EmbeddedFiles << /Names [%s %d 0 R] >> >>\n/AF [%d 0 R]\n>>",
		kept.Bytes(), metadata, profile, asciiString(FileName), spec, spec), nil)

	// PDF/A wants the metadata stream unfiltered, so any reader finds it.
	w.object(metadata, fmt.Sprintf("<< /Type /Metadata /Subtype /XML /Length %d >>", len(xmp)), xmp)
	w.object(profile, fmt.Sprintf("<< /N 3 /Filter /FlateDecode /Length %d >>", len(icc)), icc)
	sum := md5.Sum(ciiXML)
	w.object(file, fmt.Sprintf("<< /Type /EmbeddedFile /Subtype /text#2Fxml /Filter /FlateDecode /Length %d"+
		" /Params << /ModDate %s /Size %d /CheckSum <%X> >> >>", len(packed), date, len(ciiXML), sum), packed)
	w.object(spec, fmt.Sprintf("<< /Type /Filespec /F %s /UF %s /EF << /F %d 0 R /UF %d 0 R >>"+
		" /AFRelationship /Alternative /Desc (Factur-X invoice, profile EN 16931) >>",
		asciiString(FileName), textString(FileName), file, file), nil)

	// The file identifier is a digest of everything the output depends on,
	// so it is stable for the same input and differs for any other.
	h := sha256.New()
	for _, part := range [][]byte{pdf, ciiXML, []byte(title), {0}, []byte(author), {0}, []byte(date)} {
		h.Write(part)
	}
	id := h.Sum(nil)[:16]
	w.finish(src.root, src.info, fmt.Sprintf("<%X> <%X>", id, id))
	return w.buf.Bytes(), nil
}

// writer lays out objects and records their offsets for the
// cross-reference table.
type writer struct {
	buf     bytes.Buffer
	offsets []int // by object number; 0 is the head of the free list
}

// object writes object num with dictionary dict, and a stream when data
// is not nil (its /Length is the caller's).
func (w *writer) object(num int, dict string, data []byte) {
	w.offsets[num] = w.buf.Len()
	fmt.Fprintf(&w.buf, "%d 0 obj\n%s\n", num, dict)
	if data != nil {
		w.buf.WriteString("stream\n")
		w.buf.Write(data)
		w.buf.WriteString("\nendstream\n")
	}
	w.buf.WriteString("endobj\n")
}

func (w *writer) finish(root, info int, id string) {
	at := w.buf.Len()
	fmt.Fprintf(&w.buf, "xref\n0 %d\n0000000000 65535 f \n", len(w.offsets))
	for _, off := range w.offsets[1:] {
		w.buf.WriteString(fmt.Sprintf("%010d", off) + " 00000 n \n")
	}
	fmt.Fprintf(&w.buf, "trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /ID [%s] >>\nstartxref\n%s\n%%%%EOF\n",
		len(w.offsets), root, info, id, strconv.Itoa(at))
}

func deflate(b []byte) ([]byte, error) {
	var out bytes.Buffer
	z := zlib.NewWriter(&out)
	if _, err := io.Copy(z, bytes.NewReader(b)); err != nil {
		return nil, err
	}
	if err := z.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

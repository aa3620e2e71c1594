// Package facturx wraps an invoice's printable PDF and its CII XML into a
// Factur-X (ZUGFeRD 2) file, profile EN 16931 (SPEC §14): a PDF/A-3b
// document that a person reads as the invoice and a buyer's software reads
// through the embedded factur-x.xml.
//
// Embed rewrites the PDF internal/invoicepdf renders with fpdf, which
// cannot itself produce PDF/A-3: it writes no associated files (/AF,
// /AFRelationship), no MIME type or dates on attachments, no output
// intent, an XMP stream the catalog never references, and a header without
// the binary comment PDF/A requires. Embed therefore writes a new file from
// the old one's objects, copied byte for byte, and adds what PDF/A-3 and
// Factur-X ask for: the XMP metadata, an sRGB output intent whose ICC
// profile this package generates, the embedded file with its file
// specification, a catalog and an info dictionary that agree with the
// XMP, and a file identifier. It parses no more of the source than it
// needs: the cross-reference table and trailer, and the catalog's keys.
// docs/einvoice.md ("Factur-X container") explains the choice.
//
// The result depends only on its inputs: the dates come from the caller
// (the issue date), the file identifier is a digest of the inputs, so the
// same invoice gives the same bytes.
package facturx

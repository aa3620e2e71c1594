package einvoice

import (
	"strings"
)

// Format is a structured e-invoice syntax and profile (SPEC §14).
type Format string

// The formats Generate writes, and Factur-X: a PDF/A-3 carrying the CII
// XML as factur-x.xml, which the caller builds from Generate's CII and the
// printable PDF (internal/facturx).
const (
	UBL       Format = "ubl"       // UBL 2.1 Invoice / CreditNote, Peppol BIS Billing 3.0
	CII       Format = "cii"       // UN/CEFACT Cross Industry Invoice D16B, EN 16931 profile
	XRechnung Format = "xrechnung" // XRechnung 3.0 CIUS in UBL syntax
	FacturX   Format = "facturx"   // Factur-X 1.0 / ZUGFeRD 2, profile EN 16931: PDF/A-3 with the CII
)

// Formats are the formats Generate writes, in the order the API lists them.
var Formats = []Format{UBL, CII, XRechnung}

// APIFormats are the formats the API and a customer's einvoiceFormat offer.
var APIFormats = []Format{UBL, CII, XRechnung, FacturX}

// ParseFormat reads a format name as the API takes it.
func ParseFormat(s string) (Format, bool) {
	for _, f := range APIFormats {
		if string(f) == s {
			return f, true
		}
	}
	return "", false
}

// FormatNames lists the formats for messages ("ubl, cii, xrechnung, facturx").
func FormatNames() string {
	names := make([]string, len(APIFormats))
	for i, f := range APIFormats {
		names[i] = string(f)
	}
	return strings.Join(names, ", ")
}

// XML is the XML format f is or carries: CII for Factur-X.
func (f Format) XML() Format {
	if f == FacturX {
		return CII
	}
	return f
}

// ContentType is the media type a download of f is served with.
func (f Format) ContentType() string {
	if f == FacturX {
		return "application/pdf"
	}
	return "application/xml"
}

// FileName is the name a download of the document numbered number takes:
// the number and the format, so that the files of one invoice sit side
// by side ("INV-2026-0001.ubl.xml", "INV-2026-0001.facturx.pdf").
func (f Format) FileName(number string) string {
	if f == FacturX {
		return number + ".facturx.pdf"
	}
	return number + "." + string(f) + ".xml"
}

// ubl reports whether f is written in UBL syntax.
func (f Format) ubl() bool { return f == UBL || f == XRechnung }

// Specification identifiers (BT-24) and business process (BT-23).
const (
	specPeppol    = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
	specEN16931   = "urn:cen.eu:en16931:2017"
	specXRechnung = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
	processPeppol = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
)

func (f Format) spec() string {
	switch f {
	case UBL:
		return specPeppol
	case XRechnung:
		return specXRechnung
	}
	return specEN16931
}

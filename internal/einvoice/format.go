package einvoice

import (
	"strings"
)

// Format is a structured e-invoice syntax and profile (SPEC §14).
type Format string

// The formats Generate writes. Factur-X (a PDF/A-3 carrying the CII XML)
// is built from the CII output by the PDF container, not here.
const (
	UBL       Format = "ubl"       // UBL 2.1 Invoice / CreditNote, Peppol BIS Billing 3.0
	CII       Format = "cii"       // UN/CEFACT Cross Industry Invoice D16B, EN 16931 profile
	XRechnung Format = "xrechnung" // XRechnung 3.0 CIUS in UBL syntax
)

// Formats are the formats Generate writes, in the order the API lists them.
var Formats = []Format{UBL, CII, XRechnung}

// ParseFormat reads a format name as the API takes it.
func ParseFormat(s string) (Format, bool) {
	for _, f := range Formats {
		if string(f) == s {
			return f, true
		}
	}
	return "", false
}

// FormatNames lists the formats for messages ("ubl, cii, xrechnung").
func FormatNames() string {
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = string(f)
	}
	return strings.Join(names, ", ")
}

// ContentType is the media type a download of f is served with.
func (f Format) ContentType() string { return "application/xml" }

// FileName is the name a download of the document numbered number takes:
// the number and the format, so that the three files of one invoice sit
// side by side ("INV-2026-0001.ubl.xml").
func (f Format) FileName(number string) string { return number + "." + string(f) + ".xml" }

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

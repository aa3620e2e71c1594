// Package einvoice turns an issued invoice or credit note
// (invoice.Document, the snapshot kept at issue) into a structured
// e-invoice that passes the EN 16931 business rules (SPEC §14): UBL 2.1
// in the Peppol BIS Billing 3.0 profile, UN/CEFACT CII D16B in the
// EN 16931 profile, and the German XRechnung CIUS in UBL syntax.
//
// The XML is written, and the rules are checked, by
// github.com/speedata/einvoice (docs/einvoice.md says why). Generate first
// checks that the document holds what the chosen format's rules require
// and refuses with remit.Unprocessable naming each missing field by its
// API name (customer.buyerReference, settings.seller.phone, ...); it then
// writes the XML, reads it back and runs the library's rules on what was
// read, so a document that would break a rule is never handed out: that
// is an internal error (a bug here), not a document.
//
// The e-invoice states the document as issued: payments, late fees and
// payment plans that followed are not part of it, as they are not part of
// the issued PDF's figures.
package einvoice

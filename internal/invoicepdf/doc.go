// Package invoicepdf draws an issued invoice as a printable A4 PDF (SPEC §4
// "PDF"). It is a pure renderer: the caller resolves everything first
// (seller, buyer, totals, balance, installments) into a Document, so the
// numbers on paper are exactly the ones the domain computed and stored.
//
// Text from Jira or from users (issue summaries, names, addresses) is drawn
// as literal glyphs: nothing is interpreted as HTML or markup. The fonts are
// the Go fonts, embedded in the binary, which cover Latin, Greek and
// Cyrillic; a character they cannot draw prints as U+FFFD rather than as an
// invisible gap.
//
// The same Document always renders to the same bytes (the PDF dates come
// from the issue date and the producer is fixed), so a PDF can be cached by
// the invoice's content and compared with a golden file in tests.
package invoicepdf

// Package facturx builds the Factur-X container of an invoice (SPEC §14):
// a PDF/A-3b file carrying the CII XML. This file holds the sRGB ICC
// profile its output intent needs, generated here so no profile file is
// shipped or read at run time.
package facturx

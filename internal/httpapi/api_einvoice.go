package httpapi

import (
	"encoding/base64"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/remitapp/remit/internal/einvoice"
)

// invoiceEInvoice is GET /invoices/{id}/einvoice?format=: the invoice as
// a structured e-invoice (SPEC §14), with the PDF's read permission.
func (s *Server) invoiceEInvoice(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	f, err := einvoiceQuery(c)
	if err != nil {
		return err
	}
	xml, name, err := s.deps.Billing.EInvoice(c.Request().Context(), actor(c), id, f)
	if err != nil {
		return err
	}
	return sendEInvoice(c, f, xml, name)
}

// creditNoteEInvoice is GET /invoices/{id}/credit-notes/{cn}/einvoice?format=.
func (s *Server) creditNoteEInvoice(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	cnID, err := paramID(c, "cn")
	if err != nil {
		return err
	}
	f, err := einvoiceQuery(c)
	if err != nil {
		return err
	}
	xml, name, err := s.deps.Billing.CreditNoteEInvoice(c.Request().Context(), actor(c), id, cnID, f)
	if err != nil {
		return err
	}
	return sendEInvoice(c, f, xml, name)
}

// einvoiceQuery reads format= (and encoding=, as the PDF takes it): an
// absent or unknown format is a 400 listing the supported ones.
func einvoiceQuery(c echo.Context) (einvoice.Format, error) {
	bad := fieldset{}
	f, ok := einvoice.ParseFormat(c.QueryParam("format"))
	if !ok {
		bad["format"] = "unsupported format: must be one of " + einvoice.FormatNames()
	}
	if e := c.QueryParam("encoding"); e != "" && e != "base64" {
		bad["encoding"] = "must be base64 or absent"
	}
	return f, bad.err()
}

// sendEInvoice answers with the document as a download (XML, or the
// Factur-X PDF), or under Forge (which carries only text) as base64 in
// JSON.
func sendEInvoice(c echo.Context, f einvoice.Format, xml []byte, name string) error {
	if c.QueryParam("encoding") == "base64" {
		return c.JSON(http.StatusOK, pdfJSON{FileName: safeFilename(name), ContentType: f.ContentType(), Base64: base64.StdEncoding.EncodeToString(xml)})
	}
	c.Response().Header().Set("Content-Disposition", `attachment; filename="`+safeFilename(name)+`"`)
	if f == einvoice.FacturX {
		return c.Blob(http.StatusOK, f.ContentType(), xml)
	}
	return c.Blob(http.StatusOK, f.ContentType()+"; charset=utf-8", xml)
}

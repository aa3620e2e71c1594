package httpapi

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/money"
	"github.com/remitapp/remit/internal/remit"
)

// Corrections of finalized invoices (SPEC §4 "Corrections"): credit
// notes, payment reversals and late-fee waivers. Their bodies are read
// strictly: a field the request does not have is refused (400), so a
// misspelt "reason" never passes silently as no reason.

type creditNoteIn struct {
	Amount dec                     `json:"amount"`
	Lines  []invoice.LineItemInput `json:"lines"`
	Reason string                  `json:"reason"`
}

type reversalIn struct {
	Reason string `json:"reason"`
}

type waiverIn struct {
	Amount dec    `json:"amount"`
	Reason string `json:"reason"`
}

type creditNoteJSON struct {
	ID        int64  `json:"id"`
	Number    string `json:"number"`
	IssueDate string `json:"issueDate"`
	Amount    string `json:"amount"` // net
	Tax       string `json:"tax"`
	Total     string `json:"total"`
	Currency  string `json:"currency"`
	Reason    string `json:"reason"`
	PDF       string `json:"pdf"`      // the API path of its PDF
	EInvoice  string `json:"einvoice"` // the API path of its e-invoice, to which ?format= is added
}

func creditNoteOut(cn invoice.CreditNote, c money.Currency) creditNoteJSON {
	path := "/api/v1/invoices/" + strconv.FormatInt(cn.InvoiceID, 10) + "/credit-notes/" + strconv.FormatInt(cn.ID, 10)
	return creditNoteJSON{ID: cn.ID, Number: cn.Number, IssueDate: cn.IssueDate.String(),
		Amount: money.Format(cn.Amount, c), Tax: money.Format(cn.Tax, c), Total: money.Format(cn.Total, c),
		Currency: string(c), Reason: cn.Reason, PDF: path + "/pdf", EInvoice: path + "/einvoice"}
}

// decodeStrictJSON is decodeJSON refusing fields v does not have, each
// named in a 400 problem.
func decodeStrictJSON(c echo.Context, v any) error {
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return err
	}
	c.Request().Body = io.NopCloser(bytes.NewReader(body))
	if err := decodeJSON(c, v); err != nil {
		return err
	}
	d := json.NewDecoder(bytes.NewReader(body))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		if _, name, ok := strings.Cut(err.Error(), "unknown field "); ok {
			name = strings.Trim(name, `"`)
			return remit.FieldErrors(remit.Invalid, "decode", "request body has unknown fields", map[string]string{name: "is not a field of this request"})
		}
		return remit.Wrap(remit.Invalid, "decode", err)
	}
	return nil
}

func (s *Server) issueCreditNote(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	var in creditNoteIn
	if err := decodeStrictJSON(c, &in); err != nil {
		return err
	}
	f := fieldset{}
	f.decimal("amount", in.Amount, false) // the syntax here; the currency's decimals and the balance in billing
	if err := f.err(); err != nil {
		return err
	}
	inv, cn, err := s.deps.Billing.IssueCreditNote(c.Request().Context(), actor(c), id,
		invoice.CreditNoteInput{Amount: in.Amount.raw, Lines: in.Lines, Reason: in.Reason})
	if err != nil {
		return err
	}
	out, err := s.invoiceAnswer(c.Request().Context(), tenantOf(c), inv)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Location", s.deps.BaseURL.String()+creditNoteOut(cn, inv.Currency).PDF)
	return c.JSON(http.StatusCreated, struct {
		CreditNote creditNoteJSON `json:"creditNote"`
		Invoice    invoiceJSON    `json:"invoice"`
	}{creditNoteOut(cn, inv.Currency), out})
}

func (s *Server) creditNotePDF(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	cnID, err := paramID(c, "cn")
	if err != nil {
		return err
	}
	pdf, name, err := s.deps.Billing.CreditNotePDF(c.Request().Context(), actor(c), id, cnID)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", `attachment; filename="`+safeFilename(name)+`"`)
	return c.Blob(http.StatusOK, "application/pdf", pdf)
}

func (s *Server) reversePayment(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	paymentID, err := paramID(c, "paymentId")
	if err != nil {
		return err
	}
	var in reversalIn
	if err := decodeStrictJSON(c, &in); err != nil {
		return err
	}
	inv, err := s.deps.Billing.ReversePayment(c.Request().Context(), actor(c), id, paymentID, in.Reason)
	if err != nil {
		return err
	}
	return s.respondInvoice(c, http.StatusOK, inv)
}

func (s *Server) waiveLateFees(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	var in waiverIn
	if err := decodeStrictJSON(c, &in); err != nil {
		return err
	}
	f := fieldset{}
	f.decimal("amount", in.Amount, true)
	if err := f.err(); err != nil {
		return err
	}
	inv, err := s.deps.Billing.WaiveLateFees(c.Request().Context(), actor(c), id, in.Amount.raw, in.Reason)
	if err != nil {
		return err
	}
	return s.respondInvoice(c, http.StatusOK, inv)
}

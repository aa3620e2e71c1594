package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/remitapp/remit/internal/billing"
	"github.com/remitapp/remit/internal/invoice"
)

// draftIn is what PUT /invoices/{id} takes: a draft's written lines
// (fixed and expense; its time lines stay) and its discount, replacing
// the ones it had.
type draftIn struct {
	Lines    []invoice.LineItemInput `json:"lines"`
	Discount *invoice.DiscountInput  `json:"discount"`
}

// finalizeIn is what POST /invoices/{id}/finalize takes, all optional.
type finalizeIn struct {
	IssueDate date `json:"issueDate"`
	DueDate   date `json:"dueDate"`
}

func (s *Server) editDraft(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	var in draftIn
	if err := decodeStrict(c, &in); err != nil {
		return err
	}
	e := billing.DraftEdit{Lines: in.Lines}
	if in.Discount != nil {
		e.Discount = *in.Discount
	}
	inv, err := s.deps.Billing.EditDraft(c.Request().Context(), actor(c), id, e)
	if err != nil {
		return err
	}
	return s.respondInvoice(c, http.StatusOK, inv)
}

func (s *Server) deleteDraft(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	if err := s.deps.Billing.DeleteDraft(c.Request().Context(), actor(c), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) finalizeInvoice(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	var in finalizeIn
	if c.Request().ContentLength != 0 {
		if err := decodeStrict(c, &in); err != nil {
			return err
		}
	}
	f := fieldset{}
	req := billing.FinalizeRequest{IssueDate: f.date("issueDate", in.IssueDate, false), DueDate: f.date("dueDate", in.DueDate, false)}
	if err := f.err(); err != nil {
		return err
	}
	inv, err := s.deps.Billing.Finalize(c.Request().Context(), actor(c), id, req)
	if err != nil {
		return err
	}
	return s.respondInvoice(c, http.StatusOK, inv)
}

func (s *Server) sendInvoice(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	inv, err := s.deps.Billing.Send(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	return s.respondInvoice(c, http.StatusAccepted, inv)
}

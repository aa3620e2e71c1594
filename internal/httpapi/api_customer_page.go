package httpapi

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// The invoice panel's side of the customer page (SPEC §15): the invoice's
// link, its revocation, and the payment plans customers ask for.

// customerPageRoutes registers the panel's customer page routes.
func (s *Server) customerPageRoutes(api *echo.Group) {
	api.POST("/invoices/:id/customer-link", s.customerLink)
	api.DELETE("/invoices/:id/customer-link", s.revokeCustomerLink)
	api.GET("/invoices/:id/plan-requests", s.planRequests)
	api.POST("/invoices/:id/plan-requests/:rid/accept", s.acceptPlanRequest)
	api.POST("/invoices/:id/plan-requests/:rid/decline", s.declinePlanRequest)
}

// requireCustomers answers 404 when the customer page is off.
func (s *Server) requireCustomers() error {
	if s.deps.Customers == nil {
		return remit.Errorf(remit.NotFound, "httpapi", "the customer page is not available")
	}
	return nil
}

type customerLinkJSON struct {
	URL string `json:"url"`
}

// customerLink answers the invoice's current customer page link, making
// one when it has none (after a revocation, a new one).
func (s *Server) customerLink(c echo.Context) error {
	if err := s.requireCustomers(); err != nil {
		return err
	}
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	url, err := s.deps.Customers.Link(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, customerLinkJSON{URL: url})
}

func (s *Server) revokeCustomerLink(c echo.Context) error {
	if err := s.requireCustomers(); err != nil {
		return err
	}
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	if err := s.deps.Customers.Revoke(c.Request().Context(), actor(c), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

type planRequestJSON struct {
	ID           int64                `json:"id"`
	Status       string               `json:"status"`
	Note         string               `json:"note"`
	CreatedAt    string               `json:"createdAt"`
	DecidedAt    *string              `json:"decidedAt"`
	DecidedBy    string               `json:"decidedBy,omitempty"`
	Installments []installmentReqJSON `json:"installments"`
}

type installmentReqJSON struct {
	DueDate string `json:"dueDate"`
	Amount  string `json:"amount"`
}

func planRequestOf(r store.PlanRequest) planRequestJSON {
	out := planRequestJSON{ID: r.ID, Status: r.Status, Note: r.Note, CreatedAt: r.CreatedAt.UTC().Format(time.RFC3339), DecidedBy: r.DecidedBy,
		Installments: []installmentReqJSON{}}
	if r.DecidedAt != nil {
		at := r.DecidedAt.UTC().Format(time.RFC3339)
		out.DecidedAt = &at
	}
	for _, in := range r.Installments {
		out.Installments = append(out.Installments, installmentReqJSON{DueDate: in.DueDate.String(), Amount: in.Amount})
	}
	return out
}

func (s *Server) planRequests(c echo.Context) error {
	if err := s.requireCustomers(); err != nil {
		return err
	}
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	reqs, err := s.deps.Customers.PlanRequests(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	out := make([]planRequestJSON, 0, len(reqs))
	for _, r := range reqs {
		out = append(out, planRequestOf(r))
	}
	return c.JSON(http.StatusOK, newList(out, ""))
}

func (s *Server) acceptPlanRequest(c echo.Context) error {
	if err := s.requireCustomers(); err != nil {
		return err
	}
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	rid, err := paramID(c, "rid")
	if err != nil {
		return err
	}
	inv, err := s.deps.Customers.AcceptPlanRequest(c.Request().Context(), actor(c), id, rid)
	if err != nil {
		return err
	}
	return s.respondInvoice(c, http.StatusOK, inv)
}

func (s *Server) declinePlanRequest(c echo.Context) error {
	if err := s.requireCustomers(); err != nil {
		return err
	}
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	rid, err := paramID(c, "rid")
	if err != nil {
		return err
	}
	if err := s.deps.Customers.DeclinePlanRequest(c.Request().Context(), actor(c), id, rid); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/remitapp/remit/internal/billing"
	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/money"
)

// paymentIn is the payment body of SPEC §7. The amount stays text until
// the invoice's currency says how many decimals it may have.
type paymentIn struct {
	Amount    dec    `json:"amount"`
	PaidOn    date   `json:"paidOn"`
	Method    string `json:"method"`
	Reference string `json:"reference"`
}

type paymentJSON struct {
	ID         int64  `json:"id"`
	Amount     string `json:"amount"`
	Currency   string `json:"currency"`
	PaidOn     string `json:"paidOn"`
	Method     string `json:"method"`
	Reference  string `json:"reference"`
	RecordedBy string `json:"recordedBy"`
	RecordedAt string `json:"recordedAt"`
	// A payment reversed (recorded in error) stays listed, marked.
	Reversed       bool    `json:"reversed"`
	ReversedAt     *string `json:"reversedAt,omitempty"`
	ReversedBy     string  `json:"reversedBy,omitempty"`
	ReversalReason string  `json:"reversalReason,omitempty"`
	// Returned is how much of the payment went back to the payer (card
	// refunds and disputes); omitted when none did.
	Returned string `json:"returned,omitempty"`
}

func paymentOut(p invoice.Payment, c money.Currency) paymentJSON {
	out := paymentJSON{ID: p.ID, Amount: money.Format(p.Amount, c), Currency: string(c), PaidOn: p.PaidOn.String(),
		Method: p.Method, Reference: p.Reference, RecordedBy: p.RecordedBy, RecordedAt: p.RecordedAt.UTC().Format(time.RFC3339),
		Reversed: p.Reversed, ReversedBy: p.ReversedBy, ReversalReason: p.ReversalReason}
	if p.Returned.IsPositive() {
		out.Returned = money.Format(p.Returned, c)
	}
	if p.ReversedAt != nil {
		at := p.ReversedAt.UTC().Format(time.RFC3339)
		out.ReversedAt = &at
	}
	return out
}

type planJSON struct {
	Installments []installmentJSON `json:"installments"`
}

type installmentJSON struct {
	ID        int64   `json:"id"`
	DueDate   string  `json:"dueDate"`
	Amount    string  `json:"amount"`
	Paid      string  `json:"paid"`
	Balance   string  `json:"balance"`
	Settled   bool    `json:"settled"`
	SettledAt *string `json:"settledAt"`
}

// planOut renders a plan; nil (no plan) stays JSON null.
func planOut(ins []invoice.Installment, c money.Currency) *planJSON {
	if ins == nil {
		return nil
	}
	out := &planJSON{Installments: make([]installmentJSON, len(ins))}
	for i, in := range ins {
		j := installmentJSON{ID: in.ID, DueDate: in.DueDate.String(), Amount: money.Format(in.Amount, c),
			Paid: money.Format(in.Paid, c), Balance: money.Format(in.Balance(), c), Settled: in.Settled()}
		if in.SettledAt != nil {
			s := in.SettledAt.UTC().Format(time.RFC3339)
			j.SettledAt = &s
		}
		out.Installments[i] = j
	}
	return out
}

func (s *Server) recordPayment(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	var in paymentIn
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	f := fieldset{}
	f.decimal("amount", in.Amount, true) // the syntax here; the currency's decimals in billing
	req := invoice.PaymentInput{Amount: in.Amount.raw, PaidOn: f.date("paidOn", in.PaidOn, true), Method: in.Method, Reference: in.Reference}
	if err := f.err(); err != nil {
		return err
	}
	inv, p, err := s.deps.Billing.RecordPayment(c.Request().Context(), actor(c), id, req)
	if err != nil {
		return err
	}
	today, err := s.deps.Billing.Today(c.Request().Context(), tenantOf(c))
	if err != nil {
		return err
	}
	c.Response().Header().Set("Location", s.deps.BaseURL.String()+"/api/v1/invoices/"+strconv.FormatInt(id, 10))
	return c.JSON(http.StatusCreated, struct {
		Payment paymentJSON `json:"payment"`
		Invoice invoiceJSON `json:"invoice"`
	}{paymentOut(p, inv.Currency), invoiceOut(inv, today, true)})
}

type planIn struct {
	Installments []struct {
		DueDate date `json:"dueDate"`
		Amount  dec  `json:"amount"`
	} `json:"installments"`
}

func (s *Server) putPlan(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	var in planIn
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	f := fieldset{}
	req := make([]invoice.InstallmentInput, len(in.Installments))
	for i, x := range in.Installments {
		field := "installments[" + strconv.Itoa(i) + "]."
		f.decimal(field+"amount", x.Amount, true)
		req[i] = invoice.InstallmentInput{DueDate: f.date(field+"dueDate", x.DueDate, true), Amount: x.Amount.raw}
	}
	if err := f.err(); err != nil {
		return err
	}
	inv, err := s.deps.Billing.SetPlan(c.Request().Context(), actor(c), id, req)
	if err != nil {
		return err
	}
	return s.respondInvoice(c, http.StatusOK, inv)
}

// stateChange is a state change of the billing service (write-off,
// dispute, undispute).
type stateChange func(ctx context.Context, a billing.Actor, id int64) (invoice.Invoice, error)

// invoiceChange adapts a state change to a handler answering the invoice.
func (s *Server) invoiceChange(change stateChange) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := paramID(c, "id")
		if err != nil {
			return err
		}
		inv, err := change(c.Request().Context(), actor(c), id)
		if err != nil {
			return err
		}
		return s.respondInvoice(c, http.StatusOK, inv)
	}
}

type auditJSON struct {
	ID     int64  `json:"id"`
	At     string `json:"at"`
	Actor  string `json:"actor"`
	Action string `json:"action"`
	Before any    `json:"before"`
	After  any    `json:"after"`
}

func (s *Server) invoiceAudit(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	page, err := pageOf(c)
	if err != nil {
		return err
	}
	var after int64
	if page.Cursor != "" {
		if after, err = strconv.ParseInt(page.Cursor, 10, 64); err != nil || after < 0 {
			return fieldset{"cursor": "is not a cursor this list gave out"}.err()
		}
	}
	limit := page.Limit
	if limit == 0 {
		limit = 50
	}
	entries, err := s.deps.Billing.AuditLog(c.Request().Context(), actor(c), id, after, limit+1)
	if err != nil {
		return err
	}
	next := ""
	if len(entries) > limit {
		entries = entries[:limit]
		next = strconv.FormatInt(entries[limit-1].ID, 10)
	}
	out := make([]auditJSON, len(entries))
	for i, e := range entries {
		out[i] = auditJSON{ID: e.ID, At: e.At.UTC().Format(time.RFC3339Nano), Actor: e.Actor, Action: e.Action, Before: rawOrNil(e.Before), After: rawOrNil(e.After)}
	}
	return c.JSON(http.StatusOK, newList(out, next))
}

// rawOrNil keeps a stored JSON document as it is; none is null.
func rawOrNil(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return json.RawMessage(b)
}

package customerportal

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/remitapp/remit/internal/einvoice"
	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/jirasync"
	"github.com/remitapp/remit/internal/money"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// maxReasonLen bounds the free text a customer may send.
const maxReasonLen = 2000

// act is the frame of every customer action: the invoice locked for the
// transaction must still ask for money and not be disputed; fn records
// the action and returns the audit document and the comment for the
// invoice issue; act appends both, reschedules the follow-ups and wakes
// the Jira sync that posts the comment once.
func (s *Service) act(ctx context.Context, acc Access, op string, fn func(tx *store.Tx, set invoice.Settings, inv invoice.Invoice, today invoice.Date) (action string, doc any, comment string, err error)) error {
	ck := acc.Tenant.ClientKey
	set, err := s.settings(ctx, ck)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		inv, err := s.DB.InvoiceForUpdate(ctx, tx, ck, acc.InvoiceID)
		if err != nil {
			return err
		}
		switch {
		case !inv.Open() || !inv.Balance().IsPositive():
			return remit.Errorf(remit.Conflict, op, "invoice %s is %s: nothing is owed on it", inv.Number, strings.ReplaceAll(string(inv.Status), "_", " "))
		case inv.Disputed:
			return remit.Errorf(remit.Conflict, op, "invoice %s is disputed: the seller will come back to you", inv.Number)
		}
		today := invoice.DateOf(tx.Now().In(set.Location()))
		action, doc, comment, err := fn(tx, set, inv, today)
		if err != nil {
			return err
		}
		if err := s.audit(ctx, tx, ck, Actor, action, inv.ID, doc); err != nil {
			return err
		}
		if err := s.DB.AddJiraNotice(ctx, tx, ck, inv.ID, comment); err != nil {
			return err
		}
		return s.syncLater(ctx, tx, ck, inv.ID)
	})
}

// syncLater reschedules the invoice's follow-ups and wakes its Jira sync,
// in tx.
func (s *Service) syncLater(ctx context.Context, tx *store.Tx, ck string, id int64) error {
	if err := s.DB.RescheduleFollowup(ctx, tx, ck, id); err != nil {
		return err
	}
	if err := s.DB.BumpJiraVersion(ctx, tx, ck, id); err != nil {
		return err
	}
	_, err := tx.Enqueue(ctx, jirasync.SyncArgs{ClientKey: ck, InvoiceID: id}, nil)
	return err
}

// Promise records the customer's promise to pay by a date, from today to
// the tenant's limit (promiseMaxDays, default 30) ahead. It pauses the
// invoice's follow-ups until the date plus the tenant's grace days.
func (s *Service) Promise(ctx context.Context, acc Access, on invoice.Date) error {
	const op = "customerportal.Promise"
	return s.act(ctx, acc, op, func(tx *store.Tx, set invoice.Settings, inv invoice.Invoice, today invoice.Date) (string, any, string, error) {
		limit := today.AddDays(set.PromiseLimit())
		switch {
		case on.IsZero():
			return "", nil, "", remit.FieldErrors(remit.Unprocessable, op, "the date is missing", map[string]string{"date": "is required"})
		case on.Before(today):
			return "", nil, "", remit.FieldErrors(remit.Unprocessable, op, "the date is in the past", map[string]string{"date": "must be today or later"})
		case limit.Before(on):
			return "", nil, "", remit.FieldErrors(remit.Unprocessable, op, "the date is too far ahead",
				map[string]string{"date": "must be at most " + strconv.Itoa(set.PromiseLimit()) + " days ahead, by " + limit.String()})
		}
		p, err := s.DB.AddCustomerPromise(ctx, tx, acc.Tenant.ClientKey, inv.ID, on, set.PromiseGrace())
		if err != nil {
			return "", nil, "", err
		}
		doc := map[string]any{"promisedOn": on.String(), "graceDays": p.GraceDays, "promise": p.Seq,
			"balance": money.Format(inv.Balance(), inv.Currency)}
		comment := fmt.Sprintf("The customer promised on the customer page to pay invoice %s (%s %s) by %s (promise %d). Follow-ups pause until then; if the money has not arrived %d days after that date, the customer is reminded of the promise.",
			inv.Number, money.Format(inv.Balance(), inv.Currency), inv.Currency, on, p.Seq, p.GraceDays)
		return "customer_promise", doc, comment, nil
	})
}

// RequestPlan records a payment plan the customer proposes: installments
// from today on, with increasing dates, summing to the balance. It waits,
// pending, for the seller's accept or decline in the invoice panel; one
// request at a time.
func (s *Service) RequestPlan(ctx context.Context, acc Access, ins []invoice.InstallmentInput, note string) error {
	const op = "customerportal.RequestPlan"
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > maxReasonLen {
		return remit.FieldErrors(remit.Unprocessable, op, "the note is too long", map[string]string{"note": fmt.Sprintf("must be at most %d characters", maxReasonLen)})
	}
	return s.act(ctx, acc, op, func(tx *store.Tx, set invoice.Settings, inv invoice.Invoice, today invoice.Date) (string, any, string, error) {
		for i, in := range ins {
			if !in.DueDate.IsZero() && in.DueDate.Before(today) {
				return "", nil, "", remit.FieldErrors(remit.Unprocessable, op, "a date is in the past",
					map[string]string{fmt.Sprintf("installments[%d].dueDate", i): "must be today or later"})
			}
		}
		if _, err := invoice.CheckPlan(&inv, ins); err != nil {
			return "", nil, "", err
		}
		reqs, err := s.DB.PlanRequests(ctx, acc.Tenant.ClientKey, inv.ID)
		if err != nil {
			return "", nil, "", err
		}
		for _, r := range reqs {
			if r.Status == store.PlanRequestPending {
				return "", nil, "", remit.Errorf(remit.Conflict, op, "a payment plan you asked for is waiting for the seller's answer")
			}
		}
		id, err := s.DB.AddPlanRequest(ctx, tx, acc.Tenant.ClientKey, inv.ID, ins, note)
		if err != nil {
			return "", nil, "", err
		}
		var parts []string
		for _, in := range ins {
			parts = append(parts, fmt.Sprintf("%s %s on %s", in.Amount, inv.Currency, in.DueDate))
		}
		doc := map[string]any{"request": id, "installments": parts, "note": note}
		comment := fmt.Sprintf("The customer asked on the customer page for a payment plan for invoice %s (request %d): %s.", inv.Number, id, strings.Join(parts, ", "))
		if note != "" {
			comment += " Their note: " + note
		}
		comment += " Accept or decline it in the invoice panel."
		return "customer_plan_request", doc, comment, nil
	})
}

// Dispute records that the customer disputes the invoice, with their
// reason: the invoice is disputed as the panel's dispute makes it, which
// pauses its follow-ups until someone in Jira resolves it.
func (s *Service) Dispute(ctx context.Context, acc Access, reason string) error {
	const op = "customerportal.Dispute"
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return remit.FieldErrors(remit.Unprocessable, op, "the reason is missing", map[string]string{"reason": "is required: say what is wrong"})
	case utf8.RuneCountInString(reason) > maxReasonLen:
		return remit.FieldErrors(remit.Unprocessable, op, "the reason is too long", map[string]string{"reason": fmt.Sprintf("must be at most %d characters", maxReasonLen)})
	}
	return s.act(ctx, acc, op, func(tx *store.Tx, _ invoice.Settings, inv invoice.Invoice, _ invoice.Date) (string, any, string, error) {
		next, err := invoice.Apply(inv, invoice.ActionDispute)
		if err != nil {
			return "", nil, "", err
		}
		if err := s.DB.SetInvoiceDisputed(ctx, tx, acc.Tenant.ClientKey, inv.ID, next.Disputed); err != nil {
			return "", nil, "", err
		}
		doc := map[string]any{"disputed": true, "reason": reason}
		comment := fmt.Sprintf("The customer disputed invoice %s on the customer page. Their reason: %s Follow-ups are paused until the dispute is resolved in the invoice panel.", inv.Number, reason)
		return "dispute", doc, comment, nil
	})
}

// Pay asks the checkout provider for the address of a card payment of
// the invoice, which the customer is sent to. Without a provider, or for
// an invoice that asks for nothing, it is remit.Conflict.
func (s *Service) Pay(ctx context.Context, acc Access, token string) (string, error) {
	const op = "customerportal.Pay"
	if s.Checkout == nil {
		return "", remit.Errorf(remit.Conflict, op, "card payment is not available: please pay by bank transfer")
	}
	inv, err := s.DB.Invoice(ctx, acc.Tenant.ClientKey, acc.InvoiceID)
	if err != nil {
		return "", err
	}
	if !inv.Open() || !inv.Balance().IsPositive() {
		return "", remit.Errorf(remit.Conflict, op, "invoice %s is %s: nothing is owed on it", inv.Number, strings.ReplaceAll(string(inv.Status), "_", " "))
	}
	page := s.URLOf(token)
	return s.Checkout.CheckoutURL(ctx, acc.Tenant.ClientKey, acc.InvoiceID, page+"?paid=1", page+"?cancelled=1")
}

// PDF is the invoice's PDF for its customer.
func (s *Service) PDF(ctx context.Context, acc Access) ([]byte, string, error) {
	return s.Billing.InvoicePDF(ctx, acc.Tenant, acc.InvoiceID)
}

// EInvoice is the invoice's structured e-invoice in format f ("ubl",
// "cii" or "xrechnung") for its customer; an unknown format is
// remit.NotFound, data the format needs and the invoice lacks
// remit.Unprocessable.
func (s *Service) EInvoice(ctx context.Context, acc Access, format string) ([]byte, string, error) {
	f, ok := einvoice.ParseFormat(format)
	if !ok {
		return nil, "", remit.Errorf(remit.NotFound, "customerportal.EInvoice", "no such page")
	}
	return s.Billing.InvoiceEInvoice(ctx, acc.Tenant, acc.InvoiceID, f)
}

// PlanRequests are the invoice's plan requests, for those who may read it.
func (s *Service) PlanRequests(ctx context.Context, a remit.Actor, invoiceID int64) ([]store.PlanRequest, error) {
	if err := s.requireRead(ctx, a); err != nil {
		return nil, err
	}
	if _, err := s.DB.Invoice(ctx, a.Tenant.ClientKey, invoiceID); err != nil {
		return nil, err
	}
	return s.DB.PlanRequests(ctx, a.Tenant.ClientKey, invoiceID)
}

// AcceptPlanRequest makes a pending request the invoice's payment plan,
// through billing's plan use case (its checks, audit and rescheduling),
// and marks it accepted in the same transaction. A request no longer
// pending is remit.Conflict; a plan that no longer fits the balance (a
// payment came since) is refused as SetPlan refuses it.
func (s *Service) AcceptPlanRequest(ctx context.Context, a remit.Actor, invoiceID, requestID int64) (invoice.Invoice, error) {
	const op = "customerportal.AcceptPlanRequest"
	if err := s.requireManage(ctx, a); err != nil {
		return invoice.Invoice{}, err
	}
	ck := a.Tenant.ClientKey
	var req store.PlanRequest
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		var err error
		req, err = s.DB.PlanRequestForUpdate(ctx, tx, ck, invoiceID, requestID)
		return err
	})
	if err != nil {
		return invoice.Invoice{}, err
	}
	if req.Status != store.PlanRequestPending {
		return invoice.Invoice{}, remit.Errorf(remit.Conflict, op, "the request was already %s", req.Status)
	}
	return s.Billing.SetPlanThen(ctx, a, invoiceID, req.Installments, func(tx *store.Tx, inv invoice.Invoice) error {
		return s.decide(ctx, tx, a, inv, requestID, store.PlanRequestAccepted)
	})
}

// DeclinePlanRequest declines a pending request; the invoice keeps its
// plan (or none) and its follow-ups.
func (s *Service) DeclinePlanRequest(ctx context.Context, a remit.Actor, invoiceID, requestID int64) error {
	if err := s.requireManage(ctx, a); err != nil {
		return err
	}
	ck := a.Tenant.ClientKey
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		inv, err := s.DB.InvoiceForUpdate(ctx, tx, ck, invoiceID)
		if err != nil {
			return err
		}
		if err := s.decide(ctx, tx, a, inv, requestID, store.PlanRequestDeclined); err != nil {
			return err
		}
		if err := s.DB.BumpJiraVersion(ctx, tx, ck, invoiceID); err != nil {
			return err
		}
		_, err = tx.Enqueue(ctx, jirasync.SyncArgs{ClientKey: ck, InvoiceID: invoiceID}, nil)
		return err
	})
}

// decide marks the request accepted or declined, with its audit entry and
// the comment that tells the people in Jira, in tx.
func (s *Service) decide(ctx context.Context, tx *store.Tx, a remit.Actor, inv invoice.Invoice, requestID int64, status string) error {
	const op = "customerportal.decide"
	ck := a.Tenant.ClientKey
	if _, err := s.DB.PlanRequestForUpdate(ctx, tx, ck, inv.ID, requestID); err != nil {
		return err
	}
	ok, err := s.DB.DecidePlanRequest(ctx, tx, ck, inv.ID, requestID, status, a.Name())
	if err != nil {
		return err
	}
	if !ok {
		return remit.Errorf(remit.Conflict, op, "the request is no longer pending")
	}
	if err := s.audit(ctx, tx, ck, a.Name(), "plan_request_"+status, inv.ID, map[string]any{"request": requestID}); err != nil {
		return err
	}
	return s.DB.AddJiraNotice(ctx, tx, ck, inv.ID, fmt.Sprintf("The customer's payment plan request %d for invoice %s was %s.", requestID, inv.Number, status))
}

// audit appends an invoice audit entry in tx.
func (s *Service) audit(ctx context.Context, tx *store.Tx, ck, actor, action string, id int64, after any) error {
	var b json.RawMessage
	if after != nil {
		var err error
		if b, err = json.Marshal(after); err != nil {
			return fmt.Errorf("customerportal: encode audit: %w", err)
		}
	}
	return s.DB.AppendAudit(ctx, tx, ck, store.AuditEntry{At: tx.Now(), Actor: actor, Entity: "invoice",
		EntityID: strconv.FormatInt(id, 10), Action: action, After: b})
}

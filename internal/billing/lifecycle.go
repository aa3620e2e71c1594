package billing

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/jirasync"
	"github.com/remitapp/remit/internal/money"
	"github.com/remitapp/remit/internal/store"
)

// WriteOff marks an open or partially paid invoice uncollectible: what
// is left is written off and follow-ups stop. Money already received
// stays on record.
func (s *Service) WriteOff(ctx context.Context, a Actor, id int64) (invoice.Invoice, error) {
	return s.change(ctx, a, id, func(tx *store.Tx, inv invoice.Invoice) error {
		next, err := invoice.Apply(inv, invoice.ActionWriteOff)
		if err != nil {
			return err
		}
		if err := s.DB.SetInvoiceStatus(ctx, tx, a.Tenant.ClientKey, id, next.Status); err != nil {
			return err
		}
		return s.audit(ctx, tx, a.Tenant.ClientKey, a.Name(), "uncollectible", id, stateOf(inv), stateOf(next))
	})
}

// Dispute flags an open invoice as disputed, which pauses its follow-ups
// until Undispute.
func (s *Service) Dispute(ctx context.Context, a Actor, id int64) (invoice.Invoice, error) {
	return s.setDisputed(ctx, a, id, invoice.ActionDispute)
}

// Undispute clears the disputed flag; follow-ups resume.
func (s *Service) Undispute(ctx context.Context, a Actor, id int64) (invoice.Invoice, error) {
	return s.setDisputed(ctx, a, id, invoice.ActionUndispute)
}

func (s *Service) setDisputed(ctx context.Context, a Actor, id int64, action invoice.Action) (invoice.Invoice, error) {
	return s.change(ctx, a, id, func(tx *store.Tx, inv invoice.Invoice) error {
		next, err := invoice.Apply(inv, action)
		if err != nil {
			return err
		}
		if err := s.DB.SetInvoiceDisputed(ctx, tx, a.Tenant.ClientKey, id, next.Disputed); err != nil {
			return err
		}
		if !next.Disputed {
			// The actions that waited out the dispute go now.
			if err := s.DB.WakeFollowupActions(ctx, tx, a.Tenant.ClientKey, id); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, a.Tenant.ClientKey, a.Name(), string(action), id, stateOf(inv), stateOf(next))
	})
}

// change is the frame of every state change a person asks for: the
// billing settings must exist, the caller must manage the billing
// project, and fn runs on the invoice locked for the transaction, which
// also marks the invoice changed for Jira and enqueues its sync job.
func (s *Service) change(ctx context.Context, a Actor, id int64, fn func(tx *store.Tx, inv invoice.Invoice) error) (invoice.Invoice, error) {
	set, err := s.configured(ctx, a.Tenant)
	if err != nil {
		return invoice.Invoice{}, err
	}
	if err := s.requireManage(ctx, a, set.BillingProjectKey); err != nil {
		return invoice.Invoice{}, err
	}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		inv, err := s.DB.InvoiceForUpdate(ctx, tx, a.Tenant.ClientKey, id)
		if err != nil {
			return err
		}
		if err := fn(tx, inv); err != nil {
			return err
		}
		return s.syncLater(ctx, tx, a.Tenant.ClientKey, id)
	})
	if err != nil {
		return invoice.Invoice{}, err
	}
	return s.Detail(ctx, a.Tenant.ClientKey, id)
}

// syncLater recomputes the invoice's next follow-up time, marks the
// invoice changed since Jira last matched it and enqueues the job that
// makes the issue property and status follow, in the caller's transaction.
func (s *Service) syncLater(ctx context.Context, tx *store.Tx, clientKey string, id int64) error {
	if err := s.reschedule(ctx, tx, clientKey, id); err != nil {
		return err
	}
	if err := s.DB.BumpJiraVersion(ctx, tx, clientKey, id); err != nil {
		return err
	}
	_, err := tx.Enqueue(ctx, jirasync.SyncArgs{ClientKey: clientKey, InvoiceID: id}, nil)
	return err
}

// Detail reads an invoice with its lines, payments, plan and worklog
// review, as GET /invoices/{id} shows it.
func (s *Service) Detail(ctx context.Context, clientKey string, id int64) (invoice.Invoice, error) {
	inv, err := s.DB.Invoice(ctx, clientKey, id)
	if err != nil {
		return inv, err
	}
	return inv, s.LoadDetails(ctx, clientKey, &inv)
}

// LoadDetails fills an invoice's payments, plan, worklog review and
// credit notes.
func (s *Service) LoadDetails(ctx context.Context, clientKey string, inv *invoice.Invoice) error {
	var err error
	if inv.Payments, err = s.DB.Payments(ctx, clientKey, inv.ID); err != nil {
		return err
	}
	if inv.Plan, err = s.DB.Installments(ctx, nil, clientKey, inv.ID); err != nil {
		return err
	}
	if inv.Review, err = s.DB.WorklogReview(ctx, clientKey, inv.ID); err != nil {
		return err
	}
	cns, err := s.DB.CreditNotes(ctx, clientKey, inv.ID)
	inv.CreditNotes = make([]invoice.CreditNote, len(cns))
	for i, cn := range cns {
		inv.CreditNotes[i] = cn.CreditNote
	}
	return err
}

// stateDoc is an invoice's state as the audit log records it before and
// after a change.
type stateDoc struct {
	Status   string `json:"status"`
	Disputed bool   `json:"disputed"`
	Paid     string `json:"paid"`
	Balance  string `json:"balance"`
	Note     string `json:"note,omitempty"`
	Payment  any    `json:"payment,omitempty"`
	Plan     any    `json:"plan,omitempty"`
	// Corrections (see corrections.go).
	CreditNote any    `json:"creditNote,omitempty"`
	Waived     string `json:"waived,omitempty"`
}

func stateOf(inv invoice.Invoice) stateDoc {
	return stateDoc{Status: string(inv.Status), Disputed: inv.Disputed,
		Paid: money.Format(inv.Paid, inv.Currency), Balance: money.Format(inv.Balance(), inv.Currency)}
}

// audit appends an invoice audit entry in tx.
func (s *Service) audit(ctx context.Context, tx *store.Tx, clientKey, actor, action string, id int64, before, after any) error {
	doc := func(v any) (json.RawMessage, error) {
		if v == nil {
			return nil, nil
		}
		return json.Marshal(v)
	}
	b, err := doc(before)
	if err != nil {
		return fmt.Errorf("billing: encode audit: %w", err)
	}
	af, err := doc(after)
	if err != nil {
		return fmt.Errorf("billing: encode audit: %w", err)
	}
	return s.DB.AppendAudit(ctx, tx, clientKey, store.AuditEntry{
		At: s.Now(), Actor: actor, Entity: "invoice", EntityID: strconv.FormatInt(id, 10), Action: action, Before: b, After: af,
	})
}

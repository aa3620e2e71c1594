package billing

import (
	"context"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/money"
	"github.com/remitapp/remit/internal/store"
)

// RecordPayment records money received against an invoice: partial
// payments move it to partially paid, the last one to paid, and a plan's
// installments are settled oldest first. The invoice row is locked for
// the transaction, so two payments racing for the last balance take
// turns and the second finds nothing left to pay (422).
func (s *Service) RecordPayment(ctx context.Context, a Actor, id int64, in invoice.PaymentInput) (invoice.Invoice, invoice.Payment, error) {
	set, err := s.configured(ctx, a.Tenant)
	if err != nil {
		return invoice.Invoice{}, invoice.Payment{}, err
	}
	today := invoice.DateOf(s.Now().In(set.Location()))
	var p invoice.Payment
	inv, err := s.change(ctx, a, id, func(tx *store.Tx, inv invoice.Invoice) error {
		amount, err := invoice.CheckPayment(&inv, in, today)
		if err != nil {
			return err
		}
		p = invoice.Payment{Amount: amount, PaidOn: in.PaidOn, Method: in.Method, Reference: in.Reference, RecordedBy: a.Name()}
		return s.applyPayment(ctx, tx, a.Tenant.ClientKey, inv, &p)
	})
	return inv, p, err
}

// applyPayment stores p against the locked invoice inv, settles its plan
// and records the audit entry, in tx.
func (s *Service) applyPayment(ctx context.Context, tx *store.Tx, clientKey string, inv invoice.Invoice, p *invoice.Payment) error {
	after := inv
	after.Paid = inv.Paid.Add(p.Amount)
	after.Status = invoice.StatusAfterPaid(&inv, after.Paid)
	if err := s.DB.AddPayment(ctx, tx, clientKey, inv.ID, p, after.Status); err != nil {
		return err
	}
	plan, err := s.DB.Installments(ctx, tx, clientKey, inv.ID)
	if err != nil {
		return err
	}
	if plan != nil {
		if err := s.DB.UpdateInstallments(ctx, tx, clientKey, inv.ID, invoice.Settle(plan, p.Amount, p.RecordedAt)); err != nil {
			return err
		}
	}
	doc := stateOf(after)
	doc.Payment = map[string]any{"id": p.ID, "amount": money.Format(p.Amount, inv.Currency), "paidOn": p.PaidOn.String(),
		"method": p.Method, "reference": p.Reference}
	return s.audit(ctx, tx, clientKey, p.RecordedBy, "payment", inv.ID, stateOf(inv), doc)
}

// SetPlan splits the invoice's balance into installments with their own
// due dates, replacing any earlier plan. They must add up to exactly the
// balance (422 otherwise).
func (s *Service) SetPlan(ctx context.Context, a Actor, id int64, in []invoice.InstallmentInput) (invoice.Invoice, error) {
	return s.SetPlanThen(ctx, a, id, in, nil)
}

// SetPlanThen is SetPlan with then run in the plan's transaction after
// the plan is stored (nil = nothing), so that what decided the plan (a
// customer's request accepted) is recorded exactly when the plan is.
func (s *Service) SetPlanThen(ctx context.Context, a Actor, id int64, in []invoice.InstallmentInput, then func(tx *store.Tx, inv invoice.Invoice) error) (invoice.Invoice, error) {
	return s.change(ctx, a, id, func(tx *store.Tx, inv invoice.Invoice) error {
		ins, err := invoice.CheckPlan(&inv, in)
		if err != nil {
			return err
		}
		old, err := s.DB.Installments(ctx, tx, a.Tenant.ClientKey, id)
		if err != nil {
			return err
		}
		if err := s.DB.ReplaceInstallments(ctx, tx, a.Tenant.ClientKey, id, ins); err != nil {
			return err
		}
		before, after := stateOf(inv), stateOf(inv)
		before.Plan, after.Plan = planDoc(old, inv.Currency), planDoc(ins, inv.Currency)
		if err := s.audit(ctx, tx, a.Tenant.ClientKey, a.Name(), "plan", id, before, after); err != nil {
			return err
		}
		if then == nil {
			return nil
		}
		return then(tx, inv)
	})
}

func planDoc(ins []invoice.Installment, c money.Currency) any {
	if ins == nil {
		return nil
	}
	out := make([]map[string]string, len(ins))
	for i, in := range ins {
		out[i] = map[string]string{"dueDate": in.DueDate.String(), "amount": money.Format(in.Amount, c), "paid": money.Format(in.Paid, c)}
	}
	return out
}

package store

import (
	"context"
	"time"

	"github.com/remitapp/remit/internal/followup"
	"github.com/remitapp/remit/internal/invoice"
)

// Facts turns what the store read of an invoice into the planner's
// facts. The tenant is taken as active and licensed: a paused tenant's
// sweeps do not run at all, and its invoices keep their next action time
// so that they resume where they stopped.
func (st FollowupState) Facts(loc *time.Location) followup.Facts {
	inv := st.Invoice
	f := followup.Facts{
		InvoiceID: inv.ID, Status: inv.Status, Disputed: inv.Disputed, DueDate: inv.DueDate,
		Currency: inv.Currency, Total: inv.Total, Balance: inv.Balance(), LateFees: inv.LateFees,
		TenantActive: true, TenantLicensed: true, Promise: st.Promise,
	}
	if inv.Status == invoice.StatusPaid {
		f.PaidOn = st.LastPaidOn
	}
	for _, in := range inv.Plan {
		fi := followup.Installment{ID: in.ID, DueDate: in.DueDate, Balance: in.Balance()}
		if in.SettledAt != nil {
			fi.PaidOn = invoice.DateOf(in.SettledAt.In(loc))
		}
		f.Installments = append(f.Installments, fi)
	}
	return f
}

// PlannerEvents are the recorded events as the planner sees them.
func PlannerEvents(evs []FollowupEvent) []followup.Event {
	out := make([]followup.Event, len(evs))
	for i, e := range evs {
		out[i] = followup.Event{Step: e.Step, Installment: e.Installment, Action: followup.ActionKind(e.Action), Status: followup.EventStatus(e.Status)}
	}
	return out
}

// RescheduleFollowup recomputes an invoice's next action time as of the
// transaction's now, after a change that may move its follow-up ladder
// (creation, a payment, a plan, a dispute, a void, a write-off): it is a
// function of the tenant's policy, the invoice and the clock, so every
// use case that changes an invoice calls it in the change's transaction.
// An unknown or other tenant's id is remit.NotFound.
func (db *DB) RescheduleFollowup(ctx context.Context, tx *Tx, clientKey string, invoiceID int64) error {
	// Everything is read through tx: the caller holds a connection already,
	// and taking another from the pool could starve it under load.
	p, zone, err := db.FollowupTerms(ctx, tx, clientKey)
	if err != nil {
		return err
	}
	st, err := db.FollowupState(ctx, tx, clientKey, invoiceID)
	if err != nil {
		return err
	}
	loc := invoice.Settings{Timezone: zone}.Location()
	in := followup.PlanInput{Facts: st.Facts(loc), Policy: p, Events: PlannerEvents(st.Events), AsOf: db.nowIn(tx), Location: loc}
	return db.SetNextActionAt(ctx, tx, clientKey, invoiceID, followup.NextActionAt(in))
}

// nowIn is tx's now, or the clock's when there is no transaction.
func (db *DB) nowIn(tx *Tx) time.Time {
	if tx != nil {
		return tx.now
	}
	return db.now()
}

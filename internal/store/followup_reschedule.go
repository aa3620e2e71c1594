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
	_, _, err := db.RescheduleFollowupState(ctx, tx, clientKey, invoiceID)
	return err
}

// RescheduleFollowupState is RescheduleFollowup that also returns the
// invoice's follow-up state it read and the tenant's date at the
// transaction's now, for the caller's own checks without reading again.
func (db *DB) RescheduleFollowupState(ctx context.Context, tx *Tx, clientKey string, invoiceID int64) (FollowupState, invoice.Date, error) {
	// Everything is read through tx: the caller holds a connection already,
	// and taking another from the pool could starve it under load.
	p, zone, err := db.FollowupTerms(ctx, tx, clientKey)
	if err != nil {
		return FollowupState{}, invoice.Date{}, err
	}
	st, err := db.FollowupState(ctx, tx, clientKey, invoiceID)
	if err != nil {
		return FollowupState{}, invoice.Date{}, err
	}
	loc := invoice.Settings{Timezone: zone}.Location()
	asOf := db.nowIn(tx)
	in := followup.PlanInput{Facts: st.Facts(loc), Policy: p, Events: PlannerEvents(st.Events), AsOf: asOf, Location: loc}
	if err := db.SetNextActionAt(ctx, tx, clientKey, invoiceID, followup.NextActionAt(in)); err != nil {
		return FollowupState{}, invoice.Date{}, err
	}
	return st, invoice.DateOf(asOf.In(loc)), nil
}

// Labelled reports whether a label action (the stop-work label) of the
// invoice is done, so that a release job may be waiting to lift it.
func (st FollowupState) Labelled() bool {
	for _, e := range st.Events {
		if e.Action == string(followup.ActionLabel) && e.Status == EventDone {
			return true
		}
	}
	return false
}

// nowIn is tx's now, or the clock's when there is no transaction.
func (db *DB) nowIn(tx *Tx) time.Time {
	if tx != nil {
		return tx.now
	}
	return db.now()
}

package chase

import (
	"time"

	"github.com/remitapp/remit/internal/followup"
	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/store"
)

// factsOf turns what the store read of an invoice into the planner's
// facts. The tenant is taken as active and licensed: a paused tenant's
// sweeps do not run at all, and its invoices keep their next action time
// so that they resume where they stopped.
func factsOf(st store.FollowupState, loc *time.Location) followup.Facts {
	inv := st.Invoice
	f := followup.Facts{
		InvoiceID: inv.ID, Status: inv.Status, Disputed: inv.Disputed, DueDate: inv.DueDate,
		Currency: inv.Currency, Total: inv.Total, Balance: inv.Balance(), LateFees: inv.LateFees,
		TenantActive: true, TenantLicensed: true,
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

// eventsOf are the recorded events as the planner sees them.
func eventsOf(evs []store.FollowupEvent) []followup.Event {
	out := make([]followup.Event, len(evs))
	for i, e := range evs {
		out[i] = followup.Event{Step: e.Step, Installment: e.Installment, Action: followup.ActionKind(e.Action), Status: followup.EventStatus(e.Status)}
	}
	return out
}

// nextActionAt is the earliest instant at which Plan would have something
// to do for the invoice: the start of the day of the earliest step that
// is due and not recorded yet (run, skip or cancel), else the start of
// the next step's day; nil when nothing is left until the invoice
// changes. It is what invoices.next_action_at holds.
func nextActionAt(in followup.PlanInput) *time.Time {
	r := followup.Plan(in)
	var at *time.Time
	keep := func(t time.Time) {
		if at == nil || t.Before(*at) {
			at = &t
		}
	}
	if r.Next != nil {
		keep(r.Next.At)
	}
	loc := in.Location
	if loc == nil {
		loc = time.UTC
	}
	for _, group := range [][]followup.Planned{r.Run, r.Skip, r.Cancel} {
		for _, p := range group {
			if day, ok := stepDay(in, p.Step, p.Installment); ok {
				keep(day.Start(loc))
			}
		}
	}
	return at
}

// stepDay is the day a step comes due for the invoice or an installment.
func stepDay(in followup.PlanInput, step string, installment int64) (invoice.Date, bool) {
	due := in.Facts.DueDate
	if installment != 0 {
		found := false
		for _, i := range in.Facts.Installments {
			if i.ID == installment {
				due, found = i.DueDate, true
			}
		}
		if !found {
			return invoice.Date{}, false
		}
	}
	for _, s := range in.Policy.Steps {
		if s.Key == step {
			return due.AddDays(s.OffsetDays), true
		}
	}
	return invoice.Date{}, false
}

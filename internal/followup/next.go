package followup

import (
	"time"

	"github.com/remitapp/remit/internal/invoice"
)

// NextActionAt is the earliest instant at which Plan would have something
// to do for the invoice: the start of the day of the earliest step that
// is due and not recorded yet (run, skip or cancel), else the start of
// the next step's day; nil when nothing is left until the invoice
// changes. It is what invoices.next_action_at holds, so that a sweep
// looks at an invoice only when it has something to do.
func NextActionAt(in PlanInput) *time.Time {
	r := Plan(in)
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
	for _, group := range [][]Planned{r.Run, r.Skip, r.Cancel} {
		for _, p := range group {
			if day, ok := StepDay(in, p.Step, p.Installment); ok {
				keep(day.Start(loc))
			}
		}
	}
	return at
}

// StepDay is the day a step comes due for the invoice or an installment;
// false when the policy has no such step or the invoice no such
// installment.
func StepDay(in PlanInput, step string, installment int64) (invoice.Date, bool) {
	if p := in.Facts.Promise; p != nil && installment == 0 && step == p.StepKey() {
		return p.BrokenOn(), true
	}
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

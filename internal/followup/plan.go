package followup

import (
	"time"

	"github.com/remitapp/remit/internal/invoice"
)

// PlanInput is everything Plan looks at: one invoice's facts, the
// tenant's policy (validated), the events recorded for the invoice so
// far, and the instant of the sweep with the tenant's zone, in which
// step days begin.
type PlanInput struct {
	Facts    Facts
	Policy   Policy
	Events   []Event
	AsOf     time.Time
	Location *time.Location // nil = UTC
}

// Planned is one action of one step for the invoice (Installment 0) or
// one of its installments.
type Planned struct {
	Step        string
	Installment int64
	Action      Action
	// Reconcile marks a state action run for a step whose messages were
	// skipped: the invoice still moves to overdue and fees still accrue.
	Reconcile bool
	// Reason says why an action is skipped or cancelled.
	Reason string
}

// Key is the planned action's identity (job uniqueness, event row).
func (p Planned) Key() Key { return Key{p.Step, p.Installment, p.Action.Kind} }

// Next is the next step that will come due, for the invoice's indexed
// next-action time and the timeline's "next".
type Next struct {
	Step        string
	Installment int64
	At          time.Time // the first instant of the step's day in the tenant's zone
}

// PlanResult is what to do now. The executor runs Run, records Skip as
// skipped and Cancel as cancelled, and stores Next.At (nil = nothing
// left to do until something changes, e.g. an undispute).
type PlanResult struct {
	Run    []Planned
	Skip   []Planned
	Cancel []Planned
	Next   *Next
}

// Reasons recorded with skipped and cancelled actions.
const (
	ReasonSettled = "paid before the step ran"
	// ReasonAddedLate skips a step added to (or renamed in) the policy
	// after the invoice's day for it had passed.
	ReasonAddedLate  = "added to the policy after its day"
	reasonSuperseded = "superseded by "
)

// target is what one ladder chases: the invoice, or one installment.
type target struct {
	installment int64
	due         invoice.Date
	settled     bool
	paidOn      invoice.Date
}

type stepKey struct {
	step        string
	installment int64
}

// Plan decides, for one invoice at in.AsOf, which actions run, which are
// recorded skipped or cancelled, and when the next step comes due. It is
// a pure function: the same input always gives the same output, and an
// output recorded as events is never planned again (a step with any
// recorded event is done for that invoice or installment).
//
// Nothing is planned for void, uncollectible or disputed invoices, or for
// inactive or unlicensed tenants, nor while a promise to pay holds
// (Facts.Promise). For a paid invoice or installment, the
// steps whose day had come by the payment (PaidOn; by asOf when unknown)
// and that have not run are cancelled. When
// several message steps are due at once, only the latest is sent; the
// earlier ones are skipped, except for their state actions (transition,
// late fee, label), which run unless a later due step does the same.
func Plan(in PlanInput) PlanResult {
	var r PlanResult
	f := in.Facts
	if !f.TenantActive || !f.TenantLicensed || f.Disputed {
		return r
	}
	paid := f.Status == invoice.StatusPaid
	if !paid && f.Status != invoice.StatusOpen && f.Status != invoice.StatusPartiallyPaid {
		return r
	}
	loc := in.Location
	if loc == nil {
		loc = time.UTC
	}
	today := invoice.DateOf(in.AsOf.In(loc))
	touched := make(map[stepKey]bool, len(in.Events))
	for _, e := range in.Events {
		touched[stepKey{e.Step, e.Installment}] = true
	}
	// A promise to pay holds every ladder of the invoice until it is
	// broken; then its own step runs, as the latest message of the day,
	// and the ladder continues.
	var broken []Step
	if p := f.Promise; p != nil && !paid && f.Balance.IsPositive() {
		if p.Paused(today) {
			r.noteNext(p.StepKey(), 0, p.BrokenOn().Start(loc))
			return r
		}
		if !touched[stepKey{p.StepKey(), 0}] {
			broken = []Step{p.Step()}
		}
	}
	for _, t := range targets(f, paid) {
		var due []Step
		for _, s := range in.Policy.Steps {
			if touched[stepKey{s.Key, t.installment}] {
				continue
			}
			day := t.due.AddDays(s.OffsetDays)
			if t.settled && !t.paidOn.IsZero() && t.paidOn.Before(day) {
				break // its day came after the payment: nothing to cancel
			}
			if today.Before(day) {
				if !t.settled {
					r.noteNext(s.Key, t.installment, day.Start(loc))
				}
				break // steps are in increasing offset order
			}
			if !s.AddedAt.IsZero() && day.Before(invoice.DateOf(s.AddedAt.In(loc))) {
				for _, a := range s.Actions {
					r.Skip = append(r.Skip, Planned{Step: s.Key, Installment: t.installment, Action: a, Reason: ReasonAddedLate})
				}
				continue
			}
			due = append(due, s)
		}
		if t.settled {
			for _, s := range due {
				for _, a := range s.Actions {
					r.Cancel = append(r.Cancel, Planned{Step: s.Key, Installment: t.installment, Action: a, Reason: ReasonSettled})
				}
			}
			continue
		}
		switch {
		case t.installment == 0 && broken != nil:
			due, broken = append(due, broken...), nil
			r.planDue(due, 0, nil)
		case broken != nil:
			// A payment plan: the broken promise is the invoice's, and its
			// message is the one the customer gets today; what the
			// installment's ladder has due is superseded by it.
			r.planDue(due, t.installment, &broken[0])
		default:
			r.planDue(due, t.installment, nil)
		}
	}
	if broken != nil { // a payment plan: the promise was the invoice's
		r.planDue(broken, 0, nil)
	}
	return r
}

// targets are the ladders of an invoice: one per installment of a payment
// plan, else the invoice itself.
func targets(f Facts, paid bool) []target {
	if len(f.Installments) == 0 {
		return []target{{0, f.DueDate, paid || !f.Balance.IsPositive(), f.PaidOn}}
	}
	out := make([]target, len(f.Installments))
	for i, in := range f.Installments {
		paidOn := in.PaidOn
		if paid && paidOn.IsZero() {
			paidOn = f.PaidOn
		}
		out[i] = target{in.ID, in.DueDate, paid || !in.Balance.IsPositive(), paidOn}
	}
	return out
}

// planDue sorts the due, not yet run steps of one ladder into run and
// skip. over, when not nil, is a message step of another ladder of the
// invoice sent in the same run (a broken promise on a payment plan): the
// ladder's own messages are superseded by it, so the customer gets one.
func (r *PlanResult) planDue(due []Step, installment int64, over *Step) {
	latest := -1
	for i, s := range due {
		if s.Message() {
			latest = i
		}
	}
	if over != nil {
		latest = len(due)
	}
	for i, s := range due {
		if i >= latest || !s.Message() {
			for _, a := range s.Actions {
				r.Run = append(r.Run, Planned{Step: s.Key, Installment: installment, Action: a})
			}
			continue
		}
		for _, a := range s.Actions {
			p := Planned{Step: s.Key, Installment: installment, Action: a}
			by := supersededBy(due[i+1:], a)
			if a.Message() {
				if over != nil {
					by = over.Key
				} else {
					by = due[latest].Key
				}
			}
			if by != "" {
				p.Reason = reasonSuperseded + by
				r.Skip = append(r.Skip, p)
				continue
			}
			p.Reconcile = true
			r.Run = append(r.Run, p)
		}
	}
}

// supersededBy is the key of the last of later steps doing what a does, or "".
func supersededBy(later []Step, a Action) string {
	by := ""
	for _, s := range later {
		for _, b := range s.Actions {
			if a.same(b) {
				by = s.Key
			}
		}
	}
	return by
}

// noteNext keeps the earliest next step across the invoice's ladders.
func (r *PlanResult) noteNext(step string, installment int64, at time.Time) {
	if r.Next == nil || at.Before(r.Next.At) {
		r.Next = &Next{Step: step, Installment: installment, At: at}
	}
}

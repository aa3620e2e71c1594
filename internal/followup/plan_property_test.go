package followup

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/invoice"
)

var allKinds = []ActionKind{ActionComment, ActionEmail, ActionTransition, ActionLateFee, ActionLabel, ActionNotifyAdmins}

// randomPolicy is a valid ladder of 1 to 8 steps with random offsets and
// random sets of actions.
func randomPolicy(rng *rand.Rand) Policy {
	p := Policy{LateFee: LateFeePolicy{Preset: PresetUS}}
	off := -rng.IntN(15)
	for i := range 1 + rng.IntN(8) {
		s := Step{Key: fmt.Sprintf("s%d", i), OffsetDays: off, Template: TemplatePolite}
		for _, k := range allKinds {
			if rng.IntN(3) == 0 {
				a := Action{Kind: k}
				if k == ActionTransition {
					a.Status = RoleOverdue
				}
				s.Actions = append(s.Actions, a)
			}
		}
		if len(s.Actions) == 0 {
			s.Actions = []Action{{Kind: allKinds[rng.IntN(len(allKinds))]}}
			if s.Actions[0].Kind == ActionTransition {
				s.Actions[0].Status = RoleOverdue
			}
		}
		p.Steps = append(p.Steps, s)
		off += 1 + rng.IntN(20)
	}
	return p
}

// TestPlanNeverRepeats feeds Plan its own outputs back, over random
// policies, random prior histories, random facts that change between
// sweeps (payments, disputes, a tenant disabled and enabled again) and
// random sweep instants, in and out of order: no (step, installment,
// action) is ever emitted twice, and nothing is emitted for a step that
// already has an event.
func TestPlanNeverRepeats(t *testing.T) {
	for seed := range uint64(400) {
		rng := rand.New(rand.NewPCG(seed, 99))
		p := randomPolicy(rng)
		if err := p.Validate(); err != nil {
			t.Fatalf("seed %d: generated policy invalid: %v", seed, err)
		}
		f := openFacts("2026-03-31")
		ids := []int64{0}
		if rng.IntN(2) == 0 {
			ids = nil
			for i := range 1 + rng.IntN(3) {
				f.Installments = append(f.Installments, Installment{ID: int64(i + 1), DueDate: f.DueDate.AddDays(30 * i), Balance: dec("100")})
				ids = append(ids, int64(i+1))
			}
		}
		touched := map[stepKey]bool{}
		var events []Event
		for _, s := range p.Steps {
			for _, id := range ids {
				if rng.IntN(4) == 0 {
					a := s.Actions[rng.IntN(len(s.Actions))]
					st := []EventStatus{StatusDone, StatusSkipped, StatusFailed, StatusCancelled}[rng.IntN(4)]
					events = append(events, Event{Step: s.Key, Installment: id, Action: a.Kind, Status: st})
					touched[stepKey{s.Key, id}] = true
				}
			}
		}
		emitted := map[Key]bool{}
		base := f.DueDate.Start(time.UTC)
		for range 40 {
			switch rng.IntN(10) {
			case 0:
				f.Disputed = !f.Disputed
			case 1:
				f.TenantActive = !f.TenantActive
			case 2:
				if len(f.Installments) > 0 {
					f.Installments[rng.IntN(len(f.Installments))].Balance = dec("0")
				} else {
					f.Status, f.Balance = invoice.StatusPaid, dec("0")
				}
			case 3:
				f.Status, f.Balance = invoice.StatusOpen, dec("1000.00") // a payment reversed
			}
			asOf := base.Add(time.Duration(rng.IntN(200*24)-20*24) * time.Hour)
			r := Plan(PlanInput{Facts: f, Policy: p, Events: events, AsOf: asOf})
			var out []Planned
			out = append(append(append(out, r.Run...), r.Skip...), r.Cancel...)
			newly := map[stepKey]bool{}
			for _, pl := range out {
				k := pl.Key()
				if emitted[k] {
					t.Fatalf("seed %d: %v emitted twice", seed, k)
				}
				if touched[stepKey{k.Step, k.Installment}] {
					t.Fatalf("seed %d: %v emitted for a step that already has an event", seed, k)
				}
				emitted[k] = true
				newly[stepKey{k.Step, k.Installment}] = true
				events = append(events, Event{Step: k.Step, Installment: k.Installment, Action: k.Action, Status: StatusDone})
			}
			for k := range newly {
				touched[k] = true
			}
			if r.Next != nil && !r.Next.At.After(asOf) {
				t.Fatalf("seed %d: next %v is not after asOf %v", seed, r.Next.At, asOf)
			}
		}
	}
}

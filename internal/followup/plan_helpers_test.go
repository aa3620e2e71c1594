package followup

import (
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/invoice"
)

// ledger plays an executor: it runs Plan, records every output as an
// event (run actions as done), and remembers which day emitted what.
type ledger struct {
	t      *testing.T
	facts  Facts
	policy Policy
	loc    *time.Location
	events []Event
	seen   map[Key]string // key -> the day it was emitted
}

func newLedger(t *testing.T, f Facts) *ledger {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	return &ledger{t: t, facts: f, policy: DefaultPolicy(), loc: ny, seen: map[Key]string{}}
}

// openFacts is an open invoice of 1000.00 USD due on due, chased as a whole.
func openFacts(due string) Facts {
	return Facts{InvoiceID: 7, Status: invoice.StatusOpen, DueDate: date(due), Currency: "USD",
		Total: dec("1000.00"), Balance: dec("1000.00"), LateFees: decimal.Zero, TenantActive: true, TenantLicensed: true}
}

// at is 09:00 on the day offset days from the invoice's due date, in the
// tenant's zone, the default sweep time.
func (l *ledger) at(offset int) time.Time {
	return l.facts.DueDate.AddDays(offset).Start(l.loc).Add(9 * time.Hour)
}

// sweep plans at asOf, records the outcome and fails the test on any key
// emitted twice.
func (l *ledger) sweep(asOf time.Time) PlanResult {
	l.t.Helper()
	r := Plan(PlanInput{Facts: l.facts, Policy: l.policy, Events: l.events, AsOf: asOf, Location: l.loc})
	day := invoice.DateOf(asOf.In(l.loc)).String()
	record := func(ps []Planned, st EventStatus) {
		for _, p := range ps {
			if prev, dup := l.seen[p.Key()]; dup {
				l.t.Errorf("%s: %v emitted again (first on %s)", day, p.Key(), prev)
			}
			l.seen[p.Key()] = day
			l.events = append(l.events, Event{Step: p.Step, Installment: p.Installment, Action: p.Action.Kind, Status: st})
		}
	}
	record(r.Run, StatusDone)
	record(r.Skip, StatusSkipped)
	record(r.Cancel, StatusCancelled)
	return r
}

// names lists planned actions as "step/action" (with "#installment" when
// not 0) and "+" for reconciled ones, sorted.
func names(ps []Planned) []string {
	out := []string{}
	for _, p := range ps {
		s := p.Step + "/" + string(p.Action.Kind)
		if p.Installment != 0 {
			s = fmt.Sprintf("%s#%d", s, p.Installment)
		}
		if p.Reconcile {
			s += "+"
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

func eq(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

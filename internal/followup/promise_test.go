package followup

import (
	"testing"
)

// TestPlanPromisePausesThenBreaks walks an invoice whose customer, on
// due+2 (after overdue-1), promised to pay by due+10 with two days of
// grace: nothing runs from the promise to due+12 (overdue-7 falls due in
// the pause), on due+13 the promise-broken step runs as the day's latest
// message and overdue-7's messages are skipped as superseded by it, and
// the ladder then continues with escalate-14.
func TestPlanPromisePausesThenBreaks(t *testing.T) {
	l := newLedger(t, openFacts("2026-03-31"))
	for day := -3; day <= 1; day++ {
		l.sweep(l.at(day))
	}
	p := &Promise{Seq: 1, PromisedOn: l.facts.DueDate.AddDays(10), GraceDays: 2}
	l.facts.Promise = p
	for day := 2; day <= 12; day++ {
		r := l.sweep(l.at(day))
		if len(r.Run)+len(r.Skip)+len(r.Cancel) != 0 {
			t.Errorf("day %+d, promise holds: planned %v %v %v", day, names(r.Run), names(r.Skip), names(r.Cancel))
		}
		if r.Next == nil || r.Next.Step != StepPromiseBroken || !r.Next.At.Equal(l.facts.DueDate.AddDays(13).Start(l.loc)) {
			t.Errorf("day %+d: next %+v, want promise-broken at the start of due+13", day, r.Next)
		}
	}
	in := PlanInput{Facts: l.facts, Policy: l.policy, Events: l.events, AsOf: l.at(5), Location: l.loc}
	if at := NextActionAt(in); at == nil || !at.Equal(l.facts.DueDate.AddDays(13).Start(l.loc)) {
		t.Errorf("next action at %v during the promise, want the start of due+13", at)
	}
	r := l.sweep(l.at(13))
	if got, want := names(r.Run), []string{"promise-broken/comment", "promise-broken/email"}; !eq(got, want) {
		t.Errorf("due+13 ran %v, want %v", got, want)
	}
	if got, want := names(r.Skip), []string{"overdue-7/comment", "overdue-7/email"}; !eq(got, want) {
		t.Errorf("due+13 skipped %v, want %v", got, want)
	}
	if r := l.sweep(l.at(14)); !eq(names(r.Run), []string{"escalate-14/comment", "escalate-14/email"}) {
		t.Errorf("due+14 ran %v, want the ladder's escalate-14", names(r.Run))
	}
	// A second promise, broken too, has a step of its own.
	l.facts.Promise = &Promise{Seq: 2, PromisedOn: l.facts.DueDate.AddDays(20), GraceDays: 0}
	if r := l.sweep(l.at(20)); len(r.Run) != 0 {
		t.Errorf("due+20, second promise holds: ran %v", names(r.Run))
	}
	if r := l.sweep(l.at(21)); !eq(names(r.Run), []string{"promise-broken-2/comment", "promise-broken-2/email"}) {
		t.Errorf("due+21 ran %v, want the second promise's step", names(r.Run))
	}
}

// TestPlanPromiseKept: a payment before the promise is broken means the
// step never runs, and the steps overtaken by the payment are cancelled
// as for any paid invoice.
func TestPlanPromiseKept(t *testing.T) {
	l := newLedger(t, openFacts("2026-03-31"))
	l.sweep(l.at(1))
	l.facts.Promise = &Promise{Seq: 1, PromisedOn: l.facts.DueDate.AddDays(10), GraceDays: 2}
	l.sweep(l.at(5))
	l.facts.Status, l.facts.Balance, l.facts.PaidOn = "paid", dec("0"), l.facts.DueDate.AddDays(11)
	for day := 11; day <= 70; day++ {
		if r := l.sweep(l.at(day)); len(r.Run) != 0 {
			t.Fatalf("day %+d after payment: ran %v", day, names(r.Run))
		}
	}
	for k := range l.seen {
		if k.Step == StepPromiseBroken {
			t.Errorf("a kept promise recorded %v", k)
		}
	}
}

// TestPlanPromiseOnPlanInvoice: on a payment plan the promise holds every
// installment's ladder and its step is the invoice's (installment 0).
// When it breaks, its message is the one the customer gets: the
// installments' messages due the same day are skipped as superseded by
// it, their state actions still run.
func TestPlanPromiseOnPlanInvoice(t *testing.T) {
	f := openFacts("2026-03-31")
	f.Installments = []Installment{{ID: 11, DueDate: date("2026-04-10"), Balance: dec("500.00")}, {ID: 12, DueDate: date("2026-05-10"), Balance: dec("500.00")}}
	f.Promise = &Promise{Seq: 1, PromisedOn: date("2026-04-20"), GraceDays: 2}
	l := newLedger(t, f)
	asOf := date("2026-04-22").Start(l.loc).Add(9 * 3600e9)
	if r := l.sweep(asOf); len(r.Run) != 0 {
		t.Errorf("inside the promise: ran %v", names(r.Run))
	}
	r := l.sweep(date("2026-04-23").Start(l.loc).Add(9 * 3600e9))
	got := names(r.Run)
	want := []string{"overdue-1/transition#11+", "promise-broken/comment", "promise-broken/email"}
	if !eq(got, want) {
		t.Errorf("promise broken on a plan: ran %v, want %v", got, want)
	}
	for _, p := range r.Skip {
		if p.Reason != "superseded by "+StepPromiseBroken {
			t.Errorf("%s/%s#%d skipped because %q", p.Step, p.Action.Kind, p.Installment, p.Reason)
		}
	}
	if got, want := names(r.Skip), []string{"overdue-1/comment#11", "overdue-1/email#11", "overdue-7/comment#11", "overdue-7/email#11", "reminder-before-due/comment#11", "reminder-before-due/email#11"}; !eq(got, want) {
		t.Errorf("promise broken on a plan: skipped %v, want %v", got, want)
	}
}

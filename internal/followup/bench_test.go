package followup

import (
	"testing"
	"time"
)

// BenchmarkPlan plans one invoice on the default 7-step ladder with 10
// events recorded, at a day where the final notice is due.
func BenchmarkPlan(b *testing.B) {
	f := openFacts("2026-03-31")
	var events []Event
	for _, s := range DefaultPolicy().Steps[:4] {
		for _, a := range s.Actions {
			events = append(events, Event{Step: s.Key, Action: a.Kind, Status: StatusDone})
		}
	}
	events = append(events, Event{Step: "retired-step", Action: ActionComment, Status: StatusSkipped})
	if len(events) != 10 {
		b.Fatalf("%d events", len(events))
	}
	in := PlanInput{Facts: f, Policy: DefaultPolicy(), Events: events, AsOf: f.DueDate.AddDays(31).Start(time.UTC)}
	if r := Plan(in); len(r.Run) != 3 {
		b.Fatalf("ran %v", names(r.Run))
	}
	b.ReportAllocs()
	for b.Loop() {
		Plan(in)
	}
}

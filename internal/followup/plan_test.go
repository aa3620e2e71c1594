package followup

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/invoice"
)

// TestPlanWalk walks one invoice through the default ladder, one sweep a
// day from due−10 to due+70: every step runs exactly once, on its day,
// nothing is skipped, and the next-action time is right every day.
func TestPlanWalk(t *testing.T) {
	l := newLedger(t, openFacts("2026-03-31")) // DST starts 2026-03-08 in New York, inside the walk
	want := map[int][]string{
		-3: {"reminder-before-due/comment", "reminder-before-due/email"},
		1:  {"overdue-1/comment", "overdue-1/email", "overdue-1/transition"},
		7:  {"overdue-7/comment", "overdue-7/email"},
		14: {"escalate-14/comment", "escalate-14/email"},
		30: {"final-notice-30/comment", "final-notice-30/email", "final-notice-30/late_fee"},
		45: {"stop-work-45/comment", "stop-work-45/label"},
		60: {"collections-60/comment", "collections-60/notify_admins"},
	}
	offsets := []int{-3, 1, 7, 14, 30, 45, 60}
	for day := -10; day <= 70; day++ {
		r := l.sweep(l.at(day))
		if got := names(r.Run); !eq(got, want[day]) && !(len(got) == 0 && want[day] == nil) {
			t.Errorf("day %+d: ran %v, want %v", day, got, want[day])
		}
		if len(r.Skip)+len(r.Cancel) > 0 {
			t.Errorf("day %+d: skipped %v, cancelled %v", day, names(r.Skip), names(r.Cancel))
		}
		var next *int
		for _, o := range offsets {
			if o > day {
				next = &o
				break
			}
		}
		switch {
		case next == nil && r.Next != nil:
			t.Errorf("day %+d: next %v, want none", day, r.Next)
		case next != nil && (r.Next == nil || !r.Next.At.Equal(l.facts.DueDate.AddDays(*next).Start(l.loc))):
			t.Errorf("day %+d: next %v, want the start of day %+d", day, r.Next, *next)
		}
	}
	if len(l.seen) != 16 {
		t.Errorf("%d actions in all, want 16", len(l.seen))
	}
	// Re-running any day adds nothing.
	for day := -10; day <= 70; day++ {
		if r := l.sweep(l.at(day)); len(r.Run)+len(r.Skip)+len(r.Cancel) != 0 {
			t.Errorf("re-run of day %+d planned %v", day, names(r.Run))
		}
	}
}

// TestPlanDayStartsInTenantZone checks that a step's day begins at local
// midnight: 23:30 in New York on the due date is still the due date even
// though it is the next day in UTC.
func TestPlanDayStartsInTenantZone(t *testing.T) {
	l := newLedger(t, openFacts("2026-03-31"))
	l.events = []Event{{Step: StepReminderBeforeDue, Action: ActionComment, Status: StatusDone}}
	late := l.facts.DueDate.Start(l.loc).Add(23*time.Hour + 30*time.Minute)
	if r := l.sweep(late); len(r.Run) != 0 || r.Next.Step != StepOverdue1 || r.Next.At.UTC().Format(time.RFC3339) != "2026-04-01T04:00:00Z" {
		t.Errorf("23:30 local on the due date: ran %v, next %+v", names(r.Run), r.Next)
	}
	if r := l.sweep(late.Add(time.Hour)); len(r.Run) != 3 {
		t.Errorf("00:30 local the day after: ran %v", names(r.Run))
	}
}

// TestPlanCatchUp: after 20 silent days only the latest due message step
// is sent; the earlier ones are recorded skipped, and their state actions
// (the overdue transition, the late fee) still run.
func TestPlanCatchUp(t *testing.T) {
	t.Run("down from due−4 to due+16", func(t *testing.T) {
		l := newLedger(t, openFacts("2026-03-31"))
		l.sweep(l.at(-4))
		r := l.sweep(l.at(16))
		wantRun := []string{"escalate-14/comment", "escalate-14/email", "overdue-1/transition+"}
		wantSkip := []string{"overdue-1/comment", "overdue-1/email", "overdue-7/comment", "overdue-7/email", "reminder-before-due/comment", "reminder-before-due/email"}
		if !eq(names(r.Run), wantRun) || !eq(names(r.Skip), wantSkip) {
			t.Errorf("ran %v skipped %v", names(r.Run), names(r.Skip))
		}
		for _, p := range r.Skip {
			if p.Reason != "superseded by escalate-14" {
				t.Errorf("%s reason %q", p.Step, p.Reason)
			}
		}
		for _, p := range r.Run {
			if p.Action.Kind == ActionEmail && !p.Action.CC {
				t.Error("the escalation e-mail lost its cc")
			}
		}
		if r.Next == nil || r.Next.Step != StepFinalNotice30 {
			t.Errorf("next %+v", r.Next)
		}
	})
	t.Run("down from due+29 to due+49", func(t *testing.T) {
		l := newLedger(t, openFacts("2026-03-31"))
		for day := -10; day <= 29; day++ {
			l.sweep(l.at(day))
		}
		r := l.sweep(l.at(49))
		wantRun := []string{"final-notice-30/late_fee+", "stop-work-45/comment", "stop-work-45/label"}
		wantSkip := []string{"final-notice-30/comment", "final-notice-30/email"}
		if !eq(names(r.Run), wantRun) || !eq(names(r.Skip), wantSkip) {
			t.Errorf("ran %v skipped %v", names(r.Run), names(r.Skip))
		}
		for day := 49; day <= 70; day++ {
			r := l.sweep(l.at(day))
			if day == 60 && !eq(names(r.Run), []string{"collections-60/comment", "collections-60/notify_admins"}) {
				t.Errorf("day 60 ran %v", names(r.Run))
			}
		}
	})
	t.Run("a later step doing the same supersedes the reconciliation", func(t *testing.T) {
		l := newLedger(t, openFacts("2026-03-31"))
		l.policy.Steps[6].Actions = append(l.policy.Steps[6].Actions, Action{Kind: ActionLateFee}, Action{Kind: ActionLabel})
		if err := l.policy.Validate(); err != nil {
			t.Fatal(err)
		}
		r := l.sweep(l.at(65))
		wantRun := []string{"collections-60/comment", "collections-60/label", "collections-60/late_fee", "collections-60/notify_admins", "overdue-1/transition+"}
		if !eq(names(r.Run), wantRun) {
			t.Errorf("ran %v", names(r.Run))
		}
		for _, p := range r.Skip {
			if (p.Action.Kind == ActionLateFee || p.Action.Kind == ActionLabel) && p.Reason != "superseded by collections-60" {
				t.Errorf("%s/%s reason %q", p.Step, p.Action.Kind, p.Reason)
			}
		}
		if len(r.Skip) != 13 {
			t.Errorf("skipped %v", names(r.Skip))
		}
	})
}

// TestPlanPaymentStops: a payment before a step runs cancels it, and
// nothing follows.
func TestPlanPaymentStops(t *testing.T) {
	l := newLedger(t, openFacts("2026-03-31"))
	for day := -10; day <= 13; day++ {
		l.sweep(l.at(day))
	}
	l.facts.Status, l.facts.Balance, l.facts.PaidOn = invoice.StatusPaid, dec("0"), l.facts.DueDate.AddDays(14)
	r := l.sweep(l.at(14)) // paid in the morning, before the 09:00 sweep
	if !eq(names(r.Cancel), []string{"escalate-14/comment", "escalate-14/email"}) || len(r.Run) != 0 || r.Next != nil {
		t.Fatalf("ran %v cancelled %v next %v", names(r.Run), names(r.Cancel), r.Next)
	}
	if r.Cancel[0].Reason != ReasonSettled {
		t.Errorf("reason %q", r.Cancel[0].Reason)
	}
	for day := 15; day <= 70; day++ {
		if r := l.sweep(l.at(day)); len(r.Run)+len(r.Skip)+len(r.Cancel) != 0 || r.Next != nil {
			t.Errorf("day %d after payment: %v %v %v", day, names(r.Run), names(r.Cancel), r.Next)
		}
	}
	// A zero balance counts as paid even before the status catches up.
	l2 := newLedger(t, openFacts("2026-03-31"))
	l2.facts.Status, l2.facts.Balance = invoice.StatusPartiallyPaid, dec("0")
	if r := l2.sweep(l2.at(2)); len(r.Run) != 0 || len(r.Cancel) != 5 {
		t.Errorf("zero balance: ran %v cancelled %v", names(r.Run), names(r.Cancel))
	}
}

// TestPlanDisputePauses: a dispute pauses the ladder; undisputing resumes
// it without resending what was sent, catching up by the usual rule.
func TestPlanDisputePauses(t *testing.T) {
	l := newLedger(t, openFacts("2026-03-31"))
	for day := -10; day <= 8; day++ {
		l.sweep(l.at(day))
	}
	l.facts.Disputed = true
	for day := 9; day <= 35; day++ {
		if r := l.sweep(l.at(day)); len(r.Run)+len(r.Skip)+len(r.Cancel) != 0 || r.Next != nil {
			t.Fatalf("day %d while disputed: %v", day, names(r.Run))
		}
	}
	l.facts.Disputed = false
	r := l.sweep(l.at(36))
	if !eq(names(r.Run), []string{"final-notice-30/comment", "final-notice-30/email", "final-notice-30/late_fee"}) ||
		!eq(names(r.Skip), []string{"escalate-14/comment", "escalate-14/email"}) {
		t.Errorf("after undispute: ran %v skipped %v", names(r.Run), names(r.Skip))
	}
	for day := 37; day <= 70; day++ {
		l.sweep(l.at(day))
	}
	for _, k := range []Key{{StepOverdue1, 0, ActionEmail}, {StepOverdue7, 0, ActionComment}, {StepCollections60, 0, ActionNotifyAdmins}} {
		if _, ok := l.seen[k]; !ok {
			t.Errorf("%v never recorded", k)
		}
	}
}

// TestPlanInstallments: each installment is chased on its own ladder; a
// paid installment stops only its own.
func TestPlanInstallments(t *testing.T) {
	f := openFacts("2026-03-31")
	f.Installments = []Installment{{ID: 11, DueDate: date("2026-03-31"), Balance: dec("500.00")}, {ID: 12, DueDate: date("2026-04-30"), Balance: dec("500.00")}}
	l := newLedger(t, f)
	for day := -10; day <= 100; day++ {
		if day == 10 { // the first installment is paid
			l.facts.Installments[0].Balance, l.facts.Installments[0].PaidOn = dec("0"), l.facts.DueDate.AddDays(10)
			l.facts.Status = invoice.StatusPartiallyPaid
		}
		r := l.sweep(l.at(day))
		switch day {
		case 7:
			if !eq(names(r.Run), []string{"overdue-7/comment#11", "overdue-7/email#11"}) {
				t.Errorf("day 7 ran %v", names(r.Run))
			}
		case 27:
			if !eq(names(r.Run), []string{"reminder-before-due/comment#12", "reminder-before-due/email#12"}) || r.Next.Installment != 12 || r.Next.Step != StepOverdue1 {
				t.Errorf("day 27 ran %v next %+v", names(r.Run), r.Next)
			}
		case 3:
			if r.Next == nil || r.Next.Installment != 11 || r.Next.Step != StepOverdue7 {
				t.Errorf("day 3 next %+v (the earliest over both ladders)", r.Next)
			}
		}
		if len(r.Skip)+len(r.Cancel) > 0 {
			t.Errorf("day %d: skipped %v cancelled %v", day, names(r.Skip), names(r.Cancel))
		}
	}
	count := map[int64]int{}
	for k := range l.seen {
		count[k.Installment]++
	}
	if count[11] != 7 || count[12] != 16 || count[0] != 0 {
		t.Errorf("actions per installment %v, want 7 before the first was paid and all 16 for the second", count)
	}
}

// TestPlanNothing lists the invoices and tenants the engine leaves alone.
func TestPlanNothing(t *testing.T) {
	cases := map[string]func(*Facts){
		"void":          func(f *Facts) { f.Status = invoice.StatusVoid },
		"uncollectible": func(f *Facts) { f.Status = invoice.StatusUncollectible },
		"disputed":      func(f *Facts) { f.Disputed = true },
		"uninstalled":   func(f *Facts) { f.TenantActive = false },
		"unlicensed":    func(f *Facts) { f.TenantLicensed = false },
		"unknown state": func(f *Facts) { f.Status = "draft" },
	}
	for name, change := range cases {
		f := openFacts("2026-03-31")
		change(&f)
		r := Plan(PlanInput{Facts: f, Policy: DefaultPolicy(), AsOf: time.Date(2026, 5, 20, 9, 0, 0, 0, time.UTC)})
		if len(r.Run)+len(r.Skip)+len(r.Cancel) != 0 || r.Next != nil {
			t.Errorf("%s: %v %v %v %v", name, names(r.Run), names(r.Skip), names(r.Cancel), r.Next)
		}
	}
}

// TestPlanStepOnce: any recorded event of a step, whatever its outcome,
// means the step never runs again for that invoice or installment.
func TestPlanStepOnce(t *testing.T) {
	for _, st := range []EventStatus{StatusDone, StatusSkipped, StatusFailed, StatusCancelled} {
		f := openFacts("2026-03-31")
		events := []Event{
			{Step: StepReminderBeforeDue, Action: ActionComment, Status: StatusDone},
			{Step: StepOverdue1, Action: ActionEmail, Status: st}, // the comment and transition have no event
		}
		r := Plan(PlanInput{Facts: f, Policy: DefaultPolicy(), Events: events, AsOf: time.Date(2026, 4, 2, 9, 0, 0, 0, time.UTC)})
		if len(r.Run)+len(r.Skip) != 0 || r.Next.Step != StepOverdue7 {
			t.Errorf("%s: ran %v skipped %v", st, names(r.Run), names(r.Skip))
		}
		// The same event on another installment does not count.
		f.Installments = []Installment{{ID: 3, DueDate: f.DueDate, Balance: f.Balance}}
		r = Plan(PlanInput{Facts: f, Policy: DefaultPolicy(), Events: events, AsOf: time.Date(2026, 4, 2, 9, 0, 0, 0, time.UTC)})
		if got := strings.Join(names(r.Run), " "); got != "overdue-1/comment#3 overdue-1/email#3 overdue-1/transition#3" || len(r.Skip) != 2 {
			t.Errorf("%s installment: ran %v skipped %v", st, names(r.Run), names(r.Skip))
		}
	}
}

// TestPlanPolicyEditNeverResends: a step added to the ladder, or renamed,
// after an invoice's day for it has passed is recorded skipped with the
// reason, never sent late; a step added before its day runs on its day,
// and stamps carried over from the policy it replaced keep their steps.
func TestPlanPolicyEditNeverResends(t *testing.T) {
	l := newLedger(t, openFacts("2026-03-31"))
	for day := -10; day <= 50; day++ { // past stop-work-45
		l.sweep(l.at(day))
	}
	old := l.policy
	next := DefaultPolicy()
	next.Steps = append(next.Steps, Step{Key: "overdue-3", OffsetDays: 3, Actions: []Action{{Kind: ActionComment}, {Kind: ActionEmail}}, Template: "polite"},
		Step{Key: "overdue-55", OffsetDays: 55, Actions: []Action{{Kind: ActionComment}}, Template: "firm"})
	for i := range next.Steps {
		if next.Steps[i].Key == StepEscalate14 {
			next.Steps[i].Key = "escalate-leadership-14" // renamed
		}
	}
	slices.SortStableFunc(next.Steps, func(a, b Step) int { return a.OffsetDays - b.OffsetDays })
	if err := next.Validate(); err != nil {
		t.Fatal(err)
	}
	edited := l.at(50).Add(time.Hour)
	l.policy = next.StampAdded(old, edited)

	r := l.sweep(l.at(51))
	if len(r.Run) != 0 {
		t.Fatalf("the edit made steps run: %v", names(r.Run))
	}
	wantSkip := []string{"escalate-leadership-14/comment", "escalate-leadership-14/email", "overdue-3/comment", "overdue-3/email"}
	if !eq(names(r.Skip), wantSkip) {
		t.Fatalf("skipped %v, want %v", names(r.Skip), wantSkip)
	}
	for _, p := range r.Skip {
		if p.Reason != ReasonAddedLate {
			t.Errorf("%s reason %q", p.Step, p.Reason)
		}
	}
	for day := 52; day <= 70; day++ {
		r := l.sweep(l.at(day))
		if day == 55 && !eq(names(r.Run), []string{"overdue-55/comment"}) {
			t.Errorf("day 55 ran %v, want the step added before its day", names(r.Run))
		}
	}
	// Saving the same ladder again keeps every stamp.
	again := l.policy.StampAdded(l.policy, edited.Add(24*time.Hour))
	for i, s := range again.Steps {
		if !s.AddedAt.Equal(l.policy.Steps[i].AddedAt) {
			t.Errorf("%s restamped %v, was %v", s.Key, s.AddedAt, l.policy.Steps[i].AddedAt)
		}
	}
}

package app_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// walk runs the site's follow-ups on each day from offset from to to
// (inclusive, relative to the due date) and returns the actions by day.
func (s *followSite) walk(t *testing.T, from, to int) map[int]map[string]int {
	t.Helper()
	out := map[int]map[string]int{}
	for n := from; n <= to; n++ {
		if got := counts(s.f.run(t, s.Site, day(followDue, n))); len(got) > 0 {
			out[n] = got
		}
	}
	return out
}

func wantWalk(t *testing.T, what string, got map[int]map[string]int, want map[int]map[string]int) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("%s:\n got %v\nwant %v", what, got, want)
	}
}

// TestFollowupScenarios chases invoices through what interrupts a ladder:
// a silent stretch, a payment, a dispute, a payment plan. Each scenario
// is its own tenant on one stack, so their sweeps do not meet.
func TestFollowupScenarios(t *testing.T) {
	f := startFollowStack(t, true)

	t.Run("catch-up after 20 silent days sends one message", func(t *testing.T) {
		s := f.newFollowSite(t, "catchup", 10, "100.00", "USD")
		id, key := s.invoice(t, followIssued, followDue)
		wantWalk(t, "before the due date", s.walk(t, -3, -3), map[int]map[string]int{-3: {"reminder-before-due/comment=done": 1, "reminder-before-due/email=done": 1}})
		got := counts(f.run(t, s.Site, day(followDue, 17)))
		want := map[string]int{
			"overdue-1/comment=skipped": 1, "overdue-1/email=skipped": 1, "overdue-1/transition=done": 1,
			"overdue-7/comment=skipped": 1, "overdue-7/email=skipped": 1,
			"escalate-14/comment=done": 1, "escalate-14/email=done": 1,
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("catch-up: %v, want %v", got, want)
		}
		ev := eventsOf(t, f, id)
		if !strings.Contains(ev["overdue-7/email"], "superseded by escalate-14") || !strings.Contains(ev["overdue-1/comment"], "superseded by escalate-14") {
			t.Fatalf("skipped events do not say why: %v", ev)
		}
		if n := len(s.Site.Site.Comments(key)); n != 2 {
			t.Fatalf("%d comments, want 2 (reminder and escalation)", n)
		}
		if m := f.mails(s.email); len(m) != 2 || len(m[1].CC) != 2 {
			t.Fatalf("%d e-mails; the escalation must be the second, with cc", len(m))
		}
		if is, _ := s.Site.Site.Issue(key); is.Status != "Overdue" {
			t.Fatalf("the skipped step's transition was not reconciled: %s", is.Status)
		}
	})

	t.Run("a payment stops the ladder and cancels the step it overtook", func(t *testing.T) {
		s := f.newFollowSite(t, "paid", 10, "100.00", "USD")
		id, key := s.invoice(t, followIssued, followDue)
		s.walk(t, -10, 5)
		f.clock.Set(day(followDue, 10))
		ok(t, f.api(t, s.Site, "POST", fmt.Sprintf("/invoices/%d/payments", id), map[string]string{"amount": "1000.00",
			"paidOn": day(followDue, 10).Format(time.DateOnly), "method": "bank-transfer"}, nil), 201, "payment")
		wantWalk(t, "after the payment", s.walk(t, 10, 40), map[int]map[string]int{
			10: {"overdue-7/comment=cancelled": 1, "overdue-7/email=cancelled": 1},
		})
		if ev := eventsOf(t, f, id); ev["overdue-7/email"] != "cancelled: paid before the step ran" || len(ev) != 7 {
			t.Fatalf("events %v", ev)
		}
		if n := len(f.mails(s.email)); n != 2 {
			t.Fatalf("%d e-mails, want 2 (reminder and overdue-1)", n)
		}
		if n := len(s.Site.Site.Comments(key)); n != 2 {
			t.Fatalf("%d comments, want 2", n)
		}
	})

	t.Run("a dispute pauses the ladder and undispute resumes without resending", func(t *testing.T) {
		s := f.newFollowSite(t, "dispute", 10, "100.00", "USD")
		id, _ := s.invoice(t, followIssued, followDue)
		s.walk(t, -10, 1)
		f.clock.Set(day(followDue, 2))
		ok(t, f.api(t, s.Site, "POST", fmt.Sprintf("/invoices/%d/dispute", id), nil, nil), 200, "dispute")
		wantWalk(t, "while disputed", s.walk(t, 2, 19), map[int]map[string]int{})
		f.clock.Set(day(followDue, 20))
		ok(t, f.api(t, s.Site, "DELETE", fmt.Sprintf("/invoices/%d/dispute", id), nil, nil), 200, "undispute")
		wantWalk(t, "after undispute", s.walk(t, 20, 21), map[int]map[string]int{
			20: {"overdue-7/comment=skipped": 1, "overdue-7/email=skipped": 1, "escalate-14/comment=done": 1, "escalate-14/email=done": 1},
		})
		subjects := []string{}
		for _, m := range f.mails(s.email) {
			subjects = append(subjects, m.Subject)
		}
		if len(subjects) != 3 {
			t.Fatalf("e-mails %q, want the reminder, overdue-1 and the escalation", subjects)
		}
	})

	t.Run("a payment lifts the stop-work label at once", func(t *testing.T) {
		s := f.newFollowSite(t, "hold", 10, "100.00", "USD")
		id, _ := s.invoice(t, followIssued, followDue)
		s.walk(t, -10, 45)
		for _, k := range []string{"WORK-1", "WORK-2"} {
			if is, _ := s.Site.Site.Issue(k); !slices.Contains(is.Labels, "payment-hold") {
				t.Fatalf("%s not held after the stop-work step: %v", k, is.Labels)
			}
		}
		// The label's release job has looked once and waits for its hourly
		// look again.
		snoozed := func() bool {
			var n int
			need(t, f.Pool.QueryRow(t.Context(), `SELECT count(*) FROM river_job WHERE kind = 'followup_release' AND state = 'scheduled'
				AND scheduled_at > now() + interval '30 minutes' AND args->>'clientKey' = $1 AND (args->>'invoiceId')::bigint = $2`,
				s.Inst.ClientKey, id).Scan(&n))
			return n == 1
		}
		eventually(t, "the release job to snooze", snoozed)
		f.clock.Set(day(followDue, 46))
		var inv struct{ Balance string }
		ok(t, f.api(t, s.Site, "GET", fmt.Sprintf("/invoices/%d", id), nil, &inv), 200, "invoice")
		ok(t, f.api(t, s.Site, "POST", fmt.Sprintf("/invoices/%d/payments", id), map[string]string{"amount": inv.Balance,
			"paidOn": day(followDue, 46).Format(time.DateOnly), "method": "bank-transfer"}, nil), 201, "payment")
		lifted := func() bool {
			for _, k := range []string{"WORK-1", "WORK-2"} {
				if is, _ := s.Site.Site.Issue(k); slices.Contains(is.Labels, "payment-hold") {
					return false
				}
			}
			return true
		}
		// Well inside the hour the release would otherwise wait (River
		// makes a woken job available within its 5 s scheduler interval).
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		defer cancel()
		waitFor(t, ctx, "the label to come off", lifted)
		for _, k := range []string{"WORK-1", "WORK-2"} {
			n := 0
			for _, c := range s.Site.Site.Comments(k) {
				if strings.Contains(c.Text, "work may resume") {
					n++
				}
			}
			if n != 1 {
				t.Errorf("%d resume comments on %s, want 1", n, k)
			}
		}
	})

	t.Run("a payment plan is chased per installment", func(t *testing.T) {
		s := f.newFollowSite(t, "plan", 12, "100.00", "USD")
		id, key := s.invoice(t, followIssued, followDue)
		f.clock.Set(day(followDue, -20))
		var inv struct {
			Plan struct{ Installments []struct{ ID int64 } }
		}
		ok(t, f.api(t, s.Site, "PUT", fmt.Sprintf("/invoices/%d/plan", id), map[string]any{"installments": []map[string]string{
			{"dueDate": followDue.AddDate(0, 0, 10).Format(time.DateOnly), "amount": "600.00"},
			{"dueDate": followDue.AddDate(0, 0, 40).Format(time.DateOnly), "amount": "600.00"},
		}}, &inv), 200, "plan")
		first, second := inv.Plan.Installments[0].ID, inv.Plan.Installments[1].ID
		got := s.walk(t, -10, 17)
		f.clock.Set(day(followDue, 18))
		ok(t, f.api(t, s.Site, "POST", fmt.Sprintf("/invoices/%d/payments", id), map[string]string{"amount": "600.00",
			"paidOn": day(followDue, 18).Format(time.DateOnly), "method": "bank-transfer"}, nil), 201, "payment")
		for n, c := range s.walk(t, 18, 50) {
			got[n] = c
		}
		wantWalk(t, "two installments", got, map[int]map[string]int{
			7:  {"reminder-before-due/comment=done": 1, "reminder-before-due/email=done": 1},
			11: {"overdue-1/comment=done": 1, "overdue-1/email=done": 1, "overdue-1/transition=done": 1},
			17: {"overdue-7/comment=done": 1, "overdue-7/email=done": 1},
			37: {"reminder-before-due/comment=done": 1, "reminder-before-due/email=done": 1},
			41: {"overdue-1/comment=done": 1, "overdue-1/email=done": 1, "overdue-1/transition=done": 1},
			47: {"overdue-7/comment=done": 1, "overdue-7/email=done": 1},
		})
		ev := eventsOf(t, f, id)
		for _, k := range []string{fmt.Sprintf("overdue-7#%d/email", first), fmt.Sprintf("overdue-7#%d/email", second)} {
			if !strings.HasPrefix(ev[k], "done") {
				t.Fatalf("%s: %q in %v", k, ev[k], ev)
			}
		}
		if _, ok := ev[fmt.Sprintf("escalate-14#%d/email", first)]; ok {
			t.Fatal("the settled installment was escalated")
		}
		mails := f.mails(s.email)
		if len(mails) != 6 {
			t.Fatalf("%d e-mails, want 6", len(mails))
		}
		for i, m := range mails {
			want := fmt.Sprintf("installment %d of 2", 1+i/3)
			if !strings.Contains(m.Text, want) {
				t.Errorf("e-mail %d (%q) does not name %s", i, m.Subject, want)
			}
		}
		if n := len(s.Site.Site.Comments(key)); n != 6 {
			t.Fatalf("%d comments, want 6", n)
		}
	})
}

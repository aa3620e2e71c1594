package httpapi

import (
	"strings"
	"testing"

	"github.com/remitapp/remit/internal/followup"
	"github.com/remitapp/remit/internal/invoice"
)

func TestLadderPreview(t *testing.T) {
	set := invoice.DefaultSettings()
	set.Seller = invoice.Seller{Name: "Remit Consulting LLC", Email: "billing@remit.example"}
	issue := invoice.Date{Year: 2026, Month: 3, Day: 1} // due 2026-03-31 with 30 days' terms

	custom := followup.DefaultPolicy()
	custom.Steps[1].OffsetDays = 2
	custom.Steps[1].Comment = "Nudged {{.Customer}} about {{.Number}} on day {{.DaysOverdue}}."

	early := followup.Policy{LateFee: followup.LateFeePolicy{Preset: followup.PresetUS}, Steps: []followup.Step{
		{Key: "long-before", OffsetDays: -40, Template: followup.TemplateFriendly, Actions: []followup.Action{{Kind: followup.ActionComment}}},
		{Key: "fee", OffsetDays: 10, Template: followup.TemplateFormal, Actions: []followup.Action{{Kind: followup.ActionLateFee}, {Kind: followup.ActionComment}}},
	}}

	type want struct {
		key, date, comment string
		actions            string // type:outcome, comma-separated
		subject            string
		lateFee            string
	}
	cases := []struct {
		name   string
		policy followup.Policy
		steps  []want
	}{
		{"default ladder, one step a day", followup.DefaultPolicy(), []want{
			{key: "reminder-before-due", date: "2026-03-28", actions: "comment:run,email:run", comment: "Friendly reminder sent to Acme Corp", subject: "Invoice INV-2026-0042 is due on 2026-03-31"},
			{key: "overdue-1", date: "2026-04-01", actions: "comment:run,email:run,transition:run", subject: "Reminder: invoice INV-2026-0042 was due on 2026-03-31"},
			{key: "overdue-7", date: "2026-04-07", actions: "comment:run,email:run"},
			{key: "escalate-14", date: "2026-04-14", actions: "comment:run,email:run"},
			{key: "final-notice-30", date: "2026-04-30", actions: "late_fee:run,comment:run,email:run", lateFee: "0.00"},
			{key: "stop-work-45", date: "2026-05-15", actions: "label:run,comment:run"},
			{key: "collections-60", date: "2026-05-30", actions: "comment:run,notify_admins:run"},
		}},
		{"custom offset and comment text", custom, []want{
			{key: "reminder-before-due", date: "2026-03-28", actions: "comment:run,email:run"},
			{key: "overdue-1", date: "2026-04-02", actions: "comment:run,email:run,transition:run", comment: "Nudged Acme Corp about INV-2026-0042 on day 2."},
			{key: "overdue-7", date: "2026-04-07", actions: "comment:run,email:run"},
			{key: "escalate-14", date: "2026-04-14", actions: "comment:run,email:run"},
			{key: "final-notice-30", date: "2026-04-30", actions: "late_fee:run,comment:run,email:run"},
			{key: "stop-work-45", date: "2026-05-15", actions: "label:run,comment:run"},
			{key: "collections-60", date: "2026-05-30", actions: "comment:run,notify_admins:run"},
		}},
		// A step whose day is before the issue date runs on the issue date;
		// 18 % a year on 1250.00 for 10 days is 6.16.
		{"catch-up on the issue date and a late fee", early, []want{
			{key: "long-before", date: "2026-03-01", actions: "comment:run"},
			{key: "fee", date: "2026-04-10", actions: "late_fee:run,comment:run", lateFee: "6.16", comment: "1256.16"},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.policy.Validate(); err != nil {
				t.Fatalf("policy: %v", err)
			}
			got, err := ladderPreview(tc.policy, set, issue)
			if err != nil {
				t.Fatal(err)
			}
			if got.DueDate != "2026-03-31" || got.Total != "1250.00" || got.Currency != "USD" {
				t.Errorf("sample invoice %+v", got)
			}
			if len(got.Steps) != len(tc.steps) {
				t.Fatalf("%d steps, want %d: %+v", len(got.Steps), len(tc.steps), got.Steps)
			}
			for i, w := range tc.steps {
				s := got.Steps[i]
				var acts []string
				for _, a := range s.Actions {
					acts = append(acts, a.Type+":"+a.Outcome)
				}
				if s.Key != w.key || s.Date != w.date || strings.Join(acts, ",") != w.actions {
					t.Errorf("step %d = %s on %s doing %v, want %s on %s doing %s", i, s.Key, s.Date, acts, w.key, w.date, w.actions)
				}
				if !strings.Contains(s.Comment, w.comment) || (s.Comment == "") != !hasAction(w.actions, "comment") {
					t.Errorf("step %s comment %q, want it to contain %q", s.Key, s.Comment, w.comment)
				}
				if (s.Email != nil) != hasAction(w.actions, "email") || (w.subject != "" && s.Email.Subject != w.subject) {
					t.Errorf("step %s e-mail %+v, want subject %q", s.Key, s.Email, w.subject)
				}
				if w.lateFee != "" && s.LateFee != w.lateFee {
					t.Errorf("step %s late fee %q, want %q", s.Key, s.LateFee, w.lateFee)
				}
			}
		})
	}
}

func hasAction(list, kind string) bool { return strings.Contains(","+list, ","+kind+":run") }

func TestCommentText(t *testing.T) {
	if got := commentText(followup.Comment{{"a", "b"}, {"c"}}); got != "a\nb\n\nc" {
		t.Fatalf("commentText = %q", got)
	}
}

package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/jirasim"
)

// TestFollowupPolicyFaultsAndFees runs on a stack without SMTP: bad
// policies are refused and change nothing, e-mail steps are skipped with
// the reason, Jira's rate limits, outages and lost answers still give one
// comment, an action that keeps failing is recorded failed after its
// budget and never runs again, and each late-fee preset charges what a
// hand computation says.
func TestFollowupPolicyFaultsAndFees(t *testing.T) {
	f := startFollowStack(t, false)

	t.Run("bad policies are 422 and nothing is saved", func(t *testing.T) {
		s := f.newFollowSite(t, "policy", 1, "100.00", "USD")
		comment := func(steps ...map[string]any) map[string]any {
			return map[string]any{"steps": steps, "lateFee": map[string]string{"preset": "none"}}
		}
		step := func(key string, offset int, actions ...map[string]any) map[string]any {
			return map[string]any{"key": key, "offsetDays": offset, "template": "polite", "actions": actions}
		}
		c := map[string]any{"type": "comment"}
		cases := map[string]struct {
			body  any
			field string
		}{
			"offsets not increasing": {comment(step("a", 5, c), step("b", 5, c)), "steps[1].offsetDays"},
			"unknown action":         {comment(step("a", 1, map[string]any{"type": "fax"})), "steps[0].actions[0].type"},
			"template with an unknown field": {comment(map[string]any{"key": "a", "offsetDays": 1, "actions": []any{c},
				"comment": "Pay {{.Nope}} now"}), "steps[0].comment"},
			"unknown late-fee preset": {map[string]any{"steps": []any{step("a", 1, c)}, "lateFee": map[string]string{"preset": "loan-shark"}}, "lateFee.preset"},
		}
		for name, tc := range cases {
			resp := f.api(t, s.Site, "PUT", "/policy", tc.body, nil)
			if resp.StatusCode != 422 {
				t.Fatalf("%s: %d, want 422", name, resp.StatusCode)
			}
			var p struct{ Errors map[string]string }
			if err := jsonOf(resp, &p); err != nil || p.Errors[tc.field] == "" {
				t.Fatalf("%s: errors %v (want %s), %v", name, p.Errors, tc.field, err)
			}
		}
		if r := f.api(t, s.Site, "PUT", "/policy", []byte(`{"steps": "x"}`), nil); r.StatusCode != 400 {
			t.Fatalf("wrong type: %d, want 400", r.StatusCode)
		}
		var got map[string]any
		ok(t, f.api(t, s.Site, "GET", "/policy", nil, &got), 200, "get policy")
		var rows, audits int
		need(t, f.Pool.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM followup_policies), (SELECT count(*) FROM audit_log WHERE entity = 'policy')`).Scan(&rows, &audits))
		if got["saved"] != false || rows != 0 || audits != 0 {
			t.Fatalf("a refused policy left traces: saved %v, %d rows, %d audit entries", got["saved"], rows, audits)
		}
	})

	t.Run("e-mail steps are skipped with the reason when SMTP is off", func(t *testing.T) {
		s := f.newFollowSite(t, "nosmtp", 1, "100.00", "USD")
		s.invoice(t, followIssued, followDue)
		acts := f.run(t, s.Site, day(followDue, -3))
		for _, a := range acts {
			if a.Action == "email" && (a.Status != "skipped" || a.Detail != "e-mail is off: REMIT_SMTP_URL is not set") {
				t.Fatalf("e-mail action %+v", a)
			}
		}
		if c := counts(acts); c["reminder-before-due/email=skipped"] != 1 || c["reminder-before-due/comment=done"] != 1 {
			t.Fatalf("actions %v", c)
		}
	})

	t.Run("rate limits, outages and a lost answer still give one comment", func(t *testing.T) {
		s := f.newFollowSite(t, "flaky", 1, "100.00", "USD")
		_, key := s.invoice(t, followIssued, followDue)
		path := "/rest/api/3/issue/*/comment"
		f.Sim.AddFault(jirasim.FaultRule{Site: "flaky", Method: "POST", Path: path, Kind: jirasim.FaultRateLimit, RetryAfter: 1, Count: 1})
		f.Sim.AddFault(jirasim.FaultRule{Site: "flaky", Method: "POST", Path: path, Kind: jirasim.FaultServerError, Status: 503, Count: 2})
		f.Sim.AddFault(jirasim.FaultRule{Site: "flaky", Method: "POST", Path: path, Kind: jirasim.FaultDropAfterCommit, Count: 1})
		acts := f.run(t, s.Site, day(followDue, -3))
		var detail string
		for _, a := range acts {
			if a.Action == "comment" {
				detail = a.Status + ": " + a.Detail
			}
		}
		if !strings.HasPrefix(detail, "done") || !strings.Contains(detail, "found after an earlier attempt") {
			t.Fatalf("comment %q", detail)
		}
		if n := len(s.Site.Site.Comments(key)); n != 1 {
			t.Fatalf("%d comments after faults, want 1", n)
		}
		for _, r := range f.Sim.Faults() {
			if r.Site == "flaky" && r.Fired != r.Count {
				t.Fatalf("fault %s fired %d of %d times", r.Kind, r.Fired, r.Count)
			}
		}
	})

	t.Run("a gateway error after Jira stored the comment gives one comment", func(t *testing.T) {
		// Jira's gateway answers 502, 503 or 504 to a write its backend
		// may already have stored; retried in place, that was two comments.
		for i, code := range []int{502, 503, 504} {
			site := fmt.Sprintf("gateway%d", code)
			s := f.newFollowSite(t, site, 1, "100.00", "USD")
			_, key := s.invoice(t, followIssued.AddDate(0, 0, i), followDue.AddDate(0, 0, i))
			f.Sim.AddFault(jirasim.FaultRule{Site: site, Method: "POST", Path: "/rest/api/3/issue/*/comment", Kind: jirasim.FaultServerErrorAfterCommit, Status: code, Count: 1})
			acts := f.run(t, s.Site, day(followDue.AddDate(0, 0, i), -3))
			if c := counts(acts); c["reminder-before-due/comment=done"] != 1 {
				t.Fatalf("%d: actions %v", code, c)
			}
			if n := len(s.Site.Site.Comments(key)); n != 1 {
				t.Fatalf("%d after the write: %d comments, want 1", code, n)
			}
		}
	})

	t.Run("an action whose job was discarded is recorded failed, not left queued", func(t *testing.T) {
		s := f.newFollowSite(t, "abandoned", 1, "100.00", "USD")
		s.invoice(t, followIssued, followDue)
		// Jira asks for an hour's wait: the comment's job is snoozed, its
		// event queued. Then the job is discarded, as River does when a
		// replica dies during a job's last attempt.
		f.Sim.AddFault(jirasim.FaultRule{Site: "abandoned", Method: "POST", Path: "/rest/api/3/issue/*/comment", Kind: jirasim.FaultRateLimit, RetryAfter: 3600, Count: 1})
		f.clock.Set(day(followDue, -3))
		tenant, err := f.App.DB.TenantByClientKey(context.Background(), s.Inst.ClientKey)
		need(t, err)
		_, err = f.App.Followups.Sweep(context.Background(), tenant, f.clock.Now())
		need(t, err)
		ctx := context.Background()
		discard := `UPDATE river_job SET state = 'discarded', finalized_at = now()
			WHERE kind = 'followup_action' AND args->>'clientKey' = $1 AND args->>'action' = 'comment' AND state = 'scheduled'`
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(25 * time.Millisecond) {
			tag, err := f.Pool.Exec(ctx, discard, s.Inst.ClientKey)
			need(t, err)
			if tag.RowsAffected() == 1 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the comment's job was never snoozed")
			}
		}
		status := func() (st, detail string) {
			need(t, f.Pool.QueryRow(ctx, `SELECT status, detail FROM followup_events WHERE client_key = $1 AND action = 'comment'`, s.Inst.ClientKey).Scan(&st, &detail))
			return st, detail
		}
		if st, _ := status(); st != "queued" {
			t.Fatalf("comment event %s before the next sweep", st)
		}
		f.run(t, s.Site, day(followDue, -3).Add(time.Hour))
		if st, detail := status(); st != "failed" || !strings.Contains(detail, "discarded") {
			t.Fatalf("comment event after the next sweep: %s (%s), want failed", st, detail)
		}
	})

	t.Run("an action that keeps failing is recorded failed and never runs again", func(t *testing.T) {
		s := f.newFollowSite(t, "broken", 1, "100.00", "USD")
		id, key := s.invoice(t, followIssued, followDue)
		f.Sim.AddFault(jirasim.FaultRule{Site: "broken", Method: "POST", Path: "/rest/api/3/issue/*/comment", Kind: jirasim.FaultServerError, Status: 500})
		var failed runAction
		for _, a := range f.run(t, s.Site, day(followDue, -3)) {
			if a.Action == "comment" {
				failed = a
			}
		}
		if failed.Status != "failed" || !strings.Contains(failed.Detail, "gave up after 10 attempts") {
			t.Fatalf("comment %+v", failed)
		}
		fired := func() int {
			for _, r := range f.Sim.Faults() {
				if r.Site == "broken" {
					return r.Fired
				}
			}
			return -1
		}
		if n := fired(); n != 10 {
			t.Fatalf("the comment was tried %d times, want 10", n)
		}
		s.walk(t, -2, 0)
		time.Sleep(300 * time.Millisecond) // a stray retry would have run by now
		if n := fired(); n != 10 || len(s.Site.Site.Comments(key)) != 0 {
			t.Fatalf("the failed comment ran again: tried %d times", n)
		}
		var tl struct {
			Events []struct{ Step, Action, Status, Detail string }
		}
		ok(t, f.api(t, s.Site, "GET", fmt.Sprintf("/invoices/%d/timeline", id), nil, &tl), 200, "timeline")
		shown := false
		for _, ev := range tl.Events {
			shown = shown || (ev.Action == "comment" && ev.Status == "failed" && strings.Contains(ev.Detail, "status 500"))
		}
		if !shown {
			t.Fatalf("the timeline does not show the failure: %+v", tl.Events)
		}
	})

	t.Run("late fees of each preset", func(t *testing.T) {
		seed := jirasim.SeedData{
			Users:    []jirasim.User{{AccountID: "alice", DisplayName: "Alice"}},
			Projects: []jirasim.ProjectSpec{{Key: "BILL", Name: "Billing", WorkflowName: "invoice"}},
		}
		type feeCase struct {
			preset, currency, rate string
			minutes                int64
			want                   string // hand-computed below
		}
		// Actual/365 simple interest on the total for the 30 days from the
		// day after the due date, plus the statutory fixed sum, rounded
		// half-up once (the tenant's reference rate 4.15 % and base rate
		// 5.25 % for the first half of 2027):
		cases := map[string]feeCase{
			// 1,250.00 × 18 % × 30 / 365 = 18.4931… → 18.49
			"US": {"us-1.5pct-month", "USD", "100.00", 750, "18.49"},
			// 668.50 × 12.15 % × 30 / 365 = 6.6758… + 40 = 46.6758… → 46.68
			"EU": {"eu-directive", "EUR", "95.50", 420, "46.68"},
			// 12,500.00 × 13.25 % × 30 / 365 = 136.1301… + 100 → 236.13
			"UKBIG": {"uk-late-payment", "GBP", "250.00", 3000, "236.13"},
			// 450.00 × 13.25 % × 30 / 365 = 4.9007… + 40 → 44.90
			"UKSMALL": {"uk-late-payment", "GBP", "150.00", 180, "44.90"},
			// 800.00 at 9 % a year for 30 days = 5.9178… + 25.00 fixed → 30.92
			"CUSTOM": {"custom", "USD", "80.00", 600, "30.92"},
			"NONE":   {"none", "USD", "80.00", 60, "0.00"},
		}
		for key := range cases {
			seed.Projects = append(seed.Projects, jirasim.ProjectSpec{Key: key, Name: key})
			seed.Issues = append(seed.Issues, jirasim.IssueSpec{Project: key, Summary: "Work for " + key})
			seed.Worklogs = append(seed.Worklogs, jirasim.WorklogSpec{Issue: key + "-1", Author: "alice",
				Started: time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC), TimeSpentSeconds: cases[key].minutes * 60})
		}
		site := f.InstallSite(t, "fees", seed, followAdmin)
		s := &followSite{Site: site, f: f}
		ok(t, f.api(t, site, "PUT", "/settings", map[string]any{"billingProjectKey": "BILL", "timezone": "UTC"}, nil), 200, "settings")
		// The invoices become late in the first half of 2027, past the
		// built-in rate tables: the tenant adds that half-year's rates.
		h1 := func(rate string) []map[string]string {
			return []map[string]string{{"from": "2027-01-01", "ratePercent": rate}}
		}
		s.putLateFee(t, map[string]any{"preset": "none", "referenceRates": h1("4.15"), "baseRates": h1("5.25"),
			"interestPercentPerYear": "9", "fixedFee": "25"})
		ids := map[string]int64{}
		for key, c := range cases {
			var cust struct{ ID int64 }
			ok(t, f.api(t, site, "POST", "/customers", map[string]any{"name": key, "jql": "project = " + key, "currency": c.currency,
				"hourlyRate": c.rate, "lateFeePolicy": c.preset}, &cust), 201, "customer "+key)
			s.customer = cust.ID
			ids[key], _ = s.invoice(t, followIssued, followDue)
		}
		acts := f.run(t, site, day(followDue, 30))
		if c := counts(acts); c["final-notice-30/late_fee=done"] != len(cases) {
			t.Fatalf("late fees applied: %v", c)
		}
		for key, c := range cases {
			var inv struct{ LateFees, Total, Balance, Currency string }
			ok(t, f.api(t, site, "GET", fmt.Sprintf("/invoices/%d", ids[key]), nil, &inv), 200, "invoice "+key)
			if inv.LateFees != c.want || inv.Currency != c.currency || inv.Balance != addCents(inv.Total, c.want) {
				t.Errorf("%s (%s): fee %s %s on %s, balance %s; want %s", key, c.preset, inv.LateFees, inv.Currency, inv.Total, inv.Balance, c.want)
			}
		}
	})
}

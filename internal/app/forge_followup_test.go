package app_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/apptest"
	"github.com/remitapp/remit/internal/jirasim"
)

// TestForgeScheduledTriggerRunsFollowUps is the Forge-only path end to
// end: installed through Forge alone, an overdue invoice is generated
// through the Forge API route, Forge's scheduled trigger (the heartbeat)
// runs the real follow-up engine, whose comment reaches Jira over the
// Forge bearer transport, and the panel's timeline, read through the Forge
// route as invokeRemote would, shows it done.
func TestForgeScheduledTriggerRunsFollowUps(t *testing.T) {
	t.Parallel()
	s := startForgeStack(t, apptest.Options{})
	ctx := context.Background()
	site := forgeSiteOf(t, s, "forge-chase")
	inst, err := site.InstallForgeApp(ctx, jirasim.ForgeApp{ID: forgeAppID, ConnectKey: appKey, RemoteURL: s.URL})
	if err != nil {
		t.Fatal(err)
	}
	f := &forgeSite{stack: s, site: site, inst: inst, user: admin}
	call := func(method, path string, body, out any) int { return f.call(t, method, path, body, out) }

	// Every minute is a scheduled instant, so the trigger always finds one due.
	if code := call("PUT", "/settings", map[string]any{"billingProjectKey": "BILL", "timezone": "UTC", "currency": "USD", "followupSchedule": "* * * * *"}, nil); code != 200 {
		t.Fatalf("settings: %d", code)
	}
	var c struct{ ID int64 }
	if code := call("POST", "/customers", map[string]any{"name": "Acme", "jql": "project = ACME", "currency": "USD", "hourlyRate": "100.00"}, &c); code != 201 {
		t.Fatalf("customer: %d", code)
	}
	today := s.Now().UTC()
	first, last := lastMonth(s)
	var inv invoiceResp
	body := map[string]any{"customerId": c.ID, "periodStart": first.Format(time.DateOnly), "periodEnd": last.Format(time.DateOnly),
		"issueDate": today.AddDate(0, 0, -20).Format(time.DateOnly), "dueDate": today.AddDate(0, 0, -2).Format(time.DateOnly)}
	if code := call("POST", "/invoices", body, &inv); code != 201 {
		t.Fatalf("invoice: %d", code)
	}
	var issueKey string
	eventually(t, "the invoice issue", func() bool {
		is, ok := invoiceIssue(site, inv.Number)
		issueKey = is.Key
		return ok
	})
	if n := len(site.Comments(issueKey)); n != 0 {
		t.Fatalf("%d comments before the trigger", n)
	}

	// The engine's own minute tick last ran an hour ago, as when it stalls:
	// the heartbeat is what must notice the instants missed since.
	if _, err := s.Pool.Exec(ctx, `INSERT INTO followup_schedules (client_key, last_instant) SELECT client_key, $2::timestamptz
		FROM tenants WHERE cloud_id = $1 ON CONFLICT (client_key) DO UPDATE SET last_instant = excluded.last_instant`, site.CloudID(), s.Now().Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if status, err := site.FireScheduledTrigger(ctx, inst.ID); err != nil || status != http.StatusNoContent {
		t.Fatalf("scheduled trigger: %d %v", status, err)
	}
	// Two days past due: the polite reminder is the latest step due; the
	// friendly one before the due date is skipped, not sent late.
	eventually(t, "the overdue reminder in Jira", func() bool {
		cs := site.Comments(issueKey)
		return len(cs) == 1 && strings.Contains(cs[0].Text, inv.Number)
	})
	var timeline struct {
		Events []struct{ Step, Action, Status string }
	}
	eventually(t, "the timeline through the Forge route", func() bool {
		if call("GET", "/invoices/"+itoa(inv.ID)+"/timeline", nil, &timeline) != 200 {
			return false
		}
		done, skipped := false, false
		for _, e := range timeline.Events {
			done = done || e.Step == "overdue-1" && e.Action == "comment" && e.Status == "done"
			skipped = skipped || e.Step == "reminder-before-due" && e.Status == "skipped"
		}
		return done && skipped
	})
	// A second heartbeat in the same minute adds nothing.
	if status, err := site.FireScheduledTrigger(ctx, inst.ID); err != nil || status != http.StatusNoContent {
		t.Fatalf("second trigger: %d %v", status, err)
	}
	time.Sleep(500 * time.Millisecond)
	if n := len(site.Comments(issueKey)); n != 1 {
		t.Fatalf("%d comments after a second heartbeat, want 1", n)
	}
}

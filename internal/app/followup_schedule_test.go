package app_test

import (
	"context"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/connect"
	"github.com/remitapp/remit/internal/followupengine"
)

// loadPage opens the site's invoice panel as Jira would, carrying lic.
func (s *followSite) loadPage(t *testing.T, lic string) {
	t.Helper()
	u, _ := url.Parse(s.f.URL + "/pages/issue-panel?issueKey=BILL-1&lic=" + lic)
	tok, err := connect.SignRequest(s.Inst.SharedSecret, s.Inst.ClientKey, "", http.MethodGet, u, "", s.f.clock.Now(), 3*time.Minute)
	need(t, err)
	q := u.Query()
	q.Set("jwt", tok)
	u.RawQuery = q.Encode()
	resp, err := http.Get(u.String())
	need(t, err)
	resp.Body.Close()
	if resp.StatusCode == http.StatusUnauthorized {
		t.Fatalf("page load refused")
	}
}

// TestFollowupScheduleAndLicence covers when sweeps happen: a plan that
// changes nothing, an unlicensed tenant paused and resumed without a
// flood, and the schedule enqueuing one sweep for the latest cron instant
// however often it is evaluated.
func TestFollowupScheduleAndLicence(t *testing.T) {
	f := startFollowStack(t, false)
	ctx := context.Background()

	t.Run("plan changes nothing; an unlicensed tenant pauses and resumes without a flood", func(t *testing.T) {
		s := f.newFollowSite(t, "licence", 1, "100.00", "USD")
		id, key := s.invoice(t, followIssued, followDue)
		tenant, err := f.App.DB.TenantByClientKey(ctx, s.Inst.ClientKey)
		need(t, err)
		plan, err := f.App.Followups.Preview(ctx, tenant, day(followDue, 17))
		need(t, err)
		if len(plan.Outcomes) != 9 || len(eventsOf(t, f, id)) != 0 {
			t.Fatalf("plan: %d outcomes, %d events recorded", len(plan.Outcomes), len(eventsOf(t, f, id)))
		}

		s.loadPage(t, "none")
		f.clock.Set(day(followDue, -3))
		var paused struct {
			Paused  string
			Actions []runAction
		}
		ok(t, f.api(t, s.Site, "POST", "/followups/run", map[string]string{"asOf": day(followDue, -3).Format(time.RFC3339)}, &paused), 200, "run")
		if paused.Paused == "" || len(paused.Actions) != 0 {
			t.Fatalf("unlicensed tenant: %+v", paused)
		}
		s.loadPage(t, "active")
		got := counts(f.run(t, s.Site, day(followDue, 17)))
		if got["escalate-14/comment=done"] != 1 || got["reminder-before-due/comment=skipped"] != 1 || got["overdue-7/email=skipped"] != 1 {
			t.Fatalf("resumed: %v", got)
		}
		if n := len(s.Site.Site.Comments(key)); n != 1 {
			t.Fatalf("%d comments on resuming, want 1", n)
		}
	})

	t.Run("the schedule enqueues one sweep for the latest instant due", func(t *testing.T) {
		s := f.newFollowSite(t, "schedule", 1, "100.00", "USD")
		id, _ := s.invoice(t, followIssued, followDue)
		tenant, err := f.App.DB.TenantByClientKey(ctx, s.Inst.ClientKey)
		need(t, err)
		// The stack leaves the leader's tick out, so this heartbeat is the
		// tenant's first sight: its schedule starts from now and nothing
		// is enqueued for the instants before.
		f.clock.Set(time.Date(2027, 2, 1, 8, 0, 0, 0, time.UTC)) // Monday, before 09:00
		need(t, f.App.Followups.Heartbeat(ctx, tenant))
		if before := sweepInstants(t, f, s.Inst.ClientKey); len(before) != 0 {
			t.Fatalf("first sight enqueued sweeps for %v", before)
		}
		f.clock.Set(time.Date(2027, 2, 3, 10, 30, 0, 0, time.UTC)) // Wednesday: three instants came
		var wg sync.WaitGroup
		tick := &followupengine.ScheduleWorker{Engine: f.App.Followups}
		for i := range 4 { // the leader's ticks and Forge heartbeats racing
			wg.Add(1)
			go func() {
				defer wg.Done()
				if i%2 == 0 {
					need(t, tick.Work(ctx, nil))
				} else {
					need(t, f.App.Followups.Heartbeat(ctx, tenant))
				}
			}()
		}
		wg.Wait()
		instants := sweepInstants(t, f, s.Inst.ClientKey)
		if want := time.Date(2027, 2, 3, 9, 0, 0, 0, time.UTC); len(instants) != 1 || !instants[0].Equal(want) {
			t.Fatalf("sweeps enqueued for %v, want one for %v", instants, want)
		}
		deadline := time.Now().Add(10 * time.Second)
		for len(eventsOf(t, f, id)) == 0 && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		if ev := eventsOf(t, f, id); ev["reminder-before-due/comment"] == "" {
			t.Fatalf("the scheduled sweep recorded %v", ev)
		}
	})
}

// sweepInstants lists the instants of the tenant's enqueued sweeps in
// the order they were enqueued.
func sweepInstants(t *testing.T, f *followStack, clientKey string) []time.Time {
	t.Helper()
	rows, err := f.Pool.Query(context.Background(), `SELECT (args->>'instant')::timestamptz FROM river_job
		WHERE kind = 'followup_sweep' AND args->>'clientKey' = $1 ORDER BY id`, clientKey)
	need(t, err)
	defer rows.Close()
	var out []time.Time
	for rows.Next() {
		var at time.Time
		need(t, rows.Scan(&at))
		out = append(out, at)
	}
	need(t, rows.Err())
	return out
}

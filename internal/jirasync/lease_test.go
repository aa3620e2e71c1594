package jirasync_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/apptest"
	"github.com/remitapp/remit/internal/jirasim"
	"github.com/remitapp/remit/internal/jirasync"
)

// TestSyncLeaseIsRenewedAndFreedQuickly checks the invoice lease a Jira
// sync holds: renewed while the sync runs, so no other sync of the
// invoice starts however long it takes; released when it ends; and when
// another job has taken it over, the running sync is told to stop. A
// lease left behind by a killed process frees up after one short term.
func TestSyncLeaseIsRenewedAndFreedQuickly(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t, apptest.Options{WithSim: true})
	site := s.InstallSite(t, "lease", jirasim.SeedData{
		Users:    []jirasim.User{{AccountID: "alice", DisplayName: "Alice"}},
		Projects: []jirasim.ProjectSpec{{Key: "ACME", Name: "Acme"}, {Key: "BILL", Name: "Billing", WorkflowName: "invoice"}},
		Issues:   []jirasim.IssueSpec{{Project: "ACME", Summary: "Build it"}},
		Worklogs: []jirasim.WorklogSpec{{Issue: "ACME-1", Author: "alice", Started: time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC), TimeSpentSeconds: 7200}},
	}, "557058:admin")
	if r := site.API(t, "PUT", "/settings", map[string]any{"billingProjectKey": "BILL", "currency": "USD",
		"seller": map[string]string{"name": "Remit Consulting LLC", "email": "billing@remit.example"}}, nil); r.StatusCode != 200 {
		t.Fatalf("settings: %d %v", r.StatusCode, apptest.Problem(t, r))
	}
	var c, inv struct{ ID int64 }
	if r := site.API(t, "POST", "/customers", map[string]any{"name": "Acme", "jql": "project = ACME", "currency": "USD", "hourlyRate": "100"}, &c); r.StatusCode != 201 {
		t.Fatalf("customer: %d %v", r.StatusCode, apptest.Problem(t, r))
	}
	if r := site.API(t, "POST", "/invoices", map[string]any{"customerId": c.ID, "periodStart": "2026-11-01", "periodEnd": "2026-11-14", "issueDate": "2026-11-15"}, &inv); r.StatusCode != 201 {
		t.Fatalf("invoice: %d %v", r.StatusCode, apptest.Problem(t, r))
	}
	ctx := context.Background()
	db := s.App.DB
	ck := site.Inst.ClientKey
	// Wait for Remit's own sync of the new invoice to finish with the lease.
	claim := func(term time.Duration) (time.Time, bool) {
		t.Helper()
		lease, ok, err := db.ClaimJiraSync(ctx, ck, inv.ID, s.Now().Add(term))
		if err != nil {
			t.Fatal(err)
		}
		return lease, ok
	}
	var lease time.Time
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		st, err := db.JiraSyncState(ctx, ck, inv.ID)
		if err != nil {
			t.Fatal(err)
		}
		if st.Invoice.IssueKey != "" && st.SyncedVersion >= st.Version {
			var ok bool
			if lease, ok = claim(300 * time.Millisecond); ok {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("the invoice's first sync never finished")
		}
	}

	w := &jirasync.Worker{DB: db, Now: s.Now, Lease: 300 * time.Millisecond, RenewEvery: 50 * time.Millisecond}
	args := jirasync.SyncArgs{ClientKey: ck, InvoiceID: inv.ID}
	// A sync running for five lease terms keeps its lease all along.
	runCtx, stop := w.HoldLease(ctx, args, lease)
	for range 15 {
		time.Sleep(100 * time.Millisecond)
		if _, ok := claim(time.Minute); ok {
			t.Fatal("another job took the lease of a sync still running")
		}
	}
	if runCtx.Err() != nil {
		t.Fatalf("the running sync was stopped: %v", context.Cause(runCtx))
	}
	stop()
	// Released at the end: the next sync claims it at once.
	next, ok := claim(300 * time.Millisecond)
	if !ok {
		t.Fatal("the lease was not released when the sync ended")
	}

	// A lease taken over (its holder stalled past the term) stops the
	// stalled holder as soon as it next tries to renew.
	runCtx, stop = w.HoldLease(ctx, args, next)
	if _, ok, err := db.RenewJiraSync(ctx, ck, inv.ID, next, s.Now().Add(time.Minute)); err != nil || !ok {
		t.Fatalf("take over: %v %v", ok, err)
	}
	select {
	case <-runCtx.Done():
		if !errors.Is(context.Cause(runCtx), jirasync.ErrLeaseLost) {
			t.Fatalf("stopped for %v", context.Cause(runCtx))
		}
	case <-time.After(2 * time.Second):
		t.Fatal("a sync whose lease was taken over kept running")
	}
	stop()
	if _, ok := claim(time.Minute); ok {
		t.Fatal("the stalled holder's release freed the new holder's lease")
	}

	// A holder that dies (claims, never renews) blocks others for one term only.
	if _, err := s.Pool.Exec(ctx, `UPDATE invoices SET jira_sync_lease = NULL WHERE id = $1`, inv.ID); err != nil {
		t.Fatal(err)
	}
	if _, ok := claim(300 * time.Millisecond); !ok {
		t.Fatal("claim")
	}
	start := time.Now()
	for {
		if _, ok := claim(time.Minute); ok {
			break
		}
		if time.Since(start) > 5*time.Second {
			t.Fatal("a dead holder's lease never freed")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if d := time.Since(start); d < 250*time.Millisecond {
		t.Fatalf("a live lease was taken after %v", d)
	}
}

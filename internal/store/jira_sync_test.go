package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// jiraSyncIsolationChecks: B's calls with A's invoice id find nothing and
// change nothing of A's.
func jiraSyncIsolationChecks(a, b string) map[string]func(t *testing.T, e env) {
	ctx := context.Background()
	guard := func(check func(t *testing.T, e env, id int64)) func(t *testing.T, e env) {
		return func(t *testing.T, e env) {
			id := idOf(t, e, "invoices", a)
			before := billingState(t, e, a)
			check(t, e, id)
			if after := billingState(t, e, a); after != before {
				t.Fatalf("B's call changed A's rows:\nbefore %s\n after %s", before, after)
			}
		}
	}
	return map[string]func(t *testing.T, e env){
		"JiraSyncState": guard(func(t *testing.T, e env, id int64) {
			_, err := e.db.JiraSyncState(ctx, b, id)
			wantKind(t, err, remit.NotFound)
		}),
		"BumpJiraVersion": guard(func(t *testing.T, e env, id int64) {
			wantKind(t, e.db.BumpJiraVersion(ctx, nil, b, id), remit.NotFound)
		}),
		"MarkJiraLinksDone": guard(func(t *testing.T, e env, id int64) {
			wantKind(t, e.db.MarkJiraLinksDone(ctx, b, id), remit.NotFound)
		}),
		"ClaimJiraSync": guard(func(t *testing.T, e env, id int64) {
			_, ok, err := e.db.ClaimJiraSync(ctx, b, id, e.clock.Now().Add(time.Hour))
			if err != nil || ok {
				t.Fatalf("B claimed A's invoice: %v %v", ok, err)
			}
		}),
		"RenewJiraSync": guard(func(t *testing.T, e env, id int64) {
			lease, ok, err := e.db.ClaimJiraSync(ctx, a, id, e.clock.Now().Add(time.Hour))
			if err != nil || !ok {
				t.Fatalf("A could not claim: %v %v", ok, err)
			}
			before := billingState(t, e, a)
			if _, ok, err := e.db.RenewJiraSync(ctx, b, id, lease, lease.Add(time.Hour)); err != nil || ok {
				t.Fatalf("B renewed A's lease: %v %v", ok, err)
			}
			if billingState(t, e, a) != before {
				t.Fatal("B moved A's lease")
			}
			must(t, e.db.ReleaseJiraSync(ctx, a, id, lease))
		}),
		"ReleaseJiraSync": guard(func(t *testing.T, e env, id int64) {
			lease, ok, err := e.db.ClaimJiraSync(ctx, a, id, e.clock.Now().Add(time.Hour))
			if err != nil || !ok {
				t.Fatalf("A could not claim: %v %v", ok, err)
			}
			before := billingState(t, e, a)
			must(t, e.db.ReleaseJiraSync(ctx, b, id, lease))
			if billingState(t, e, a) != before {
				t.Fatal("B released A's lease")
			}
			must(t, e.db.ReleaseJiraSync(ctx, a, id, lease))
		}),
		"MarkJiraSynced": guard(func(t *testing.T, e env, id int64) {
			_, err := e.db.MarkJiraSynced(ctx, nil, b, id, 99, "")
			wantKind(t, err, remit.NotFound)
		}),
	}
}

// TestJiraSyncVersions walks the bookkeeping: a new invoice is one version
// ahead of Jira; syncing records it; a bump while syncing shows up as a
// higher current version; links and problems are remembered.
func TestJiraSyncVersions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e, id := billedTenant(t, "t1")
	st, err := e.db.JiraSyncState(ctx, "t1", id)
	must(t, err)
	if st.Version != 1 || st.SyncedVersion != 0 || st.LinksDone || st.Invoice.IssueKey != "BILL-1" || st.IssueID != "40001" || len(st.Invoice.Lines) == 0 {
		t.Fatalf("fresh state %+v", st)
	}
	must(t, e.db.BumpJiraVersion(ctx, nil, "t1", id)) // a change lands while a sync of version 1 runs
	cur, err := e.db.MarkJiraSynced(ctx, nil, "t1", id, 1, "no transition")
	must(t, err)
	if cur != 2 {
		t.Fatalf("current version %d, want 2", cur)
	}
	must(t, e.db.MarkJiraLinksDone(ctx, "t1", id))
	st, err = e.db.JiraSyncState(ctx, "t1", id)
	must(t, err)
	if st.SyncedVersion != 1 || !st.LinksDone || st.Problem != "no transition" {
		t.Fatalf("after sync %+v", st)
	}
	if _, err := e.db.MarkJiraSynced(ctx, nil, "t1", id, 2, ""); err != nil {
		t.Fatal(err)
	}
	st, _ = e.db.JiraSyncState(ctx, "t1", id)
	if st.SyncedVersion != 2 || st.Problem != "" {
		t.Fatalf("after second sync %+v", st)
	}
	// The lease: one holder at a time, free again after release or expiry.
	now := e.clock.Now()
	first, ok, err := e.db.ClaimJiraSync(ctx, "t1", id, now.Add(time.Minute))
	if err != nil || !ok {
		t.Fatalf("first claim = %v, %v", ok, err)
	}
	if _, ok, err := e.db.ClaimJiraSync(ctx, "t1", id, now.Add(time.Minute)); err != nil || ok {
		t.Fatalf("second claim while held = %v, %v", ok, err)
	}
	// The holder renews it; the renewed lease is the one to hold now.
	renewed, ok, err := e.db.RenewJiraSync(ctx, "t1", id, first, now.Add(2*time.Minute))
	if err != nil || !ok || !renewed.Equal(now.Add(2*time.Minute)) {
		t.Fatalf("renew = %v %v %v", renewed, ok, err)
	}
	if _, ok, _ := e.db.RenewJiraSync(ctx, "t1", id, first, now.Add(3*time.Minute)); ok {
		t.Fatal("a superseded holding renewed the lease")
	}
	// Unrenewed past its expiry, another job takes it; the old holder can
	// then neither renew nor release it.
	e.clock.Advance(3 * time.Minute)
	second, ok, err := e.db.ClaimJiraSync(ctx, "t1", id, e.clock.Now().Add(time.Minute))
	if err != nil || !ok {
		t.Fatal("expired lease not reclaimable")
	}
	if _, ok, _ := e.db.RenewJiraSync(ctx, "t1", id, renewed, e.clock.Now().Add(time.Hour)); ok {
		t.Fatal("the old holder renewed a lease taken over by another job")
	}
	must(t, e.db.ReleaseJiraSync(ctx, "t1", id, renewed))
	if _, ok, _ := e.db.ClaimJiraSync(ctx, "t1", id, e.clock.Now().Add(time.Minute)); ok {
		t.Fatal("the old holder's release freed the new holder's lease")
	}
	must(t, e.db.ReleaseJiraSync(ctx, "t1", id, second))
	if _, ok, _ := e.db.ClaimJiraSync(ctx, "t1", id, e.clock.Now().Add(time.Minute)); !ok {
		t.Fatal("released lease not reclaimable")
	}
}

// TestJiraSyncStateNeverOlderThanItsVersion: while changes land (each one
// moves the due date a day and bumps the version, in one statement), every
// state read carries data at least as new as its version. A sync marks the
// version it read synced, so data older than it would be a change that
// never reaches Jira.
func TestJiraSyncStateNeverOlderThanItsVersion(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e, id := billedTenant(t, "t1")
	st, err := e.db.JiraSyncState(ctx, "t1", id)
	must(t, err)
	base, v0 := st.Invoice.DueDate, st.Version
	stop := make(chan struct{})
	writer := make(chan error, 1)
	go func() {
		var err error
		for err == nil {
			select {
			case <-stop:
				writer <- nil
				return
			default:
			}
			_, err = e.pool.Exec(ctx, `UPDATE invoices SET due_date = due_date + 1, jira_version = jira_version + 1 WHERE client_key = 't1' AND id = $1`, id)
		}
		writer <- err
	}()
	reads := 0
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); reads++ {
		st, err := e.db.JiraSyncState(ctx, "t1", id)
		must(t, err)
		changes := int64(base.DaysUntil(st.Invoice.DueDate))
		if changes < st.Version-v0 {
			close(stop)
			t.Fatalf("read %d: version %d, but the data has only %d of its %d changes", reads, st.Version, changes, st.Version-v0)
		}
	}
	close(stop)
	must(t, <-writer)
	if st, _ := e.db.JiraSyncState(ctx, "t1", id); st.Version-v0 < 10 {
		t.Fatalf("only %d changes landed during %d reads: the test proved nothing", st.Version-v0, reads)
	}
}

// TestFinishSyncedTransitions: a transition event waits for the sync of
// the version its action asked for; a sync of an older version leaves it
// queued, the sync of that version (or a later one) records it once, and
// recording again finishes nothing.
func TestFinishSyncedTransitions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e, id := billedTenant(t, "t1")
	evs, err := e.db.InsertFollowupEvents(ctx, nil, "t1", id, e.clock.Now(), []store.NewFollowupEvent{
		{Step: "overdue-1", Action: "transition", Status: store.EventQueued},
		{Step: "overdue-1", Action: "comment", Status: store.EventQueued},
	})
	must(t, err)
	var transition, comment int64
	for _, ev := range evs {
		if ev.Action == "comment" {
			comment = ev.ID // another action's payload alike must not make it a transition
			must(t, e.db.SetFollowupPayload(ctx, nil, "t1", ev.ID, []byte(`{"syncRequested": true}`)))
		} else {
			transition = ev.ID
		}
	}
	err = e.db.InTx(ctx, func(tx *store.Tx) error {
		if err := e.db.BumpJiraVersion(ctx, tx, "t1", id); err != nil {
			return err
		}
		return e.db.RequestFollowupSync(ctx, tx, "t1", transition)
	})
	must(t, err)
	st, err := e.db.JiraSyncState(ctx, "t1", id)
	must(t, err)
	steps, err := e.db.FinishSyncedTransitions(ctx, nil, "t1", id, st.Version-1, store.EventDone, "BILL-1 is in Overdue")
	if err != nil || len(steps) != 0 {
		t.Fatalf("a sync of version %d recorded %v (%v)", st.Version-1, steps, err)
	}
	steps, err = e.db.FinishSyncedTransitions(ctx, nil, "t1", id, st.Version, store.EventDone, "BILL-1 is in Overdue")
	if err != nil || len(steps) != 1 || steps[0] != "overdue-1" {
		t.Fatalf("the sync of version %d recorded %v (%v), want overdue-1", st.Version, steps, err)
	}
	steps, err = e.db.FinishSyncedTransitions(ctx, nil, "t1", id, st.Version+1, store.EventFailed, "again")
	if err != nil || len(steps) != 0 {
		t.Fatalf("a later sync recorded %v again (%v)", steps, err)
	}
	tr, err := e.db.FollowupEvent(ctx, "t1", transition)
	must(t, err)
	cm, err := e.db.FollowupEvent(ctx, "t1", comment)
	must(t, err)
	if tr.Status != store.EventDone || tr.Detail != "BILL-1 is in Overdue" || cm.Status != store.EventQueued {
		t.Fatalf("transition %+v, comment %+v", tr, cm)
	}
	if err := e.db.RequestFollowupSync(ctx, nil, "t1", transition); !remit.IsKind(err, remit.Conflict) {
		t.Fatalf("a sync request on a finished event = %v, want a conflict", err)
	}
	if _, err := e.db.FinishSyncedTransitions(ctx, nil, "t1", id, st.Version, store.EventSkipped, "x"); !remit.IsKind(err, remit.Invalid) {
		t.Fatalf("a sync recording skipped = %v, want invalid", err)
	}
}

package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/followup"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// followupState renders A's follow-up rows: policy, events, schedule,
// licence, and the invoices' next action times and late fees.
func followupState(t *testing.T, e env, tenant string) string {
	t.Helper()
	var s string
	must(t, e.pool.QueryRow(context.Background(), `SELECT concat_ws(' | ',
		(SELECT doc::text FROM followup_policies WHERE client_key = $1),
		(SELECT string_agg(f::text, ';' ORDER BY id) FROM followup_events f WHERE client_key = $1),
		(SELECT last_instant::text FROM followup_schedules WHERE client_key = $1),
		(SELECT licence FROM tenant_licences WHERE client_key = $1),
		(SELECT string_agg(concat(id, '@', next_action_at, '+', late_fees), ';' ORDER BY id) FROM invoices WHERE client_key = $1))`, tenant).Scan(&s))
	return billingState(t, e, tenant) + " | " + s
}

// seedFollowupOfA gives A a policy, a due invoice with a queued event,
// a schedule and a licence state; it returns the invoice and event ids.
func seedFollowupOfA(t *testing.T, e env, a string) (invoiceID, eventID int64) {
	t.Helper()
	ctx := context.Background()
	id := idOf(t, e, "invoices", a)
	must(t, e.db.PutPolicy(ctx, nil, a, followup.DefaultPolicy(), "acc-a"))
	at := e.clock.Now().Add(-time.Hour)
	must(t, e.db.SetNextActionAt(ctx, nil, a, id, &at))
	evs, err := e.db.InsertFollowupEvents(ctx, nil, a, id, e.clock.Now(), []store.NewFollowupEvent{
		{Step: "overdue-1", Action: "comment", Status: store.EventQueued},
	})
	must(t, err)
	must(t, e.db.RecordLicence(ctx, a, store.LicenceActive))
	ok, err := e.db.AdvanceFollowupSchedule(ctx, nil, a, nil, at)
	if err != nil || !ok {
		t.Fatalf("AdvanceFollowupSchedule = %v, %v", ok, err)
	}
	return id, evs[0].ID
}

// followupIsolationChecks are TestTenantIsolation's checks for the
// follow-up engine's storage.
func followupIsolationChecks(a, b string) map[string]func(t *testing.T, e env) {
	ctx := context.Background()
	guard := func(check func(t *testing.T, e env, invoiceID, eventID int64)) func(t *testing.T, e env) {
		return func(t *testing.T, e env) {
			id, ev := seedFollowupOfA(t, e, a)
			before := followupState(t, e, a)
			check(t, e, id, ev)
			if after := followupState(t, e, a); after != before {
				t.Fatalf("B's call changed A's rows:\nbefore %s\n after %s", before, after)
			}
		}
	}
	notFound := func(t *testing.T, err error) { t.Helper(); wantKind(t, err, remit.NotFound) }
	return map[string]func(t *testing.T, e env){
		"FailAbandonedFollowupEvents": guard(func(t *testing.T, e env, _, ev int64) {
			// A discarded job naming A's event, under either tenant's key:
			// B's reconciliation fails nothing of A's.
			for _, ck := range []string{a, b} {
				_, err := e.pool.Exec(ctx, `INSERT INTO river_job (args, kind, max_attempts, priority, queue, state, finalized_at)
					VALUES (jsonb_build_object('clientKey', $1::text, 'eventId', $2::bigint), 'followup_action', 10, 1, 'default', 'discarded', now())`, ck, ev)
				must(t, err)
			}
			n, err := e.db.FailAbandonedFollowupEvents(ctx, b)
			if err != nil || n != 0 {
				t.Fatalf("B's reconciliation recorded %d events (err %v)", n, err)
			}
		}),
		"WakeFollowupActions": guard(func(t *testing.T, e env, id, ev int64) {
			var job int64
			must(t, e.pool.QueryRow(ctx, `INSERT INTO river_job (args, kind, max_attempts, priority, queue, state, scheduled_at)
				VALUES (jsonb_build_object('clientKey', $1::text, 'invoiceId', $2::bigint, 'eventId', $3::bigint), 'followup_action', 10, 1, 'default', 'scheduled', now() + interval '1 hour')
				RETURNING id`, a, id, ev).Scan(&job))
			must(t, e.db.WakeFollowupActions(ctx, nil, b, id))
			var later bool
			must(t, e.pool.QueryRow(ctx, `SELECT scheduled_at > now() + interval '30 minutes' FROM river_job WHERE id = $1`, job).Scan(&later))
			if !later {
				t.Fatal("B woke A's waiting action")
			}
		}),
		"WakeFollowupReleases": guard(func(t *testing.T, e env, id, ev int64) {
			var job int64
			must(t, e.pool.QueryRow(ctx, `INSERT INTO river_job (args, kind, max_attempts, priority, queue, state, scheduled_at)
				VALUES (jsonb_build_object('clientKey', $1::text, 'invoiceId', $2::bigint, 'eventId', $3::bigint), 'followup_release', 10, 1, 'default', 'scheduled', now() + interval '1 hour')
				RETURNING id`, a, id, ev).Scan(&job))
			must(t, e.db.WakeFollowupReleases(ctx, nil, b, id))
			var later bool
			must(t, e.pool.QueryRow(ctx, `SELECT scheduled_at > now() + interval '30 minutes' FROM river_job WHERE id = $1`, job).Scan(&later))
			if !later {
				t.Fatal("B woke A's waiting release")
			}
		}),
		"GetPolicy": guard(func(t *testing.T, e env, _, _ int64) {
			if _, ok, err := e.db.GetPolicy(ctx, b); err != nil || ok {
				t.Fatalf("B sees a saved policy (ok %v, err %v)", ok, err)
			}
		}),
		"PutPolicy": guard(func(t *testing.T, e env, _, _ int64) {
			p := followup.DefaultPolicy()
			p.Steps = p.Steps[:1]
			must(t, e.db.PutPolicy(ctx, nil, b, p, "acc-b"))
		}),
		"FollowupTerms": guard(func(t *testing.T, e env, _, _ int64) {
			p, zone, err := e.db.FollowupTerms(ctx, nil, b)
			if err != nil || zone != "" || len(p.Steps) != len(followup.DefaultPolicy().Steps) {
				t.Fatalf("B's terms show A's: zone %q, %d steps (err %v)", zone, len(p.Steps), err)
			}
		}),
		"RescheduleOpenInvoices": guard(func(t *testing.T, e env, _, _ int64) {
			n, err := e.db.RescheduleOpenInvoices(ctx, nil, b, time.Unix(0, 0))
			if err != nil || n != 0 {
				t.Fatalf("B rescheduled %d invoices (err %v)", n, err)
			}
		}),
		"InsertFollowupEvents": guard(func(t *testing.T, e env, id, _ int64) {
			_, err := e.db.InsertFollowupEvents(ctx, nil, b, id, e.clock.Now(), []store.NewFollowupEvent{{Step: "overdue-7", Action: "email", Status: store.EventQueued}})
			notFound(t, err)
		}),
		"FollowupEvents": guard(func(t *testing.T, e env, id, _ int64) {
			got, err := e.db.FollowupEvents(ctx, nil, b, id)
			if err != nil || len(got) != 0 {
				t.Fatalf("B sees A's events %+v (err %v)", got, err)
			}
		}),
		"FollowupEventsByID": guard(func(t *testing.T, e env, _, ev int64) {
			got, err := e.db.FollowupEventsByID(ctx, b, []int64{ev})
			if err != nil || len(got) != 0 {
				t.Fatalf("B sees A's events %+v (err %v)", got, err)
			}
		}),
		"FollowupEvent": guard(func(t *testing.T, e env, _, ev int64) {
			_, err := e.db.FollowupEvent(ctx, b, ev)
			notFound(t, err)
		}),
		"StartFollowupAttempt": guard(func(t *testing.T, e env, _, ev int64) {
			_, err := e.db.StartFollowupAttempt(ctx, b, ev, []byte(`{"x":1}`))
			notFound(t, err)
		}),
		"SetFollowupPayload": guard(func(t *testing.T, e env, _, ev int64) {
			wantKind(t, e.db.SetFollowupPayload(ctx, nil, b, ev, []byte(`{"x":1}`)), remit.Conflict)
		}),
		"RequestFollowupSync": guard(func(t *testing.T, e env, _, ev int64) {
			wantKind(t, e.db.RequestFollowupSync(ctx, nil, b, ev), remit.Conflict)
		}),
		"FinishSyncedTransitions": func(t *testing.T, e env) {
			id, _ := seedFollowupOfA(t, e, a)
			evs, err := e.db.InsertFollowupEvents(ctx, nil, a, id, e.clock.Now(), []store.NewFollowupEvent{
				{Step: "overdue-1", Action: "transition", Status: store.EventQueued},
			})
			must(t, err)
			must(t, e.db.RequestFollowupSync(ctx, nil, a, evs[0].ID))
			before := followupState(t, e, a)
			steps, err := e.db.FinishSyncedTransitions(ctx, nil, b, id, 1<<40, store.EventDone, "by B")
			if err != nil || len(steps) != 0 {
				t.Fatalf("B finished A's transitions %v (%v)", steps, err)
			}
			if after := followupState(t, e, a); after != before {
				t.Fatalf("B's call changed A's rows:\nbefore %s\n after %s", before, after)
			}
		},
		"FinishFollowupEvent": guard(func(t *testing.T, e env, _, ev int64) {
			done, err := e.db.FinishFollowupEvent(ctx, nil, b, ev, store.EventDone, "by B")
			if err != nil || done {
				t.Fatalf("B finished A's event (%v, %v)", done, err)
			}
		}),
		"FollowupActionQueued": guard(func(t *testing.T, e env, id, _ int64) {
			queued, err := e.db.FollowupActionQueued(ctx, b, id, "comment")
			if err != nil || queued {
				t.Fatalf("B sees A's queued action (%v, %v)", queued, err)
			}
		}),
		"LabelledInvoicesOfCustomer": func(t *testing.T, e env) {
			id, _ := seedFollowupOfA(t, e, a)
			_, err := e.db.InsertFollowupEvents(ctx, nil, a, id, e.clock.Now(), []store.NewFollowupEvent{
				{Step: "stop-work-45", Action: "label", Status: store.EventDone},
			})
			must(t, err)
			customer := idOf(t, e, "customers", a)
			if got, err := e.db.LabelledInvoicesOfCustomer(ctx, a, customer); err != nil || len(got) != 1 {
				t.Fatalf("A's own labelled invoices = %v (err %v), want its one", got, err)
			}
			before := followupState(t, e, a)
			got, err := e.db.LabelledInvoicesOfCustomer(ctx, b, customer)
			if err != nil || len(got) != 0 {
				t.Fatalf("B sees A's labelled invoices %v (err %v)", got, err)
			}
			if after := followupState(t, e, a); after != before {
				t.Fatalf("B's call changed A's rows:\nbefore %s\n after %s", before, after)
			}
		},
		"FollowupState": guard(func(t *testing.T, e env, id, _ int64) {
			_, err := e.db.FollowupState(ctx, nil, b, id)
			notFound(t, err)
		}),
		"DueInvoices": guard(func(t *testing.T, e env, _, _ int64) {
			got, err := e.db.DueInvoices(ctx, b, e.clock.Now().Add(24*time.Hour), nil, 100)
			if err != nil || len(got) != 0 {
				t.Fatalf("B's sweep sees A's invoices %+v (err %v)", got, err)
			}
		}),
		"SetNextActionAt": guard(func(t *testing.T, e env, id, _ int64) {
			notFound(t, e.db.SetNextActionAt(ctx, nil, b, id, nil))
		}),
		"RescheduleFollowup": guard(func(t *testing.T, e env, id, _ int64) {
			notFound(t, e.db.RescheduleFollowup(ctx, nil, b, id))
		}),
		"RescheduleFollowupState": guard(func(t *testing.T, e env, id, _ int64) {
			_, _, err := e.db.RescheduleFollowupState(ctx, nil, b, id)
			notFound(t, err)
		}),
		"SetInvoiceLateFees": guard(func(t *testing.T, e env, id, _ int64) {
			notFound(t, e.db.SetInvoiceLateFees(ctx, nil, b, id, d("40.00"), "followup", "by B"))
		}),
		"RecordLicence": guard(func(t *testing.T, e env, _, _ int64) {
			must(t, e.db.RecordLicence(ctx, b, store.LicenceNone))
		}),
		"TenantLicence": guard(func(t *testing.T, e env, _, _ int64) {
			if lic, err := e.db.TenantLicence(ctx, b); err != nil || lic != "" {
				t.Fatalf("B's licence is %q (err %v)", lic, err)
			}
		}),
		"FollowupTenant": guard(func(t *testing.T, e env, _, _ int64) {
			ft, ok, err := e.db.FollowupTenant(ctx, b)
			if err != nil || ok && (ft.ClientKey != b || ft.LastInstant != nil || ft.Licence != "") {
				t.Fatalf("B's schedule row %+v (ok %v, err %v) shows A's", ft, ok, err)
			}
		}),
		"AdvanceFollowupSchedule": guard(func(t *testing.T, e env, _, _ int64) {
			ok, err := e.db.AdvanceFollowupSchedule(ctx, nil, b, nil, e.clock.Now())
			if err != nil || !ok {
				t.Fatalf("B's first schedule advance = %v, %v", ok, err)
			}
		}),
	}
}

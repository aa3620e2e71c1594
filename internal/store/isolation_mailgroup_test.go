package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// seedMailGroupOfA gives A a queued e-mail event in an open group of its
// customer; it returns the group, the event and the sweep instant.
func seedMailGroupOfA(t *testing.T, e env, a string) (group, event int64, asOf time.Time) {
	t.Helper()
	ctx := context.Background()
	id, cust := idOf(t, e, "invoices", a), idOf(t, e, "customers", a)
	asOf = e.clock.Now()
	evs, err := e.db.InsertFollowupEvents(ctx, nil, a, id, asOf, []store.NewFollowupEvent{
		{Step: "overdue-1", Action: "email", Status: store.EventQueued},
	})
	must(t, err)
	must(t, e.db.JoinMailGroup(ctx, nil, a, cust, asOf, []int64{evs[0].ID}))
	must(t, e.pool.QueryRow(ctx, `SELECT mail_group_id FROM followup_events WHERE id = $1`, evs[0].ID).Scan(&group))
	return group, evs[0].ID, asOf
}

// mailGroupState renders A's e-mail groups and follow-up events.
func mailGroupState(t *testing.T, e env, tenant string) string {
	t.Helper()
	var s string
	must(t, e.pool.QueryRow(context.Background(), `SELECT concat_ws(' | ',
		(SELECT string_agg(g::text, ';' ORDER BY id) FROM followup_mail_groups g WHERE client_key = $1),
		(SELECT string_agg(f::text, ';' ORDER BY id) FROM followup_events f WHERE client_key = $1))`, tenant).Scan(&s))
	return s
}

// mailGroupIsolationChecks are TestTenantIsolation's checks for the
// follow-up e-mail groups: B's calls with A's ids find nothing and
// change none of A's rows.
func mailGroupIsolationChecks(a, b string) map[string]func(t *testing.T, e env) {
	ctx := context.Background()
	guard := func(check func(t *testing.T, e env, group, event int64, asOf time.Time)) func(t *testing.T, e env) {
		return func(t *testing.T, e env) {
			g, ev, asOf := seedMailGroupOfA(t, e, a)
			before := mailGroupState(t, e, a)
			check(t, e, g, ev, asOf)
			if after := mailGroupState(t, e, a); after != before {
				t.Fatalf("B's call changed A's rows:\nbefore %s\n after %s", before, after)
			}
		}
	}
	return map[string]func(t *testing.T, e env){
		"JoinMailGroup": guard(func(t *testing.T, e env, _, ev int64, asOf time.Time) {
			must(t, e.db.JoinMailGroup(ctx, nil, b, idOf(t, e, "customers", a), asOf, []int64{ev}))
		}),
		"CloseMailGroups": guard(func(t *testing.T, e env, _, _ int64, asOf time.Time) {
			must(t, e.db.CloseMailGroups(ctx, b, asOf.Add(time.Hour)))
		}),
		"GetMailGroup": guard(func(t *testing.T, e env, g, _ int64, _ time.Time) {
			_, err := e.db.GetMailGroup(ctx, b, g)
			wantKind(t, err, remit.NotFound)
		}),
		"QueuedMail": guard(func(t *testing.T, e env, g, _ int64, _ time.Time) {
			evs, err := e.db.QueuedMail(ctx, b, g)
			if err != nil || len(evs) != 0 {
				t.Fatalf("B sees %d of A's e-mails (err %v)", len(evs), err)
			}
		}),
		"ClaimMailGroup": guard(func(t *testing.T, e env, g, ev int64, _ time.Time) {
			_, ok, err := e.db.ClaimMailGroup(ctx, b, g, []int64{ev}, e.clock.Now().Add(time.Minute))
			if err != nil || ok {
				t.Fatalf("B claimed A's group: %v, %v", ok, err)
			}
		}),
		"MarkMailGroupSent": guard(func(t *testing.T, e env, g, _ int64, _ time.Time) {
			ok, err := e.db.MarkMailGroupSent(ctx, nil, b, g)
			if err != nil || ok {
				t.Fatalf("B marked A's group sent: %v, %v", ok, err)
			}
		}),
		"MarkFollowupPayloads": guard(func(t *testing.T, e env, _, ev int64, _ time.Time) {
			must(t, e.db.MarkFollowupPayloads(ctx, b, []int64{ev}, []byte(`{"carriedByGroup":1}`)))
		}),
		"CountDueInvoices": func(t *testing.T, e env) {
			seedFollowupOfA(t, e, a)
			later := e.clock.Now().AddDate(1, 0, 0)
			var want int
			must(t, e.pool.QueryRow(ctx, `SELECT count(*) FROM invoices WHERE client_key = $1 AND next_action_at <= $2`, b, later).Scan(&want))
			got, err := e.db.CountDueInvoices(ctx, b, later, 1000)
			if err != nil || got != want {
				t.Fatalf("B counts %d due invoices (err %v), B has %d", got, err, want)
			}
		},
		"ReleaseMailGroup": func(t *testing.T, e env) {
			g, ev, _ := seedMailGroupOfA(t, e, a)
			if _, ok, err := e.db.ClaimMailGroup(ctx, a, g, []int64{ev}, e.clock.Now().Add(time.Minute)); err != nil || !ok {
				t.Fatalf("A's claim: %v, %v", ok, err)
			}
			before := mailGroupState(t, e, a)
			must(t, e.db.ReleaseMailGroup(ctx, b, g))
			if after := mailGroupState(t, e, a); after != before {
				t.Fatalf("B released A's claim:\nbefore %s\n after %s", before, after)
			}
		},
	}
}

package store_test

import (
	"context"
	"testing"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// customerState renders A's customer page rows: links, promises and plan
// requests.
func customerState(t *testing.T, e env, tenant string) string {
	t.Helper()
	var s string
	must(t, e.pool.QueryRow(context.Background(), `SELECT concat_ws(' | ',
		(SELECT string_agg(l::text, ';' ORDER BY id) FROM customer_links l WHERE client_key = $1),
		(SELECT string_agg(p::text, ';' ORDER BY id) FROM customer_promises p WHERE client_key = $1),
		(SELECT string_agg(r::text, ';' ORDER BY id) FROM plan_requests r WHERE client_key = $1))`, tenant).Scan(&s))
	return billingState(t, e, tenant) + " | " + s
}

// seedCustomerOfA gives A's invoice a link, a promise and a pending plan
// request; it returns the invoice id, the token and the request id.
func seedCustomerOfA(t *testing.T, e env, a string) (int64, string, int64) {
	t.Helper()
	ctx := context.Background()
	id := idOf(t, e, "invoices", a)
	token, err := e.db.CustomerLink(ctx, nil, a, id)
	must(t, err)
	_, err = e.db.AddCustomerPromise(ctx, nil, a, id, invoice.Date{Year: 2026, Month: 4, Day: 1}, 2)
	must(t, err)
	rid, err := e.db.AddPlanRequest(ctx, nil, a, id, []invoice.InstallmentInput{{DueDate: invoice.Date{Year: 2026, Month: 4, Day: 1}, Amount: "1.00"}}, "")
	must(t, err)
	return id, token, rid
}

// customerIsolationChecks are TestTenantIsolation's checks for the
// customer page's storage.
func customerIsolationChecks(a, b string) map[string]func(t *testing.T, e env) {
	ctx := context.Background()
	guard := func(check func(t *testing.T, e env, id int64, token string, rid int64)) func(t *testing.T, e env) {
		return func(t *testing.T, e env) {
			id, token, rid := seedCustomerOfA(t, e, a)
			before := customerState(t, e, a)
			check(t, e, id, token, rid)
			if after := customerState(t, e, a); after != before {
				t.Fatalf("B's call changed A's rows:\nbefore %s\n after %s", before, after)
			}
		}
	}
	return map[string]func(t *testing.T, e env){
		"CustomerLink": guard(func(t *testing.T, e env, id int64, token string, _ int64) {
			got, err := e.db.CustomerLink(ctx, nil, b, id)
			wantKind(t, err, remit.NotFound)
			if got != "" || got == token {
				t.Fatalf("B got a link %q for A's invoice", got)
			}
		}),
		"RevokeCustomerLink": guard(func(t *testing.T, e env, id int64, _ string, _ int64) {
			ok, err := e.db.RevokeCustomerLink(ctx, nil, b, id, "acc-b")
			if err != nil || ok {
				t.Fatalf("B revoked A's link: %v, %v", ok, err)
			}
		}),
		"CustomerLinkByHash": guard(func(t *testing.T, e env, id int64, token string, _ int64) {
			// Global by design: the token alone finds its tenant, and it
			// names A, never B.
			ref, err := e.db.CustomerLinkByHash(ctx, store.CustomerTokenHash(token))
			must(t, err)
			if ref.ClientKey != a || ref.InvoiceID != id {
				t.Fatalf("the token of A's invoice leads to %+v", ref)
			}
		}),
		"OpenInvoicesOfCustomer": guard(func(t *testing.T, e env, id int64, _ string, _ int64) {
			cust := idOf(t, e, "customers", a)
			ids, err := e.db.OpenInvoicesOfCustomer(ctx, b, cust)
			if err != nil || len(ids) != 0 {
				t.Fatalf("B sees A's customer's invoices %v (%v)", ids, err)
			}
		}),
		"AddCustomerPromise": guard(func(t *testing.T, e env, id int64, _ string, _ int64) {
			_, err := e.db.AddCustomerPromise(ctx, nil, b, id, invoice.Date{Year: 2026, Month: 4, Day: 2}, 2)
			wantKind(t, err, remit.NotFound)
		}),
		"LatestCustomerPromise": guard(func(t *testing.T, e env, id int64, _ string, _ int64) {
			p, err := e.db.LatestCustomerPromise(ctx, nil, b, id)
			if err != nil || p != nil {
				t.Fatalf("B sees A's promise %+v (%v)", p, err)
			}
		}),
		"AddPlanRequest": guard(func(t *testing.T, e env, id int64, _ string, _ int64) {
			_, err := e.db.AddPlanRequest(ctx, nil, b, id, nil, "")
			wantKind(t, err, remit.NotFound)
		}),
		"PlanRequests": guard(func(t *testing.T, e env, id int64, _ string, _ int64) {
			rs, err := e.db.PlanRequests(ctx, b, id)
			if err != nil || len(rs) != 0 {
				t.Fatalf("B sees A's plan requests %v (%v)", rs, err)
			}
		}),
		"PlanRequestForUpdate": guard(func(t *testing.T, e env, id int64, _ string, rid int64) {
			err := e.db.InTx(ctx, func(tx *store.Tx) error {
				_, err := e.db.PlanRequestForUpdate(ctx, tx, b, id, rid)
				return err
			})
			wantKind(t, err, remit.NotFound)
		}),
		"DecidePlanRequest": guard(func(t *testing.T, e env, id int64, _ string, rid int64) {
			ok, err := e.db.DecidePlanRequest(ctx, nil, b, id, rid, store.PlanRequestAccepted, "acc-b")
			if err != nil || ok {
				t.Fatalf("B decided A's request: %v, %v", ok, err)
			}
		}),
	}
}

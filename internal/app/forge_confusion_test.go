package app_test

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/remitapp/remit/internal/apptest"
	"github.com/remitapp/remit/internal/forge"
	"github.com/remitapp/remit/internal/jirasim"
	"github.com/remitapp/remit/internal/remit"
)

// TestForgeUserTokenCannotActAsATrigger: a Jira user who can open the
// issue panel holds what Forge mints for it, a user token of the UI
// module. Posted to the trigger routes it must not record a payment for
// an open invoice, uninstall the app or run the heartbeat: each is 401
// and the database and Jira stay as they were. The same Paid event with
// the events trigger's own token then does record the payment, so the
// refusals are about the token, not the event.
func TestForgeUserTokenCannotActAsATrigger(t *testing.T) {
	t.Parallel()
	s := startForgeStack(t, apptest.Options{})
	ctx := context.Background()
	site := forgeSiteOf(t, s, "confused")
	inst, err := site.InstallForgeApp(ctx, jirasim.ForgeApp{ID: forgeAppID, ConnectKey: appKey, RemoteURL: s.URL})
	if err != nil {
		t.Fatal(err)
	}
	f := &forgeSite{stack: s, site: site, inst: inst, user: admin}
	call := func(method, path string, body, out any) int { return f.call(t, method, path, body, out) }
	inv := configureAndInvoice(t, s, call)
	var issue jirasim.IssueView
	eventually(t, "the invoice issue", func() bool {
		var ok bool
		issue, ok = invoiceIssue(site, inv.Number)
		return ok && issue.Status == "Sent"
	})
	var beats atomic.Int32
	s.App.SetHeartbeat(func(context.Context, remit.Tenant) error { beats.Add(1); return nil })

	paid := fmt.Sprintf(`{"eventType":"avi:jira:updated:issue","atlassianId":%q,"issue":{"id":%q,"key":%q},`+
		`"changelog":{"items":[{"field":"status","fromString":"Sent","toString":"Paid"}]}}`, admin, issue.ID, issue.Key)
	uninstall := fmt.Sprintf(`{"eventType":%q,"id":%q}`, forge.EventUninstalled, inst.ID)
	userToken := "Bearer " + s.Sim.SignFIT(s.Sim.FITClaims(inst, admin))
	sys := http.Header{forge.HeaderSystemToken: {inst.SystemToken}}
	for _, a := range []struct{ route, body string }{
		{forge.RouteEvents, paid},
		{forge.RouteLifecycle, uninstall},
		{forge.RouteScheduled, `{}`},
	} {
		if resp := s.Do(t, http.MethodPost, a.route, userToken, []byte(a.body), sys); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("user token at %s: %d, want 401", a.route, resp.StatusCode)
		}
	}

	if n := count(t, s, `SELECT count(*) FROM webhook_deliveries`); n != 0 {
		t.Fatalf("%d deliveries accepted from a user token", n)
	}
	if n := count(t, s, `SELECT count(*) FROM payments WHERE invoice_id = $1`, inv.ID); n != 0 {
		t.Fatalf("%d payments recorded from a user token", n)
	}
	if n := count(t, s, `SELECT count(*) FROM tenants WHERE installation_id = $1 AND state = 'installed' AND enabled`, inst.ID); n != 1 {
		t.Fatal("a user token uninstalled the app")
	}
	if n := beats.Load(); n != 0 {
		t.Fatalf("a user token ran the heartbeat %d times", n)
	}
	var got invoiceResp
	if code := call("GET", fmt.Sprintf("/invoices/%d", inv.ID), nil, &got); code != 200 || got.Status == "paid" {
		t.Fatalf("invoice after the refused calls: %d %s", code, got.Status)
	}
	if is, _ := invoiceIssue(site, inv.Number); is.Status != "Sent" {
		t.Fatalf("invoice issue is %s in Jira, want Sent", is.Status)
	}

	// The events trigger's own token carries the same event through.
	eventsToken := "Bearer " + s.Sim.SignFIT(s.Sim.TriggerFITClaims(inst, forge.RouteEvents))
	if resp := s.Do(t, http.MethodPost, forge.RouteEvents, eventsToken, []byte(paid), sys); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("the events trigger's token: %d", resp.StatusCode)
	}
	eventually(t, "the payment from the trigger's event", func() bool {
		return call("GET", fmt.Sprintf("/invoices/%d", inv.ID), nil, &got) == 200 && got.Status == "paid"
	})
}

package app_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/remitapp/remit/internal/apptest"
	"github.com/remitapp/remit/internal/forge"
	"github.com/remitapp/remit/internal/jirasim"
	"github.com/remitapp/remit/internal/remit"
)

const (
	forgeAppID = apptest.ForgeAppID
	otherAppID = "ari:cloud:ecosystem::app/99999999-2b6d-4e8f-9a10-5c3d2e1f0a9b"
)

// startForgeStack starts Remit with Forge switched on, its JWKS served by
// the simulator; both run on the stack's one clock.
func startForgeStack(t *testing.T, opts apptest.Options) *apptest.Stack {
	t.Helper()
	opts.Forge = true
	return apptest.Start(t, opts)
}

// forgeSite is Remit installed on a simulator site through Forge.
type forgeSite struct {
	stack *apptest.Stack
	site  *jirasim.Site
	inst  jirasim.ForgeInstallation
	user  string
}

// lastMonth is the calendar month before the stack's today, in UTC: the
// period the Forge tests bill, so an invoice issued today is not yet due.
func lastMonth(s *apptest.Stack) (first, last time.Time) {
	now := s.Now().UTC()
	first = time.Date(now.Year(), now.Month()-1, 1, 0, 0, 0, 0, time.UTC)
	return first, first.AddDate(0, 1, -1)
}

// forgeSeed logs 2.5 hours of alice's work in the month before the stack's
// today.
func forgeSeed(s *apptest.Stack) jirasim.SeedData {
	first, _ := lastMonth(s)
	start := first.AddDate(0, 0, 19).Add(10 * time.Hour)
	return jirasim.SeedData{
		Users:    []jirasim.User{{AccountID: "alice", DisplayName: "Alice"}},
		Projects: []jirasim.ProjectSpec{{Key: "ACME", Name: "Acme"}, {Key: "BILL", Name: "Billing", WorkflowName: "invoice"}},
		Issues:   []jirasim.IssueSpec{{Project: "ACME", Summary: "Build it"}, {Project: "ACME", Summary: "Fix it"}},
		Worklogs: []jirasim.WorklogSpec{
			{Issue: "ACME-1", Author: "alice", Started: start, TimeSpentSeconds: 3600},
			{Issue: "ACME-2", Author: "alice", Started: start.Add(48 * time.Hour), TimeSpentSeconds: 5400},
		},
	}
}

// forgeSiteOf adds a simulator site seeded with forgeSeed, whose admin
// administers it; nothing is installed yet.
func forgeSiteOf(t *testing.T, s *apptest.Stack, name string) *jirasim.Site {
	t.Helper()
	site := s.Sim.AddSite(name)
	if _, err := site.Seed(forgeSeed(s)); err != nil {
		t.Fatal(err)
	}
	must(t, site.MakeSiteAdmin(admin))
	return site
}

// call invokes Remit's API through the Forge route, as invokeRemote does:
// the page's path is below the UI endpoint's route.
func (f *forgeSite) call(t *testing.T, method, path string, body any, out any) int {
	t.Helper()
	var raw []byte
	if body != nil {
		raw, _ = json.Marshal(body)
	}
	resp, err := f.site.InvokeRemote(context.Background(), f.inst.ID, f.user, method, "/v1"+path, raw)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode/100 == 2 {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, data)
		}
	}
	if resp.StatusCode/100 != 2 {
		t.Logf("%s %s: %d %s", method, path, resp.StatusCode, data)
	}
	return resp.StatusCode
}

// eventually polls cond for up to 15 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	waitFor(t, ctx, what, cond)
}

// invoiceIssue finds the invoice issue in the simulated Jira.
func invoiceIssue(site *jirasim.Site, number string) (jirasim.IssueView, bool) {
	for _, is := range site.Issues() {
		var p struct{ Number string }
		if is.Project == "BILL" && json.Unmarshal(is.Properties["remit-invoice"], &p) == nil && p.Number == number {
			return is, true
		}
	}
	return jirasim.IssueView{}, false
}

// configureAndInvoice saves settings and a customer and bills last month's
// work in an invoice issued today, due in 30 days.
func configureAndInvoice(t *testing.T, s *apptest.Stack, call func(method, path string, body, out any) int) invoiceResp {
	t.Helper()
	if code := call("PUT", "/settings", map[string]any{"billingProjectKey": "BILL", "timezone": "UTC", "currency": "USD"}, nil); code != 200 {
		t.Fatalf("settings: %d", code)
	}
	var c struct{ ID int64 }
	if code := call("POST", "/customers", map[string]any{"name": "Acme", "jql": "project = ACME", "currency": "USD", "hourlyRate": "100.00",
		"rateOverrides": map[string]any{"accounts": map[string]string{"alice": "120.00"}}}, &c); code != 201 {
		t.Fatalf("customer: %d", code)
	}
	var inv invoiceResp
	first, last := lastMonth(s)
	if code := call("POST", "/invoices", map[string]any{"customerId": c.ID, "periodStart": first.Format(time.DateOnly), "periodEnd": last.Format(time.DateOnly),
		"issueDate": s.Now().UTC().Format(time.DateOnly)}, &inv); code != 201 {
		t.Fatalf("invoice: %d", code)
	}
	if inv.Total != "300.00" { // 2.5 h at alice's 120.00
		t.Fatalf("invoice total %s, want 300.00", inv.Total)
	}
	return inv
}

// TestForgeOnlyInstallEndToEnd: a site installs Remit through Forge only
// (no Connect lifecycle at all); settings, a customer and an invoice are
// made through the invokeRemote route, the invoice issue is created in
// Jira with the Forge system token, the issue panel's data is served
// through the Forge route, a product event records a payment, and the
// scheduled trigger reaches the follow-up hook authenticated.
func TestForgeOnlyInstallEndToEnd(t *testing.T) {
	t.Parallel()
	s := startForgeStack(t, apptest.Options{})
	ctx := context.Background()
	site := forgeSiteOf(t, s, "forgeonly")
	inst, err := site.InstallForgeApp(ctx, jirasim.ForgeApp{ID: forgeAppID, ConnectKey: appKey, RemoteURL: s.URL})
	if err != nil {
		t.Fatal(err)
	}
	var clientKey, installation string
	must(t, s.Pool.QueryRow(ctx, `SELECT client_key, installation_id FROM tenants WHERE cloud_id = $1`, site.CloudID()).Scan(&clientKey, &installation))
	if clientKey != "forge:"+site.CloudID() || installation != inst.ID {
		t.Fatalf("tenant %s / %s, want forge:<cloudId> / %s", clientKey, installation, inst.ID)
	}
	if n := count(t, s, `SELECT count(*) FROM forge_tokens WHERE client_key = $1`, clientKey); n != 1 {
		t.Fatal("the install's system token was not kept")
	}

	f := &forgeSite{stack: s, site: site, inst: inst, user: admin}
	call := func(method, path string, body, out any) int { return f.call(t, method, path, body, out) }
	inv := configureAndInvoice(t, s, call)

	// The invoice issue is created in Jira over the bearer transport.
	var issueKey string
	eventually(t, "the invoice issue", func() bool {
		is, ok := invoiceIssue(site, inv.Number)
		issueKey = is.Key
		return ok && is.Status == "Sent"
	})
	forgeCalls := 0
	for _, r := range site.Requests() {
		if strings.Contains(r.Endpoint, "/issue") {
			forgeCalls++
		}
	}
	if forgeCalls == 0 {
		t.Fatal("no Jira call reached the site")
	}

	// The panel's data, as the Forge issue context calls it.
	var panel invoiceResp
	if code := call("GET", "/invoices/by-issue/"+issueKey, nil, &panel); code != 200 || panel.ID != inv.ID || panel.Total != "300.00" {
		t.Fatalf("panel: %d %+v", code, panel)
	}

	// The PDF through invokeRemote, which carries text only: base64 in JSON.
	var pdf struct{ FileName, ContentType, Base64 string }
	if code := call("GET", fmt.Sprintf("/invoices/%d/pdf?encoding=base64", inv.ID), nil, &pdf); code != 200 {
		t.Fatalf("pdf: %d", code)
	}
	raw, err := base64.StdEncoding.DecodeString(pdf.Base64)
	if err != nil || pdf.ContentType != "application/pdf" || pdf.FileName != inv.Number+".pdf" || !bytes.HasPrefix(raw, []byte("%PDF-")) ||
		!strings.Contains(pdfText(t, raw), inv.Number) {
		t.Fatalf("pdf %s %s, %d bytes (%v)", pdf.FileName, pdf.ContentType, len(raw), err)
	}
	if code := call("GET", fmt.Sprintf("/invoices/%d/pdf?encoding=hex", inv.ID), nil, nil); code != 400 {
		t.Fatalf("pdf with an unknown encoding: %d", code)
	}

	// A product event (someone moves the issue to Paid in Jira) arrives
	// at /forge/events and records the payment, exactly as a webhook would.
	is, _ := invoiceIssue(site, inv.Number)
	status, err := site.SendForgeEvent(ctx, inst.ID, "avi:jira:updated:issue", map[string]any{
		"atlassianId": admin, "timestamp": s.Now().UnixMilli(),
		"issue":     map[string]any{"id": is.ID, "key": is.Key},
		"changelog": map[string]any{"items": []any{map[string]any{"field": "status", "fromString": "Sent", "toString": "Paid"}}},
	})
	if err != nil || status != http.StatusNoContent {
		t.Fatalf("event: %d %v", status, err)
	}
	eventually(t, "the payment from the Forge event", func() bool {
		var got invoiceResp
		return call("GET", fmt.Sprintf("/invoices/%d", inv.ID), nil, &got) == 200 && got.Status == "paid"
	})

	// The scheduled trigger arrives authenticated and runs the hook for
	// this tenant.
	var mu sync.Mutex
	var beats []remit.Tenant
	s.App.SetHeartbeat(func(ctx context.Context, t remit.Tenant) error {
		mu.Lock()
		defer mu.Unlock()
		beats = append(beats, t)
		return nil
	})
	if status, err := site.FireScheduledTrigger(ctx, inst.ID); err != nil || status != http.StatusNoContent {
		t.Fatalf("scheduled trigger: %d %v", status, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(beats) != 1 || beats[0].ClientKey != clientKey {
		t.Fatalf("heartbeat ran for %+v, want once for %s", beats, clientKey)
	}
}

// TestConnectTenantMigratesToForge: a Connect tenant with an invoice
// adopts Forge on the same site; the Forge installation attaches to it
// (its cloudId confirmed by the site) and the invoice is there through
// both the Connect and the Forge routes.
func TestConnectTenantMigratesToForge(t *testing.T) {
	t.Parallel()
	s := startForgeStack(t, apptest.Options{})
	ctx := context.Background()
	cs := s.InstallSite(t, "migrating", forgeSeed(s), admin)
	connectCall := func(method, path string, body, out any) int { return cs.API(t, method, path, body, out).StatusCode }
	inv := configureAndInvoice(t, s, connectCall)
	eventually(t, "the invoice issue", func() bool { _, ok := invoiceIssue(cs.Site, inv.Number); return ok })

	inst, err := cs.Site.InstallForgeApp(ctx, jirasim.ForgeApp{ID: forgeAppID, ConnectKey: appKey, RemoteURL: s.URL})
	if err != nil {
		t.Fatal(err)
	}
	if n := count(t, s, `SELECT count(*) FROM tenants`); n != 1 {
		t.Fatalf("%d tenants after adopting Forge, want the one Connect tenant", n)
	}
	var ck, cloud, installation string
	must(t, s.Pool.QueryRow(ctx, `SELECT client_key, cloud_id, installation_id FROM tenants`).Scan(&ck, &cloud, &installation))
	if ck != cs.Inst.ClientKey || cloud != cs.Site.CloudID() || installation != inst.ID {
		t.Fatalf("tenant %s cloud %s installation %s", ck, cloud, installation)
	}
	f := &forgeSite{stack: s, site: cs.Site, inst: inst, user: admin}
	var list struct{ Items []invoiceResp }
	if code := f.call(t, "GET", "/invoices", nil, &list); code != 200 || len(list.Items) != 1 || list.Items[0].Number != inv.Number {
		t.Fatalf("Forge list: %d %+v", code, list)
	}
	if code := connectCall("GET", fmt.Sprintf("/invoices/%d", inv.ID), nil, nil); code != 200 {
		t.Fatalf("Connect route after migration: %d", code)
	}
	// A second Forge install event (upgrade) changes nothing.
	if n := count(t, s, `SELECT count(*) FROM invoices WHERE client_key = $1`, ck); n != 1 {
		t.Fatalf("%d invoices", n)
	}
}

// TestConnectLifecycleCarriesForgeInstallation: a Connect app that has
// adopted Forge and kept its Connect lifecycle module is installed; the
// signed Connect installed callback carries the Forge installationId and
// no Forge install trigger comes. Forge invocations then find the tenant
// by that id alone (the tenant has no cloudId to match by), and the data
// made through Forge is the Connect tenant's.
func TestConnectLifecycleCarriesForgeInstallation(t *testing.T) {
	t.Parallel()
	s := startForgeStack(t, apptest.Options{})
	ctx := context.Background()
	site := forgeSiteOf(t, s, "option1")
	cinst, finst, err := site.InstallConnectOnForge(ctx, jirasim.ForgeApp{ID: forgeAppID, ConnectKey: appKey, RemoteURL: s.URL})
	if err != nil {
		t.Fatal(err)
	}
	tenant := func() (ck, installation string, cloud *string) {
		t.Helper()
		if n := count(t, s, `SELECT count(*) FROM tenants`); n != 1 {
			t.Fatalf("%d tenants, want the one Connect tenant", n)
		}
		must(t, s.Pool.QueryRow(ctx, `SELECT client_key, installation_id, cloud_id FROM tenants`).Scan(&ck, &installation, &cloud))
		return ck, installation, cloud
	}
	if ck, installation, cloud := tenant(); ck != cinst.ClientKey || installation != finst.ID || cloud != nil {
		t.Fatalf("tenant %s, installation %s, cloud %v; want %s, %s and no cloudId", ck, installation, cloud, cinst.ClientKey, finst.ID)
	}

	// Settings, a customer and an invoice through invokeRemote.
	f := &forgeSite{stack: s, site: site, inst: finst, user: admin}
	inv := configureAndInvoice(t, s, func(method, path string, body, out any) int { return f.call(t, method, path, body, out) })
	eventually(t, "the invoice issue", func() bool { _, ok := invoiceIssue(site, inv.Number); return ok })
	// The Connect side sees the same invoice, and no second tenant appeared.
	cs := &apptest.Site{Stack: s, Site: site, Inst: cinst, AccountID: admin}
	var got invoiceResp
	if r := cs.API(t, "GET", fmt.Sprintf("/invoices/%d", inv.ID), nil, &got); r.StatusCode != 200 || got.Number != inv.Number {
		t.Fatalf("Connect route: %d %+v", r.StatusCode, got)
	}
	if ck, _, _ := tenant(); ck != cinst.ClientKey {
		t.Fatalf("tenant %s", ck)
	}
	if n := count(t, s, `SELECT count(*) FROM invoices WHERE client_key = $1`, cinst.ClientKey); n != 1 {
		t.Fatalf("%d invoices on the Connect tenant", n)
	}
}

// TestForgeSecurityMatrix sends Remit's Forge routes, over HTTP, tokens
// and calls that must all be refused, and checks nothing was written.
func TestForgeSecurityMatrix(t *testing.T) {
	t.Parallel()
	s := startForgeStack(t, apptest.Options{})
	ctx := context.Background()
	site := forgeSiteOf(t, s, "secure")
	inst, err := site.InstallForgeApp(ctx, jirasim.ForgeApp{ID: forgeAppID, ConnectKey: appKey, RemoteURL: s.URL})
	if err != nil {
		t.Fatal(err)
	}
	// A reinstall gives the site a new installation; the one before it,
	// uninstalled, must no longer open the door.
	gone := inst
	must(t, site.UninstallForgeApp(ctx, gone.ID))
	inst, err = site.InstallForgeApp(ctx, jirasim.ForgeApp{ID: forgeAppID, ConnectKey: appKey, RemoteURL: s.URL})
	if err != nil {
		t.Fatal(err)
	}
	other := s.Sim.AddSite("other")
	otherInst, err := other.InstallForgeApp(ctx, jirasim.ForgeApp{ID: forgeAppID, ConnectKey: appKey, RemoteURL: s.URL})
	if err != nil {
		t.Fatal(err)
	}
	// An installation, on a site, that Remit has never seen. (A new id for
	// a site Remit knows is that site's installation moving: it is
	// followed, see TestForgeFollowsInstallationIDChange.)
	unknown := inst
	unknown.ID = "ari:cloud:ecosystem::installation/never-installed"
	unknown.CloudID = "cloud-never-installed"

	rogue, _ := rsa.GenerateKey(rand.Reader, 2048)
	valid := func() jwt.MapClaims { return s.Sim.FITClaims(inst, admin) }
	with := func(mut func(c jwt.MapClaims)) string { c := valid(); mut(c); return s.Sim.SignFIT(c) }
	app := func(c jwt.MapClaims) map[string]any { return c["app"].(map[string]any) }
	hs256 := func(key []byte) string {
		tok := jwt.NewWithClaims(jwt.SigningMethodHS256, valid())
		tok.Header["kid"] = "forge-x"
		out, _ := tok.SignedString(key)
		return out
	}
	der, _ := x509.MarshalPKIXPublicKey(&rogue.PublicKey)
	pemText := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	none := func() string {
		tok := jwt.NewWithClaims(jwt.SigningMethodNone, valid())
		out, _ := tok.SignedString(jwt.UnsafeAllowNoneSignatureType)
		return out
	}
	tampered := func() string {
		parts := strings.Split(s.Sim.SignFIT(valid()), ".")
		c := valid()
		c["principal"] = "557058:intruder"
		b, _ := json.Marshal(c)
		parts[1] = strings.TrimRight(b64(b), "=")
		return strings.Join(parts, ".")
	}
	sys := inst.SystemToken
	trigger := func(route string) string { return s.Sim.SignFIT(s.Sim.TriggerFITClaims(inst, route)) }
	withUser := func(c jwt.MapClaims) jwt.MapClaims { c["principal"] = admin; return c }
	paid := `{"eventType":"avi:jira:updated:issue","issue":{"id":"1","key":"BILL-1"},` +
		`"changelog":{"items":[{"field":"status","fromString":"Sent","toString":"Paid"}]}}`
	uninstall := `{"eventType":"avi:forge:uninstalled:app","id":"` + inst.ID + `"}`

	type attempt struct {
		path, auth, system string
		body               string
		want               int
	}
	api := forge.RouteAPI + "/v1/settings"
	putSettings := `{"billingProjectKey":"BILL","timezone":"UTC","currency":"USD"}`
	cases := map[string]attempt{
		"no token":                          {api, "", sys, putSettings, 401},
		"Connect JWT scheme":                {api, "JWT " + s.Sim.SignFIT(valid()), sys, putSettings, 401},
		"wrong iss":                         {api, "Bearer " + with(func(c jwt.MapClaims) { c["iss"] = "forge/other" }), sys, putSettings, 401},
		"wrong aud":                         {api, "Bearer " + with(func(c jwt.MapClaims) { c["aud"] = "ari:cloud:ecosystem::app/evil" }), sys, putSettings, 401},
		"token of app X for app Y":          {api, "Bearer " + with(func(c jwt.MapClaims) { c["aud"] = otherAppID; app(c)["id"] = otherAppID }), sys, putSettings, 401},
		"expired":                           {api, "Bearer " + with(func(c jwt.MapClaims) { c["exp"] = s.Now().Add(-time.Minute).Unix() }), sys, putSettings, 401},
		"nbf in the future":                 {api, "Bearer " + with(func(c jwt.MapClaims) { c["nbf"] = s.Now().Add(10 * time.Minute).Unix() }), sys, putSettings, 401},
		"unknown kid the JWKS lacks":        {api, "Bearer " + s.Sim.SignFITWith(valid(), "forge-rogue", rogue), sys, putSettings, 401},
		"known kid, another key":            {api, "Bearer " + s.Sim.SignFITWith(valid(), currentKID(t, s), rogue), sys, putSettings, 401},
		"HS256 keyed with a public key PEM": {api, "Bearer " + hs256(pemText), sys, putSettings, 401},
		"alg none":                          {api, "Bearer " + none(), sys, putSettings, 401},
		"payload tampered":                  {api, "Bearer " + tampered(), sys, putSettings, 401},
		"missing system token":              {api, "Bearer " + s.Sim.SignFIT(valid()), "", putSettings, 401},
		"installation Remit does not know":  {api, "Bearer " + s.Sim.SignFIT(s.Sim.FITClaims(unknown, admin)), sys, putSettings, 401},
		"uninstalled installation":          {api, "Bearer " + s.Sim.SignFIT(s.Sim.FITClaims(gone, admin)), sys, putSettings, 401},
		"UI call without a user":            {api, "Bearer " + s.Sim.SignFIT(s.Sim.FITClaims(inst, "")), sys, putSettings, 401},
		"lifecycle for another installation": {forge.RouteLifecycle, "Bearer " + trigger(forge.RouteLifecycle), sys,
			`{"eventType":"avi:forge:installed:app","id":"` + otherInst.ID + `"}`, 401},
		"event without token":  {forge.RouteEvents, "", sys, `{"eventType":"avi:jira:updated:issue"}`, 401},
		"scheduled, wrong aud": {forge.RouteScheduled, "Bearer " + with(func(c jwt.MapClaims) { c["aud"] = otherAppID }), sys, `{}`, 401},
		"unsupported event":    {forge.RouteEvents, "Bearer " + trigger(forge.RouteEvents), sys, `{"eventType":"avi:jira:created:comment"}`, 400},

		// Principal and module confusion: each token is one Forge mints,
		// delivered where Forge would not send it.
		"user token of the UI, Paid event":      {forge.RouteEvents, "Bearer " + s.Sim.SignFIT(valid()), sys, paid, 401},
		"user token of the UI, uninstall":       {forge.RouteLifecycle, "Bearer " + s.Sim.SignFIT(valid()), sys, uninstall, 401},
		"user token of the UI, heartbeat":       {forge.RouteScheduled, "Bearer " + s.Sim.SignFIT(valid()), sys, `{}`, 401},
		"app token of the events, API":          {api, "Bearer " + trigger(forge.RouteEvents), sys, putSettings, 401},
		"app token of the heartbeat, API":       {api, "Bearer " + trigger(forge.RouteScheduled), sys, putSettings, 401},
		"app token of the heartbeat, Paid":      {forge.RouteEvents, "Bearer " + trigger(forge.RouteScheduled), sys, paid, 401},
		"app token of the events, uninstall":    {forge.RouteLifecycle, "Bearer " + trigger(forge.RouteEvents), sys, uninstall, 401},
		"app token of the lifecycle, heartbeat": {forge.RouteScheduled, "Bearer " + trigger(forge.RouteLifecycle), sys, `{}`, 401},
		"events token naming a user":            {forge.RouteEvents, "Bearer " + s.Sim.SignFIT(withUser(s.Sim.TriggerFITClaims(inst, forge.RouteEvents))), sys, paid, 401},
		"token for another app's module":        {forge.RouteEvents, "Bearer " + s.Sim.SignFIT(s.Sim.FITClaimsFor(inst, forge.Module{Key: "remit-sync", Type: forge.ModuleTypeEndpoint}, "")), sys, paid, 401},
	}
	settingsBefore := count(t, s, `SELECT count(*) FROM settings`)
	tenantsBefore := count(t, s, `SELECT count(*) FROM tenants`)
	for name, a := range cases {
		t.Run(name, func(t *testing.T) {
			method := http.MethodPost
			if a.path == api {
				method = http.MethodPut
			}
			h := http.Header{}
			if a.system != "" {
				h.Set(forge.HeaderSystemToken, a.system)
			}
			resp := s.Do(t, method, a.path, a.auth, []byte(a.body), h)
			if resp.StatusCode != a.want {
				t.Fatalf("status %d, want %d", resp.StatusCode, a.want)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
				t.Fatalf("content type %q, want a problem document", ct)
			}
		})
	}
	if len(cases) < 15 {
		t.Fatalf("matrix has %d cases", len(cases))
	}
	if count(t, s, `SELECT count(*) FROM settings`) != settingsBefore || count(t, s, `SELECT count(*) FROM tenants`) != tenantsBefore ||
		count(t, s, `SELECT count(*) FROM webhook_deliveries`) != 0 ||
		count(t, s, `SELECT count(*) FROM tenants WHERE installation_id = $1 AND state = 'installed'`, inst.ID) != 1 {
		t.Fatal("a refused call wrote something")
	}

	// The Jira side: the gateway refuses calls without the system token,
	// with a token of another site, and with an expired token.
	gw := func(cloud, token string) int {
		req, _ := http.NewRequest(http.MethodGet, s.SimURL+"/ex/jira/"+cloud+"/rest/api/3/myself", nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := gw(site.CloudID(), inst.SystemToken); code != 200 {
		t.Fatalf("gateway with the right token: %d", code)
	}
	for name, code := range map[string]int{
		"no system token":      gw(site.CloudID(), ""),
		"another site's token": gw(site.CloudID(), otherInst.SystemToken),
		"uninstalled token":    gw(site.CloudID(), gone.SystemToken),
		"made-up token":        gw(site.CloudID(), "fst-guess"),
	} {
		if code != 401 {
			t.Errorf("gateway, %s: %d, want 401", name, code)
		}
	}
	s.Sim.ExpireForgeTokens()
	if code := gw(site.CloudID(), inst.SystemToken); code != 401 {
		t.Errorf("gateway, expired token: %d, want 401", code)
	}
}

// currentKID is the kid the simulator signs FITs with now.
func currentKID(t *testing.T, s *apptest.Stack) string {
	t.Helper()
	tok := s.Sim.SignFIT(jwt.MapClaims{})
	var h struct{ Kid string }
	head, _, _ := strings.Cut(tok, ".")
	b, err := b64d(head)
	if err != nil || json.Unmarshal(b, &h) != nil {
		t.Fatal("cannot read FIT header")
	}
	return h.Kid
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func b64(b []byte) string           { return base64.RawURLEncoding.EncodeToString(b) }
func b64d(s string) ([]byte, error) { return base64.RawURLEncoding.DecodeString(s) }

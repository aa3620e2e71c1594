package forge

import (
	"reflect"
	"testing"

	"github.com/remitapp/remit/internal/remit"
)

// TestEndpointsFollowTheManifest: each route Remit serves is one endpoint
// of the manifest, with the modules that invoke it there.
func TestEndpointsFollowTheManifest(t *testing.T) {
	got := map[string][]string{}
	ui := map[string]bool{}
	for _, ep := range Endpoints() {
		for _, m := range ep.Modules {
			got[ep.Route] = append(got[ep.Route], m.Key)
		}
		ui[ep.Route] = ep.UI
	}
	want := map[string][]string{
		RouteAPI:       {"remit-issue-context", "remit-invoices", "remit-admin", "remit-get-started"},
		RouteEvents:    {productEventsKey},
		RouteLifecycle: {lifecycleEventsKey},
		RouteScheduled: {"remit-followup-heartbeat"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("endpoint modules %v, want %v", got, want)
	}
	if !ui[RouteAPI] || ui[RouteEvents] || ui[RouteLifecycle] || ui[RouteScheduled] {
		t.Fatalf("UI endpoints %v, want only %s", ui, RouteAPI)
	}
	if _, err := EndpointFor("/forge/elsewhere"); err == nil {
		t.Fatal("a route no endpoint has was found")
	}
}

// TestAdmitConfinesTokensToTheirEndpoint is the module and principal half
// of the Forge security matrix: a token as Forge mints it for one module
// is admitted by that module's endpoint and refused by every other, and
// a token whose user does not fit the endpoint is refused.
func TestAdmitConfinesTokensToTheirEndpoint(t *testing.T) {
	endpoint := func(route string) Endpoint {
		ep, err := EndpointFor(route)
		if err != nil {
			t.Fatal(err)
		}
		return ep
	}
	user := "557058:user-1"
	ui := func(key, typ string) Invocation { return Invocation{ModuleKey: key, ModuleType: typ, Principal: user} }
	trigger := func(key string) Invocation { return Invocation{ModuleKey: key, ModuleType: ModuleTypeEndpoint} }
	issuePanel := ui("remit-issue-context", "jira:issueContext")
	// Each token is admitted at its own route only.
	own := map[string][]Invocation{
		RouteAPI: {issuePanel, ui("remit-admin", "jira:adminPage"), ui("remit-invoices", "jira:projectPage"),
			ui(endpointUI, "jira:issueContext")},
		RouteEvents:    {trigger(endpointEvents), trigger(productEventsKey)},
		RouteLifecycle: {trigger(endpointLifecycle), trigger(lifecycleEventsKey)},
		RouteScheduled: {trigger(endpointScheduled), trigger("remit-followup-heartbeat")},
	}
	routes := []string{RouteAPI, RouteEvents, RouteLifecycle, RouteScheduled}
	for _, route := range routes {
		for tokenRoute, invs := range own {
			for _, inv := range invs {
				err := endpoint(route).Admit(inv)
				if route == tokenRoute && err != nil {
					t.Errorf("%s refused its own module %s: %v", route, inv.ModuleKey, err)
				}
				if route != tokenRoute && !remit.IsKind(err, remit.Unauthorized) {
					t.Errorf("%s admitted a token of %s (%s): %v", route, inv.ModuleKey, tokenRoute, err)
				}
			}
		}
	}
	with := func(inv Invocation, mut func(*Invocation)) Invocation { mut(&inv); return inv }
	refused := map[string]struct {
		route string
		inv   Invocation
	}{
		"UI token without a user":              {RouteAPI, with(issuePanel, func(i *Invocation) { i.Principal = "" })},
		"app token of the UI endpoint's key":   {RouteAPI, trigger(endpointUI)},
		"user token claiming a trigger module": {RouteEvents, with(issuePanel, func(i *Invocation) { i.ModuleKey = productEventsKey })},
		"trigger token with a user":            {RouteEvents, with(trigger(productEventsKey), func(i *Invocation) { i.Principal = user })},
		"trigger key with a UI module type":    {RouteLifecycle, with(trigger(lifecycleEventsKey), func(i *Invocation) { i.ModuleType = "jira:issueContext" })},
		"no module":                            {RouteScheduled, Invocation{}},
		"module key but no type":               {RouteScheduled, with(trigger(endpointScheduled), func(i *Invocation) { i.ModuleType = "" })},
		"a module of no endpoint":              {RouteAPI, ui("remit-elsewhere", "jira:issueContext")},
	}
	for name, c := range refused {
		if err := endpoint(c.route).Admit(c.inv); !remit.IsKind(err, remit.Unauthorized) {
			t.Errorf("%s at %s: %v, want Unauthorized", name, c.route, err)
		}
	}
}

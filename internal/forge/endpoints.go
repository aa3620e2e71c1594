package forge

import (
	"fmt"
	"slices"
	"sync"
)

// ModuleTypeEndpoint is app.module.type in the FIT of an invocation that
// no UI module made: a product event, a lifecycle event or a scheduled
// trigger. A Custom UI invokeRemote names its own module's type instead
// (Atlassian's Forge Remote contract, "The Forge Invocation Token").
const ModuleTypeEndpoint = "core:endpoint"

// Module is a manifest module whose invocations reach Remit's remote.
type Module struct {
	Key  string
	Type string // the manifest's module type: jira:issueContext, trigger, …
}

// Endpoint is one endpoint module of the manifest: the route on Remit's
// remote where Forge delivers invocations, and the modules that make them.
// Forge mints each invocation's token for the module that caused it, so an
// endpoint admits only tokens of its own modules: a user's token from the
// issue panel cannot post a product event, and an app token for the
// scheduled trigger cannot uninstall the app.
type Endpoint struct {
	Key string
	// Route is the endpoint's route.path: the path of a trigger endpoint,
	// or, for the UI endpoint, the prefix Forge puts before every
	// invokeRemote path.
	Route string
	// UI is true for the endpoint Custom UI pages call through
	// invokeRemote, on behalf of the signed-in user; the others receive
	// triggers, which run as the app with no user.
	UI      bool
	Modules []Module
}

// endpoints reads the endpoint modules, and the modules naming each, from
// the manifest the generator writes, so what Remit admits cannot drift
// from what it declares.
var endpoints = sync.OnceValue(func() []Endpoint {
	tree := manifestTree(placeholderAppID, DefaultManifestAppKey, DefaultManifestBaseURL, newOmap())
	modules, _ := getMap(tree, "modules")
	var out []Endpoint
	for _, item := range getList(modules, "endpoint") {
		em := item.(*omap)
		ep := Endpoint{Key: em.vals["key"].(string)}
		if route, ok := getMap(em, "route"); ok {
			ep.Route, _ = route.vals["path"].(string)
		}
		for _, typ := range modules.keys {
			for _, m := range getList(modules, typ) {
				mm, _ := m.(*omap)
				key, _ := mm.vals["key"].(string)
				if e, _ := mm.vals["endpoint"].(string); e == ep.Key {
					ep.Modules = append(ep.Modules, Module{Key: key, Type: typ})
				}
				if res, ok := getMap(mm, "resolver"); ok && res.vals["endpoint"] == ep.Key {
					ep.Modules = append(ep.Modules, Module{Key: key, Type: typ})
					ep.UI = true
				}
			}
		}
		out = append(out, ep)
	}
	return out
})

// Endpoints lists the manifest's endpoint modules.
func Endpoints() []Endpoint { return slices.Clone(endpoints()) }

// EndpointFor returns the endpoint whose route is route; the HTTP edge
// serves each route with the admission rule of its endpoint.
func EndpointFor(route string) (Endpoint, error) {
	for _, ep := range endpoints() {
		if ep.Route == route {
			return ep, nil
		}
	}
	return Endpoint{}, fmt.Errorf("forge: no endpoint has route %q", route)
}

// Admit checks that inv is an invocation this endpoint receives: its
// token names one of the endpoint's modules (or the endpoint itself, as
// Atlassian describes app.module.key), and it carries a user exactly when
// the endpoint is the UI's. A trigger's token is of type core:endpoint
// and has no principal; a UI call's token names its UI module and the
// user. Every refusal is a remit.Unauthorized.
func (e Endpoint) Admit(inv Invocation) error {
	const op = "forge.Admit"
	if inv.ModuleKey == "" || inv.ModuleType == "" {
		return refuse(op, "token names no module")
	}
	if inv.ModuleKey != e.Key && !slices.ContainsFunc(e.Modules, func(m Module) bool { return m.Key == inv.ModuleKey }) {
		return refuse(op, "token is for another module")
	}
	if e.UI {
		switch {
		case inv.ModuleType == ModuleTypeEndpoint:
			return refuse(op, "token is not from a UI module")
		case inv.Principal == "":
			return refuse(op, "invocation has no user")
		}
		return nil
	}
	switch {
	case inv.ModuleType != ModuleTypeEndpoint:
		return refuse(op, "token is not from a trigger")
	case inv.Principal != "":
		return refuse(op, "a trigger runs with no user")
	}
	return nil
}

package jirasim

import (
	"net/http"
	"slices"
	"sort"
	"time"
)

// What a host program needs to serve pages of its own beside the
// simulated sites, as Jira serves its own pages beside the REST API (the
// demo host is one): a route on the simulator's server, its clock, and
// read access to the apps, users and grants of a site. None of it is part
// of Jira's REST API.

// Handle serves h for pattern (a net/http.ServeMux pattern) on the
// simulator's server. The route sits behind the same edge as the
// simulator's own: below /jira/<site>/ it is rate limited, subject to
// fault rules and recorded in the site's request log. It may be called
// while the server runs; a pattern that conflicts with an existing route
// panics, as ServeMux.Handle does.
func (s *Sim) Handle(pattern string, h http.Handler) { s.mux.Handle(pattern, h) }

// Now is the time on the simulator's clock, the one its tokens and
// timestamps use, so that pages it hosts sign with the same time.
func (s *Sim) Now() time.Time { return s.now() }

// EnabledApps returns the site's installed and enabled apps in app key
// order: the apps whose modules Jira renders in its pages and for which it
// mints context tokens. A Forge app's installation has no Descriptor.
func (st *Site) EnabledApps() []Installation {
	st.mu.Lock()
	defer st.mu.Unlock()
	var out []Installation
	for _, inst := range st.installs {
		if inst.installed && inst.enabled {
			out = append(out, inst.Installation)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].AppKey < out[j].AppKey })
	return out
}

// User returns the site's user with that account id (a person or an
// installed app's user).
func (st *Site) User(accountID string) (User, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	u, ok := st.users[accountID]
	if !ok {
		return User{}, false
	}
	return *u, true
}

// GlobalAdmins returns, sorted, the account ids granted the global
// ADMINISTER permission: the site's administrators.
func (st *Site) GlobalAdmins() []string {
	st.mu.Lock()
	defer st.mu.Unlock()
	var out []string
	for id, g := range st.grants {
		if g.global["ADMINISTER"] {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// Package jirafake is an in-memory Jira Cloud site for tests of the use
// cases: it implements jira.Site as Jira does for the calls Remit makes
// (issues keyed per project, entity properties, comments with ids,
// labels, a workflow of statuses with categories, permissions per account
// and project, worklogs, the not-found and forbidden answers), and adds
// what tests need: faults injected per method, including "the write
// happened but the answer was lost", and records of every effect so a
// test can assert that something happened exactly once. The HTTP
// simulator (internal/jirasim) stays for the wire contract and the
// end-to-end tests.
package jirafake

import (
	"sync"
	"time"

	"github.com/remitapp/remit/internal/jira"
	"github.com/remitapp/remit/internal/remit"
)

// Sites hands out one fake site per tenant (by clientKey), created empty
// on first use. The zero value is ready; Now stamps worklogs and webhook
// payloads (nil means the zero time, tests set it from their clock).
type Sites struct {
	Now func() time.Time
	// ForFn, when set, answers For instead of the sites, e.g. to refuse a
	// tenant; it sees the tenant after the installed-and-enabled check.
	ForFn func(t remit.Tenant) (jira.Site, error)

	mu    sync.Mutex
	sites map[string]*Site
}

var (
	_ jira.Sites = (*Sites)(nil)
	_ jira.Site  = (*Site)(nil)
)

// For returns the tenant's site. Like *jira.Factory it refuses a tenant
// that is not installed and enabled with a Conflict error.
func (s *Sites) For(t remit.Tenant) (jira.Site, error) {
	if !t.Active() {
		return nil, remit.Errorf(remit.Conflict, "jira.Factory.For", "tenant %s is not installed and enabled", t.ClientKey)
	}
	if s.ForFn != nil {
		return s.ForFn(t)
	}
	return s.Site(t.ClientKey), nil
}

// Site is the site of clientKey, for seeding and assertions.
func (s *Sites) Site(clientKey string) *Site {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.sites[clientKey]; ok {
		return st
	}
	if s.sites == nil {
		s.sites = map[string]*Site{}
	}
	st := NewSite()
	st.now = s.now
	s.sites[clientKey] = st
	return st
}

func (s *Sites) now() time.Time {
	if s.Now == nil {
		return time.Time{}
	}
	return s.Now()
}

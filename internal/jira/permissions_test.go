package jira

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/remit"
)

// permSite serves project lookups and permission checks from a grant
// table: accountId -> granted permissions ("ADMINISTER", or
// "BROWSE_PROJECTS@10000" for a project permission on project id 10000).
type permSite struct {
	*fakeSite
	mu      sync.Mutex
	grants  map[string][]string
	release chan struct{} // when non-nil, checks block until it is closed
}

func newPermSite(t *testing.T, clock *fakeClock, grants map[string][]string) *permSite {
	s := &permSite{fakeSite: newFakeSite(t, clock), grants: grants}
	s.handle("GET /rest/api/3/project/BILL", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"id": "10000", "key": "BILL"})
	})
	s.handle("POST /rest/api/3/permissions/check", s.check)
	return s
}

func (s *permSite) check(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	release := s.release
	s.mu.Unlock()
	if release != nil {
		<-release
	}
	var req bulkPermissionsRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeJSON(w, 400, map[string]any{"errorMessages": []string{err.Error()}})
		return
	}
	s.mu.Lock()
	held := s.grants[req.AccountID]
	s.mu.Unlock()
	var out bulkPermissionGrants
	for _, g := range req.GlobalPermissions {
		if slices.Contains(held, g) {
			out.GlobalPermissions = append(out.GlobalPermissions, g)
		}
	}
	for _, pp := range req.ProjectPermissions {
		for _, perm := range pp.Permissions {
			var ids []int64
			for _, id := range pp.Projects {
				if slices.Contains(held, perm+"@"+itoa(id)) {
					ids = append(ids, id)
				}
			}
			if ids != nil {
				out.ProjectPermissions = append(out.ProjectPermissions, struct {
					Permission string  `json:"permission"`
					Projects   []int64 `json:"projects"`
				}{perm, ids})
			}
		}
	}
	writeJSON(w, 200, out)
}

func itoa(id int64) string { b, _ := json.Marshal(id); return string(b) }

func newPermissions(t *testing.T, grants map[string][]string) (*Permissions, *permSite, *fakeClock, remit.Tenant) {
	t.Helper()
	clock := newClock()
	site := newPermSite(t, clock, grants)
	p := &Permissions{Clients: newFactory(clock), TTL: time.Minute, Now: clock.Now}
	return p, site, clock, testTenant(site.baseURL())
}

func TestPermissionRules(t *testing.T) {
	t.Parallel()
	grants := map[string][]string{
		"site-admin":    {"ADMINISTER"},
		"project-admin": {"ADMINISTER_PROJECTS@10000", "BROWSE_PROJECTS@10000"},
		"reader":        {"BROWSE_PROJECTS@10000"},
		"other-project": {"ADMINISTER_PROJECTS@20000", "BROWSE_PROJECTS@20000"},
	}
	p, _, _, tenant := newPermissions(t, grants)
	ctx := context.Background()
	tests := []struct {
		account                 string
		read, manage, admin     bool
		readMissing, manageMiss bool // on a project that does not exist
	}{
		{account: "site-admin", read: false, manage: true, admin: true, manageMiss: true},
		{account: "project-admin", read: true, manage: true, admin: false},
		{account: "reader", read: true, manage: false, admin: false},
		{account: "other-project", read: false, manage: false, admin: false},
		{account: "nobody", read: false, manage: false, admin: false},
	}
	for _, tc := range tests {
		read, err1 := p.CanRead(ctx, tenant, tc.account, "BILL")
		manage, err2 := p.CanManage(ctx, tenant, tc.account, "BILL")
		admin, err3 := p.CanAdmin(ctx, tenant, tc.account)
		readMissing, err4 := p.CanRead(ctx, tenant, tc.account, "NOPE")
		manageMissing, err5 := p.CanManage(ctx, tenant, tc.account, "NOPE")
		for _, err := range []error{err1, err2, err3, err4, err5} {
			if err != nil {
				t.Fatalf("%s: %v", tc.account, err)
			}
		}
		if read != tc.read || manage != tc.manage || admin != tc.admin || readMissing != tc.readMissing || manageMissing != tc.manageMiss {
			t.Errorf("%s: read %v manage %v admin %v readMissing %v manageMissing %v", tc.account, read, manage, admin, readMissing, manageMissing)
		}
	}
	// Needs are AND: BROWSE and ADMINISTER_PROJECTS together.
	both, err := p.Has(ctx, tenant, "reader", Need{Project: "BILL", Perms: []string{"BROWSE_PROJECTS", "ADMINISTER_PROJECTS"}})
	if err != nil || both {
		t.Errorf("reader has both: %v %v", both, err)
	}
	byID, err := p.Has(ctx, tenant, "reader", Need{Project: "10000", Perms: []string{"BROWSE_PROJECTS"}})
	if err != nil || !byID {
		t.Errorf("by project id: %v %v", byID, err)
	}
}

func TestPermissionsCacheForTTL(t *testing.T) {
	t.Parallel()
	p, site, clock, tenant := newPermissions(t, map[string][]string{"u1": {"BROWSE_PROJECTS@10000"}})
	ctx := context.Background()
	const check = "POST /rest/api/3/permissions/check"
	for range 3 {
		if ok, err := p.CanRead(ctx, tenant, "u1", "BILL"); err != nil || !ok {
			t.Fatalf("CanRead %v %v", ok, err)
		}
	}
	// Has with the same need shares the entry.
	if _, err := p.Has(ctx, tenant, "u1", Need{Project: "BILL", Perms: []string{"BROWSE_PROJECTS"}}); err != nil {
		t.Fatal(err)
	}
	if n := site.count(check); n != 1 {
		t.Errorf("%d checks within TTL, want 1", n)
	}
	clock.Advance(59 * time.Second)
	p.CanRead(ctx, tenant, "u1", "BILL")
	if n := site.count(check); n != 1 {
		t.Errorf("%d checks just before TTL, want 1", n)
	}
	clock.Advance(2 * time.Second)
	if ok, err := p.CanRead(ctx, tenant, "u1", "BILL"); err != nil || !ok {
		t.Fatalf("CanRead %v %v", ok, err)
	}
	if n := site.count(check); n != 2 {
		t.Errorf("%d checks after TTL, want 2", n)
	}
	if n := site.count("GET /rest/api/3/project/BILL"); n != 1 {
		t.Errorf("project id looked up %d times, want 1", n)
	}
	// Another account is another entry.
	p.CanRead(ctx, tenant, "u2", "BILL")
	if n := site.count(check); n != 3 {
		t.Errorf("%d checks after a new account, want 3", n)
	}
}

func TestPermissionsCoalesceConcurrentLookups(t *testing.T) {
	t.Parallel()
	p, site, _, tenant := newPermissions(t, map[string][]string{"u1": {"ADMINISTER"}})
	site.mu.Lock()
	site.release = make(chan struct{})
	site.mu.Unlock()
	const n = 20
	var wg sync.WaitGroup
	results := make(chan bool, n)
	for range n {
		wg.Go(func() {
			ok, err := p.CanAdmin(context.Background(), tenant, "u1")
			if err != nil {
				t.Error(err)
			}
			results <- ok
		})
	}
	time.Sleep(100 * time.Millisecond) // let every caller join the flight
	close(site.release)
	wg.Wait()
	close(results)
	for ok := range results {
		if !ok {
			t.Error("a caller got false")
		}
	}
	if c := site.count("POST /rest/api/3/permissions/check"); c != 1 {
		t.Errorf("%d checks for %d concurrent callers, want 1", c, n)
	}
}

func TestPermissionsWaiterCanGiveUp(t *testing.T) {
	t.Parallel()
	p, site, _, tenant := newPermissions(t, map[string][]string{"u1": {"ADMINISTER"}})
	site.mu.Lock()
	site.release = make(chan struct{})
	site.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := p.CanAdmin(ctx, tenant, "u1"); err != context.DeadlineExceeded {
		t.Fatalf("err %v, want deadline", err)
	}
	close(site.release)
	// The shared lookup finished anyway and is cached.
	deadline := time.Now().Add(5 * time.Second)
	for site.count("POST /rest/api/3/permissions/check") == 0 || p.inflightLen() > 0 {
		if time.Now().After(deadline) {
			t.Fatal("lookup never finished")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if ok, err := p.CanAdmin(context.Background(), tenant, "u1"); err != nil || !ok {
		t.Fatalf("%v %v", ok, err)
	}
	if c := site.count("POST /rest/api/3/permissions/check"); c != 1 {
		t.Errorf("%d checks, want 1", c)
	}
}

func TestPermissionsDoNotCacheErrors(t *testing.T) {
	t.Parallel()
	p, site, _, tenant := newPermissions(t, map[string][]string{"u1": {"ADMINISTER"}})
	var fail atomic.Bool
	fail.Store(true)
	site.handle("POST /rest/api/3/permissions/check", func(w http.ResponseWriter, r *http.Request) {
		if fail.Load() {
			writeJSON(w, 503, map[string]any{"errorMessages": []string{"down"}})
			return
		}
		site.check(w, r)
	})
	if _, err := p.CanAdmin(context.Background(), tenant, "u1"); !remit.IsKind(err, remit.Unavailable) {
		t.Fatalf("err %v, want Unavailable", err)
	}
	fail.Store(false)
	if ok, err := p.CanAdmin(context.Background(), tenant, "u1"); err != nil || !ok {
		t.Fatalf("after recovery: %v %v", ok, err)
	}
}

func TestPermissionsCacheIsBounded(t *testing.T) {
	t.Parallel()
	p, _, _, tenant := newPermissions(t, map[string][]string{})
	p.MaxEntries = 3
	for _, acc := range []string{"a", "b", "c", "d", "e", "f"} {
		if _, err := p.CanAdmin(context.Background(), tenant, acc); err != nil {
			t.Fatal(err)
		}
		if n := p.cacheLen(); n > 3 {
			t.Fatalf("cache holds %d entries", n)
		}
	}
}

func TestPermissionsRejectBadNeeds(t *testing.T) {
	t.Parallel()
	p, _, _, tenant := newPermissions(t, nil)
	if _, err := p.CanAdmin(context.Background(), tenant, ""); !remit.IsKind(err, remit.Unauthorized) {
		t.Errorf("no account: %v", err)
	}
	if _, err := p.Has(context.Background(), tenant, "u", Need{Perms: []string{"BROWSE_PROJECTS"}}); !remit.IsKind(err, remit.Invalid) {
		t.Errorf("no project: %v", err)
	}
}

func (p *Permissions) cacheLen() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.cache)
}

func (p *Permissions) inflightLen() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.inflight)
}

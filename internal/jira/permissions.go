package jira

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/remitapp/remit/internal/remit"
)

// Jira permission keys used by the SPEC's rules.
const (
	PermBrowseProjects     = "BROWSE_PROJECTS"
	PermAdministerProjects = "ADMINISTER_PROJECTS"
	PermAdminister         = "ADMINISTER"
)

// Defaults of Permissions.
const (
	DefaultPermissionTTL = 60 * time.Second
	DefaultPermissionMax = 10000
)

// Need is a set of permissions that must all be held: global ones, and
// project ones on Project (a key or numeric id).
type Need struct {
	Global  []string
	Project string
	Perms   []string
}

// key is a canonical form of the need, independent of the order of
// permissions, so equal needs share a cache entry.
func (n Need) key() string {
	g := slices.Sorted(slices.Values(n.Global))
	p := slices.Sorted(slices.Values(n.Perms))
	return "g=" + strings.Join(g, ",") + "|p=" + n.Project + ":" + strings.Join(p, ",")
}

// Permissions answers "may this user do that?" for every API request
// without asking Jira each time: answers are cached per (tenant, account,
// need) for TTL, identical lookups in flight are coalesced into one Jira
// call, and the cache is bounded. Errors are never cached.
type Permissions struct {
	Clients    Sites
	TTL        time.Duration    // 0 means DefaultPermissionTTL
	Now        func() time.Time // nil means time.Now
	MaxEntries int              // 0 means DefaultPermissionMax

	mu       sync.Mutex
	cache    map[string]permEntry
	inflight map[string]*permCall
}

type permEntry struct {
	res     PermissionResult
	expires time.Time
}

type permCall struct {
	done chan struct{}
	res  PermissionResult
	err  error
}

// Has reports whether accountID holds every permission in need.
func (p *Permissions) Has(ctx context.Context, t remit.Tenant, accountID string, need Need) (bool, error) {
	res, err := p.lookup(ctx, t, accountID, need)
	if err != nil {
		return false, err
	}
	for _, g := range need.Global {
		if !res.HasGlobal(g) {
			return false, nil
		}
	}
	for _, perm := range need.Perms {
		if !res.HasProject(need.Project, perm) {
			return false, nil
		}
	}
	return true, nil
}

// CanRead is the SPEC rule for reading invoices: BROWSE_PROJECTS on the
// billing project.
func (p *Permissions) CanRead(ctx context.Context, t remit.Tenant, accountID, project string) (bool, error) {
	return p.Has(ctx, t, accountID, Need{Project: project, Perms: []string{PermBrowseProjects}})
}

// CanManage is the SPEC rule for generating invoices, recording payments,
// voiding and editing customers: ADMINISTER_PROJECTS on the billing
// project or global ADMINISTER. Both are asked in one Jira call.
func (p *Permissions) CanManage(ctx context.Context, t remit.Tenant, accountID, project string) (bool, error) {
	res, err := p.lookup(ctx, t, accountID, Need{
		Global: []string{PermAdminister}, Project: project, Perms: []string{PermAdministerProjects},
	})
	if err != nil {
		return false, err
	}
	return res.HasGlobal(PermAdminister) || res.HasProject(project, PermAdministerProjects), nil
}

// CanAdmin is the SPEC rule for settings and policy: global ADMINISTER.
func (p *Permissions) CanAdmin(ctx context.Context, t remit.Tenant, accountID string) (bool, error) {
	return p.Has(ctx, t, accountID, Need{Global: []string{PermAdminister}})
}

func (p *Permissions) lookup(ctx context.Context, t remit.Tenant, accountID string, need Need) (PermissionResult, error) {
	if accountID == "" {
		return PermissionResult{}, remit.Errorf(remit.Unauthorized, "jira.Permissions", "no user")
	}
	if len(need.Perms) > 0 && need.Project == "" {
		return PermissionResult{}, remit.Errorf(remit.Invalid, "jira.Permissions", "project permissions need a project")
	}
	key := t.ClientKey + "\x00" + accountID + "\x00" + need.key()
	now := p.now()

	p.mu.Lock()
	if e, ok := p.cache[key]; ok && now.Before(e.expires) {
		p.mu.Unlock()
		return e.res, nil
	}
	call, ok := p.inflight[key]
	if !ok {
		call = &permCall{done: make(chan struct{})}
		if p.inflight == nil {
			p.inflight = make(map[string]*permCall)
		}
		p.inflight[key] = call
		// The shared call must not die with the first caller's request.
		go p.fetch(context.WithoutCancel(ctx), key, t, accountID, need, call)
	}
	p.mu.Unlock()

	select {
	case <-call.done:
		return call.res, call.err
	case <-ctx.Done():
		return PermissionResult{}, ctx.Err()
	}
}

func (p *Permissions) fetch(ctx context.Context, key string, t remit.Tenant, accountID string, need Need, call *permCall) {
	client, err := p.Clients.For(t)
	var res PermissionResult
	if err == nil {
		var projectPerms map[string][]string
		if need.Project != "" && len(need.Perms) > 0 {
			projectPerms = map[string][]string{need.Project: need.Perms}
		}
		res, err = client.CheckPermissions(ctx, accountID, projectPerms, need.Global)
	}
	call.res, call.err = res, err

	p.mu.Lock()
	delete(p.inflight, key)
	if err == nil {
		p.store(key, res, p.now())
	}
	p.mu.Unlock()
	close(call.done)
}

// store adds an entry, first dropping expired ones and then arbitrary
// ones when the cache is full. The caller holds p.mu.
func (p *Permissions) store(key string, res PermissionResult, now time.Time) {
	max := p.MaxEntries
	if max <= 0 {
		max = DefaultPermissionMax
	}
	if p.cache == nil {
		p.cache = make(map[string]permEntry)
	}
	if len(p.cache) >= max {
		for k, e := range p.cache {
			if !now.Before(e.expires) {
				delete(p.cache, k)
			}
		}
		for k := range p.cache {
			if len(p.cache) < max {
				break
			}
			delete(p.cache, k)
		}
	}
	ttl := p.TTL
	if ttl <= 0 {
		ttl = DefaultPermissionTTL
	}
	p.cache[key] = permEntry{res: res, expires: now.Add(ttl)}
}

func (p *Permissions) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

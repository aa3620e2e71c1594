package store

import (
	"sync"
	"time"

	"github.com/remitapp/remit/internal/remit"
)

// tenantCacheSweepAt is the size at which put drops expired entries, so the
// map stays near the number of recently active tenants.
const tenantCacheSweepAt = 4096

// tenantCacheMissingMax bounds the client keys remembered as unknown. Past
// it, once expired entries are gone, they are all forgotten: they only
// spare the database, and a flood of made-up keys must not grow memory.
const tenantCacheMissingMax = 16384

// tenantCache keeps recently read tenants for a short TTL, and for as long
// the client keys found to be no tenant at all, so that a flood of tokens
// naming unknown issuers does not reach the database for each token. A
// nil *tenantCache is valid and caches nothing, so callers need no checks.
type tenantCache struct {
	ttl time.Duration
	now func() time.Time

	mu      sync.Mutex
	entries map[string]cachedTenant
	missing map[string]time.Time // client key → until when it is known unknown
	// gen counts forgets. A reader notes it before querying and put drops
	// its result if a write happened meanwhile, so a read that raced a
	// write cannot re-cache the old row.
	gen uint64
}

type cachedTenant struct {
	tenant  remit.Tenant
	expires time.Time
}

func newTenantCache(ttl time.Duration, now func() time.Time) *tenantCache {
	return &tenantCache{ttl: ttl, now: now, entries: make(map[string]cachedTenant), missing: make(map[string]time.Time)}
}

// unknown reports whether clientKey was recently found to be no tenant.
func (c *tenantCache) unknown(clientKey string) bool {
	if c == nil {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	until, ok := c.missing[clientKey]
	if !ok {
		return false
	}
	if !c.now().Before(until) {
		delete(c.missing, clientKey)
		return false
	}
	return true
}

// putUnknown remembers that clientKey is no tenant, unless a write was
// seen since generation returned gen (the tenant may exist by now).
func (c *tenantCache) putUnknown(clientKey string, gen uint64) {
	if c == nil {
		return
	}
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return
	}
	if len(c.missing) >= tenantCacheMissingMax {
		for k, until := range c.missing {
			if !now.Before(until) {
				delete(c.missing, k)
			}
		}
		if len(c.missing) >= tenantCacheMissingMax {
			clear(c.missing)
		}
	}
	c.missing[clientKey] = now.Add(c.ttl)
}

// get returns a copy of a live entry.
func (c *tenantCache) get(clientKey string) (remit.Tenant, bool) {
	if c == nil {
		return remit.Tenant{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[clientKey]
	if !ok {
		return remit.Tenant{}, false
	}
	if !c.now().Before(e.expires) {
		delete(c.entries, clientKey)
		return remit.Tenant{}, false
	}
	return copyTenant(e.tenant), true
}

// generation returns the value to hand to put after the database read.
func (c *tenantCache) generation() uint64 {
	if c == nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// put stores t unless a write was seen since generation returned gen.
func (c *tenantCache) put(t remit.Tenant, gen uint64) {
	if c == nil {
		return
	}
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return
	}
	if len(c.entries) >= tenantCacheSweepAt {
		for k, e := range c.entries {
			if !now.Before(e.expires) {
				delete(c.entries, k)
			}
		}
	}
	c.entries[t.ClientKey] = cachedTenant{tenant: copyTenant(t), expires: now.Add(c.ttl)}
}

// forget drops an entry after a write so this process never serves a
// stale secret or state it has just changed.
func (c *tenantCache) forget(clientKey string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	delete(c.entries, clientKey)
	delete(c.missing, clientKey)
}

// copyTenant keeps callers from mutating a cached UninstalledAt.
func copyTenant(t remit.Tenant) remit.Tenant {
	if t.UninstalledAt != nil {
		at := *t.UninstalledAt
		t.UninstalledAt = &at
	}
	return t
}

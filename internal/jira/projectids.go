package jira

import (
	"sync"
	"time"
)

// Bounds of the project key → id cache.
const (
	projectIDTTL     = 10 * time.Minute
	maxProjectIDKeys = 10000
)

// projectIDCache remembers project ids by (tenant, key): the permission
// check API takes numeric ids while Remit's settings name projects by key.
// Entries expire so that a project key moved to another project is
// noticed. The zero value is ready; a nil cache stores nothing.
type projectIDCache struct {
	mu sync.Mutex
	m  map[string]projectIDEntry
}

type projectIDEntry struct {
	id      string
	expires time.Time
}

func (c *projectIDCache) get(clientKey, key string, now time.Time) (string, bool) {
	if c == nil {
		return "", false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[clientKey+"\x00"+key]
	if !ok || !now.Before(e.expires) {
		return "", false
	}
	return e.id, true
}

func (c *projectIDCache) put(clientKey, key, id string, now time.Time) {
	if c == nil || key == "" || id == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[string]projectIDEntry)
	}
	if len(c.m) >= maxProjectIDKeys {
		for k, e := range c.m {
			if !now.Before(e.expires) || len(c.m) >= maxProjectIDKeys {
				delete(c.m, k)
			}
		}
	}
	c.m[clientKey+"\x00"+key] = projectIDEntry{id: id, expires: now.Add(projectIDTTL)}
}

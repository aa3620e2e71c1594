package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// TestTenantCacheRemembersUnknownIssuers: a client key that is no tenant is
// answered NotFound from memory for the TTL, so repeated tokens naming it
// do not reach the database; a write through the store ends that at once,
// and the TTL bounds how long another process's install goes unseen.
func TestTenantCacheRemembersUnknownIssuers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, store.Options{TenantCacheTTL: time.Minute})
	// Another process: same database, no cache of its own to invalidate.
	elsewhere := store.New(e.pool, e.box, store.Options{Now: e.clock.Now})

	if _, err := e.db.TenantByClientKey(ctx, "site-late"); !remit.IsKind(err, remit.NotFound) {
		t.Fatalf("unknown key: %v", err)
	}
	install(t, elsewhere, "site-late")
	if _, err := e.db.TenantByClientKey(ctx, "site-late"); !remit.IsKind(err, remit.NotFound) {
		t.Fatalf("within the TTL the unknown key was looked up again: %v", err)
	}
	e.clock.Advance(time.Minute)
	if got, err := e.db.TenantByClientKey(ctx, "site-late"); err != nil || got.ClientKey != "site-late" {
		t.Fatalf("after the TTL: %+v %v", got, err)
	}

	// An install through this store is seen at once.
	if _, err := e.db.TenantByClientKey(ctx, "site-new"); !remit.IsKind(err, remit.NotFound) {
		t.Fatalf("unknown key: %v", err)
	}
	install(t, e.db, "site-new")
	if got, err := e.db.TenantByClientKey(ctx, "site-new"); err != nil || got.ClientKey != "site-new" {
		t.Fatalf("right after the install: %+v %v", got, err)
	}
}

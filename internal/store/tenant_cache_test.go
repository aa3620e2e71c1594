package store

import (
	"fmt"
	"testing"
	"time"
)

// TestTenantCacheBoundsUnknownKeys: a flood of made-up client keys, each
// remembered as unknown, never holds more than tenantCacheMissingMax
// entries however fast it comes.
func TestTenantCacheBoundsUnknownKeys(t *testing.T) {
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	c := newTenantCache(time.Minute, func() time.Time { return now })
	for i := range 3 * tenantCacheMissingMax {
		c.putUnknown(fmt.Sprintf("made-up-%d", i), c.generation())
		if n := len(c.missing); n > tenantCacheMissingMax {
			t.Fatalf("after %d keys the cache holds %d, want at most %d", i+1, n, tenantCacheMissingMax)
		}
	}
	last := fmt.Sprintf("made-up-%d", 3*tenantCacheMissingMax-1)
	if !c.unknown(last) {
		t.Error("the latest unknown key is not remembered")
	}
	now = now.Add(time.Minute)
	if c.unknown(last) {
		t.Error("an unknown key is remembered past the TTL")
	}
}

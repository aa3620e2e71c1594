package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/remitapp/remit/internal/pgtest"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/secretbox"
	"github.com/remitapp/remit/internal/store"
)

// testClock is a settable clock for the store's injected now.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *testClock {
	return &testClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is one test's database, store and clock.
type env struct {
	db    *store.DB
	pool  *pgxpool.Pool
	box   *secretbox.Box
	clock *testClock
}

func newEnv(t *testing.T, opts store.Options) env {
	t.Helper()
	pool := pgtest.NewPool(t)
	box := testBox(t, 0x42)
	clock := newClock()
	opts.Now = clock.Now
	return env{db: store.New(pool, box, opts), pool: pool, box: box, clock: clock}
}

func testBox(t testing.TB, fill byte) *secretbox.Box {
	t.Helper()
	box, err := secretbox.New(bytes.Repeat([]byte{fill}, secretbox.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	return box
}

// tenantFixture is a complete install payload for clientKey.
func tenantFixture(clientKey string) remit.Tenant {
	return remit.Tenant{
		ClientKey:     clientKey,
		AppKey:        "io.remit.jira",
		BaseURL:       "https://" + clientKey + ".atlassian.net",
		DisplayURL:    "https://" + clientKey + ".example.com",
		ProductType:   "jira",
		SharedSecret:  "secret-of-" + clientKey + "-0123456789abcdef",
		OAuthClientID: "oauth-" + clientKey,
	}
}

func install(t testing.TB, db *store.DB, clientKey string) remit.Tenant {
	t.Helper()
	got, err := db.UpsertInstall(context.Background(), tenantFixture(clientKey))
	if err != nil {
		t.Fatalf("UpsertInstall(%s): %v", clientKey, err)
	}
	return got
}

func wantKind(t *testing.T, err error, kind remit.Kind) {
	t.Helper()
	if !remit.IsKind(err, kind) {
		t.Fatalf("err = %v (kind %v), want kind %v", err, remit.KindOf(err), kind)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func count(t *testing.T, pool *pgxpool.Pool, query string, args ...any) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func key(i int) string { return fmt.Sprintf("tenant-%02d", i) }

func asRemitError(err error, target **remit.Error) bool { return errors.As(err, target) }

package app_test

import (
	"context"
	"crypto/rsa"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/apptest"
	"github.com/remitapp/remit/internal/clock"
	"github.com/remitapp/remit/internal/connect"
)

// countingKeys stands in front of a key server and counts the requests
// Remit makes per kid.
type countingKeys struct {
	*httptest.Server
	mu   sync.Mutex
	hits map[string]int
}

func newCountingKeys(t *testing.T, upstream string) *countingKeys {
	t.Helper()
	k := &countingKeys{hits: map[string]int{}}
	k.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		k.mu.Lock()
		k.hits[strings.TrimPrefix(r.URL.Path, "/")]++
		k.mu.Unlock()
		resp, err := http.Get(upstream + r.URL.Path)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		w.WriteHeader(resp.StatusCode)
		_, _ = io.Copy(w, resp.Body)
	}))
	t.Cleanup(k.Close)
	return k
}

func (k *countingKeys) count(kid string) int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.hits[kid]
}

func (k *countingKeys) total() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	n := 0
	for _, h := range k.hits {
		n += h
	}
	return n
}

// installWith posts an installed callback for clientKey on an Atlassian
// site, signed at instant at with key under kid.
func installWith(t *testing.T, s *apptest.Stack, key *rsa.PrivateKey, kid, clientKey string, at time.Time) *http.Response {
	t.Helper()
	tok := apptest.SignRS256(t, key, kid, apptest.LifecycleClaims(s.URL, clientKey, "/lifecycle/installed", at))
	body := apptest.Payload(appKey, clientKey, "secret-of-"+clientKey+"-0123456789abcdef", "https://"+clientKey+".atlassian.net", "installed")
	return s.Post(t, "/lifecycle/installed", "JWT "+tok, body, nil)
}

// TestInstallKidFlood sends installs signed under made-up kids, as anyone
// can: a kid the key server did not know is fetched once, however often
// it comes back, and a flood of new kids costs the key server at most the
// fetch burst. Every one is the generic 401 and stores nothing, and a
// genuine install still works during the flood.
func TestInstallKidFlood(t *testing.T) {
	t.Parallel()
	atl := apptest.NewAtlassian(t)
	keys := newCountingKeys(t, atl.KeysURL)
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	s := apptest.Start(t, apptest.Options{KeysURL: keys.URL, Clock: clock.At(at)})
	attacker := apptest.NewRSAKey(t)

	if r := installWith(t, s, atl.Key, atl.Kid, "site-real", at); r.StatusCode != http.StatusNoContent {
		t.Fatalf("genuine install: %d", r.StatusCode)
	}
	tenants := func() int {
		var n int
		if err := s.Pool.QueryRow(context.Background(), `SELECT count(*) FROM tenants`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := tenants()

	var first []byte
	refused := func(what string, r *http.Response) {
		t.Helper()
		body, _ := io.ReadAll(r.Body)
		if r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("%s: status %d, want 401: %s", what, r.StatusCode, body)
		}
		if first == nil {
			first = body
		} else if string(body) != string(first) {
			t.Errorf("%s is answered %s, not %s", what, body, first)
		}
	}
	for i := range 5 {
		refused("repeated unknown kid", installWith(t, s, attacker, "kid-repeat", fmt.Sprintf("site-r%d", i), at))
	}
	if n := keys.count("kid-repeat"); n != 1 {
		t.Errorf("an unknown kid sent 5 times was fetched %d times, want 1", n)
	}
	const flood = 60
	for i := range flood {
		refused("flood", installWith(t, s, attacker, fmt.Sprintf("kid-flood-%d", i), fmt.Sprintf("site-f%d", i), at))
	}
	fetched := keys.total() - keys.count(atl.Kid) - keys.count("kid-repeat")
	if fetched < 1 || fetched > connect.DefaultKeyFetchBurst {
		t.Errorf("%d installs with new kids made %d key fetches, want 1..%d", flood, fetched, connect.DefaultKeyFetchBurst)
	}
	if n := tenants(); n != before {
		t.Errorf("refused installs stored tenants: %d, want %d", n, before)
	}
	// The trusted key is cached: a genuine install goes through the flood.
	if r := installWith(t, s, atl.Key, atl.Kid, "site-during", at); r.StatusCode != http.StatusNoContent {
		t.Fatalf("genuine install during the flood: %d", r.StatusCode)
	}
	if n := keys.count(atl.Kid); n != 1 {
		t.Errorf("the trusted kid was fetched %d times, want 1", n)
	}
}

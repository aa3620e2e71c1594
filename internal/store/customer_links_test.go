package store_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// TestCustomerLinkLifecycle: an invoice's link is made once and repeated,
// the database holds neither the token nor anything it can be read from
// without the key, a revoked link is still found (to say it was revoked)
// and the next link is a new token.
func TestCustomerLinkLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, store.Options{})
	const a = "tenant-a"
	install(t, e.db, a)
	seedBilling(t, e, a)
	id := idOf(t, e, "invoices", a)

	first, err := e.db.CustomerLink(ctx, nil, a, id)
	must(t, err)
	if len(first) != 43 {
		t.Fatalf("token %q: want 43 characters (256 bits)", first)
	}
	again, err := e.db.CustomerLink(ctx, nil, a, id)
	must(t, err)
	if again != first {
		t.Fatalf("second call made a new token %q, want %q", again, first)
	}
	var hash, sealed []byte
	must(t, e.pool.QueryRow(ctx, `SELECT token_hash, token_sealed FROM customer_links WHERE client_key = $1`, a).Scan(&hash, &sealed))
	if bytes.Contains(sealed, []byte(first)) || bytes.Contains(hash, []byte(first)) || !bytes.Equal(hash, store.CustomerTokenHash(first)) {
		t.Fatal("the database holds the token in clear, or not its hash")
	}
	ref, err := e.db.CustomerLinkByHash(ctx, store.CustomerTokenHash(first))
	must(t, err)
	if ref.ClientKey != a || ref.InvoiceID != id || ref.Revoked {
		t.Fatalf("lookup = %+v", ref)
	}
	_, err = e.db.CustomerLinkByHash(ctx, store.CustomerTokenHash(first+"x"))
	wantKind(t, err, remit.NotFound)

	ok, err := e.db.RevokeCustomerLink(ctx, nil, a, id, "acc-a")
	if err != nil || !ok {
		t.Fatalf("revoke = %v, %v", ok, err)
	}
	if ok, _ := e.db.RevokeCustomerLink(ctx, nil, a, id, "acc-a"); ok {
		t.Fatal("a second revoke found a current link")
	}
	ref, err = e.db.CustomerLinkByHash(ctx, store.CustomerTokenHash(first))
	must(t, err)
	if !ref.Revoked {
		t.Fatal("the revoked link is not marked revoked")
	}
	next, err := e.db.CustomerLink(ctx, nil, a, id)
	must(t, err)
	if next == first {
		t.Fatal("after a revocation the same token came back")
	}
	_, err = e.db.CustomerLink(ctx, nil, a, id+1000)
	wantKind(t, err, remit.NotFound)
}

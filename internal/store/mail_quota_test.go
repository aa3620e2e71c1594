package store_test

import (
	"context"
	"sync"
	"testing"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/store"
)

// mailQuotaIsolationChecks: B spending its quota to the last e-mail
// leaves A's day untouched.
func mailQuotaIsolationChecks(a, b string) map[string]func(t *testing.T, e env) {
	return map[string]func(t *testing.T, e env){
		"TakeMailQuota": func(t *testing.T, e env) {
			ctx := context.Background()
			day := invoice.Date{Year: 2027, Month: 3, Day: 1}
			take := func(ck string) store.MailQuota {
				q, err := e.db.TakeMailQuota(ctx, ck, day, 2)
				must(t, err)
				return q
			}
			if !take(a).Allowed {
				t.Fatal("A's first e-mail refused")
			}
			for i, want := range []bool{true, true, false} {
				if got := take(b).Allowed; got != want {
					t.Fatalf("B's e-mail %d: allowed %v, want %v: B's quota of 2 is not B's own", i+1, got, want)
				}
			}
			if !take(a).Allowed || take(a).Allowed {
				t.Fatal("B's e-mails counted against A")
			}
		},
	}
}

// TestMailQuota: concurrent senders of one tenant get exactly the day's
// limit; the first refusal of the day is reported once; the next day
// starts afresh.
func TestMailQuota(t *testing.T) {
	t.Parallel()
	e := newEnv(t, store.Options{})
	ctx := context.Background()
	install(t, e.db, "tenant-a")
	day := invoice.Date{Year: 2027, Month: 3, Day: 1}
	var mu sync.Mutex
	var allowed, first int
	var wg sync.WaitGroup
	for range 40 {
		wg.Go(func() {
			q, err := e.db.TakeMailQuota(ctx, "tenant-a", day, 25)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if q.Allowed {
				allowed++
			}
			if q.FirstRefusal {
				first++
			}
		})
	}
	wg.Wait()
	if allowed != 25 || first != 1 {
		t.Fatalf("40 concurrent e-mails against a limit of 25: %d allowed, %d first refusals; want 25 and 1", allowed, first)
	}
	if q, err := e.db.TakeMailQuota(ctx, "tenant-a", invoice.Date{Year: 2027, Month: 3, Day: 2}, 25); err != nil || q != (store.MailQuota{Allowed: true}) {
		t.Fatalf("the next day: %+v %v", q, err)
	}
}

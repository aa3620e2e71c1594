package billing_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/billing"
	"github.com/remitapp/remit/internal/invoice"
)

// TestConcurrentCreatesAreGapless creates 50 invoices for 50 customers at
// once; their numbers are exactly INV-2026-0001..0050, whatever order the
// transactions commit in.
func TestConcurrentCreatesAreGapless(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ids := make([]int64, 50)
	for i := range ids {
		issue := b.site.AddIssue("WORK", fmt.Sprintf("work %d", i+1))
		b.site.LogWork(issue, "557058:dev", time.Date(2026, 11, 3, 15, 0, 0, 0, time.UTC), int64(600*(i+1)))
		c, err := b.setup.SaveCustomer(b.ctx, b.admin, invoice.Customer{Name: fmt.Sprintf("Customer %d", i+1),
			JQL: "key = " + issue, Currency: "USD", HourlyRate: decimal.RequireFromString("100")})
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = c.ID
	}
	var wg sync.WaitGroup
	numbers := make([]string, len(ids))
	for i, id := range ids {
		wg.Go(func() {
			inv, err := b.svc.Create(b.ctx, b.manager, billing.GenerateRequest{CustomerID: id, IssueDate: date("2026-11-15"),
				Period: invoice.Period{Start: date("2026-11-01"), End: date("2026-11-14")}})
			if err != nil {
				t.Errorf("create %d: %v", i, err)
			}
			numbers[i] = inv.Number
		})
	}
	wg.Wait()
	slices.Sort(numbers)
	for i, n := range numbers {
		if want := fmt.Sprintf("INV-2026-%04d", i+1); n != want {
			t.Fatalf("numbers %v: position %d is %q, want %q", numbers, i, n, want)
		}
	}
}

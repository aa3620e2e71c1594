package app_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/apptest"
)

// TestAgingReport checks GET /reports/aging against a hand-computed
// fixture as of 2026-06-30: Acme (USD) has an invoice in every bucket, a
// partial payment before the as-of date, a payment after it (which must
// not count), a void invoice and a written-off one; Globex (EUR) has one
// current and one 90+ invoice and one issued after the as-of date.
// Currencies are never added together.
func TestAgingReport(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t, apptest.Options{WithSim: true})
	l := newLedger(t, s, "aging", 7, func(i int) int { return i }) // month i bills i hours
	acme := []struct{ issue, due string }{
		{"2026-06-10", "2026-07-10"}, // 100.00, due in 10 days: current
		{"2026-05-01", "2026-05-31"}, // 200.00, 30 days past due: 1–30
		{"2026-04-30", "2026-05-30"}, // 300.00 less 120.00 paid on 06-15, 31 days: 31–60
		{"2026-03-02", "2026-04-01"}, // 400.00, paid in full on 07-15 (after asOf), 90 days: 61–90
		{"2026-03-01", "2026-03-31"}, // 500.00, 91 days: 90+
		{"2026-03-01", "2026-03-31"}, // 600.00, void: left out
		{"2026-05-21", "2026-06-20"}, // 700.00, written off: no balance, but a sale in the window
	}
	ids := make([]int64, len(acme))
	for i, a := range acme {
		ids[i] = l.invoice(t, l.acme, i+1, a.issue, a.due).ID
	}
	l.invoice(t, l.globex, 1, "2026-05-31", "2026-06-30") // 80.00 EUR, due on asOf: current
	l.invoice(t, l.globex, 2, "2025-11-12", "2025-12-12") // 160.00 EUR, 200 days: 90+
	l.invoice(t, l.globex, 3, "2026-07-01", "2026-07-31") // 240.00 EUR, issued after asOf: left out
	if l.pay(t, ids[2], "120.00", "2026-06-15") != 201 || l.pay(t, ids[3], "400.00", "2026-07-15") != 201 {
		t.Fatal("payments refused")
	}
	for path, id := range map[string]int64{"void": ids[5], "uncollectible": ids[6]} {
		if r := l.API(t, "POST", fmt.Sprintf("/invoices/%d/%s", id, path), nil, nil); r.StatusCode != 200 {
			t.Fatalf("%s: %d", path, r.StatusCode)
		}
	}

	type buckets struct{ Current, Days1To30, Days31To60, Days61To90, Over90, Total string }
	var got struct {
		AsOf      string
		Customers []struct {
			CustomerName, Currency string
			buckets
		}
		Totals []struct {
			Currency, InvoicedLast90Days string
			DSO                          *string
			buckets
		}
	}
	if r := l.API(t, "GET", "/reports/aging?asOf=2026-06-30", nil, &got); r.StatusCode != 200 {
		t.Fatalf("aging: %d %v", r.StatusCode, apptest.Problem(t, r))
	}
	acmeRow := buckets{"100.00", "200.00", "180.00", "400.00", "500.00", "1380.00"}
	globexRow := buckets{"80.00", "0.00", "0.00", "0.00", "160.00", "240.00"}
	if got.AsOf != "2026-06-30" || len(got.Customers) != 2 ||
		got.Customers[0].CustomerName != "Acme" || got.Customers[0].Currency != "USD" || got.Customers[0].buckets != acmeRow ||
		got.Customers[1].CustomerName != "Globex" || got.Customers[1].Currency != "EUR" || got.Customers[1].buckets != globexRow {
		t.Fatalf("customers %+v", got.Customers)
	}
	// DSO over 2026-04-02..2026-06-30: USD 1380.00 / (100 + 200 + 300 + 700) × 90 = 95.5;
	// EUR 240.00 / 80.00 × 90 = 270.0.
	if len(got.Totals) != 2 {
		t.Fatalf("totals %+v", got.Totals)
	}
	eur, usd := got.Totals[0], got.Totals[1]
	if eur.Currency != "EUR" || eur.buckets != globexRow || eur.InvoicedLast90Days != "80.00" || eur.DSO == nil || *eur.DSO != "270.0" {
		t.Fatalf("EUR total %+v", eur)
	}
	if usd.Currency != "USD" || usd.buckets != acmeRow || usd.InvoicedLast90Days != "1300.00" || usd.DSO == nil || *usd.DSO != "95.5" {
		t.Fatalf("USD total %+v", usd)
	}

	// Without asOf the report is as of today in the tenant's zone (UTC here).
	if r := l.API(t, "GET", "/reports/aging", nil, &got); r.StatusCode != 200 || got.AsOf != s.Now().UTC().Format(time.DateOnly) {
		t.Fatalf("default asOf: %d %s", r.StatusCode, got.AsOf)
	}
	for _, bad := range []string{"2026-02-30", "tomorrow", "2026-6-30"} {
		r := l.API(t, "GET", "/reports/aging?asOf="+bad, nil, nil)
		if p := apptest.Problem(t, r); r.StatusCode != 400 || p["errors"] == nil {
			t.Fatalf("asOf=%s: %d %v", bad, r.StatusCode, p)
		}
	}
}

package billing_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/billing"
	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/jira"
	"github.com/remitapp/remit/internal/remit"
)

// TestAgingReport checks the aging report against a hand-computed fixture
// as of 2026-06-30: Acme (USD) has an invoice in every bucket, a partial
// payment before the as-of date, a payment after it (which must not
// count), a void invoice and a written-off one; Globex (EUR) has one
// current and one 90+ invoice and one issued after the as-of date.
// Currencies are never added together.
func TestAgingReport(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.site.AddProject("GLOB")
	b.site.Grant(managerID, "GLOB", jira.PermBrowseProjects)
	b.site.Grant(viewerID, "GLOB", jira.PermBrowseProjects)
	acmeWork, globWork := b.site.AddIssue("WORK", "Acme work"), b.site.AddIssue("GLOB", "Globex work")
	month := func(i int) time.Time { return time.Date(2024, time.Month(i), 1, 0, 0, 0, 0, time.UTC) }
	for i := 1; i <= 7; i++ { // month i of 2024 bills i hours
		b.site.LogWork(acmeWork, "557058:dev", month(i).Add(9*24*time.Hour+12*time.Hour), int64(3600*i))
		b.site.LogWork(globWork, "557058:dev", month(i).Add(9*24*time.Hour+12*time.Hour), int64(3600*i))
	}
	globex, err := b.setup.SaveCustomer(b.ctx, b.admin, invoice.Customer{Name: "Globex", JQL: "project = GLOB", Currency: "EUR",
		HourlyRate: decimal.RequireFromString("80")})
	if err != nil {
		t.Fatal(err)
	}
	create := func(customer int64, i int, issue, due string) int64 {
		t.Helper()
		inv, err := b.svc.Create(b.ctx, b.manager, billing.GenerateRequest{CustomerID: customer,
			Period:    invoice.Period{Start: invoice.DateOf(month(i)), End: invoice.DateOf(month(i+1).AddDate(0, 0, -1))},
			IssueDate: date(issue), DueDate: date(due)})
		if err != nil {
			t.Fatalf("invoice of month %d: %v", i, err)
		}
		return inv.ID
	}
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
		ids[i] = create(b.cust.ID, i+1, a.issue, a.due)
	}
	create(globex.ID, 1, "2026-05-31", "2026-06-30") // 80.00 EUR, due on asOf: current
	create(globex.ID, 2, "2025-11-12", "2025-12-12") // 160.00 EUR, 200 days: 90+
	create(globex.ID, 3, "2026-07-01", "2026-07-31") // 240.00 EUR, issued after asOf: left out
	for _, p := range []struct {
		id             int64
		amount, paidOn string
	}{{ids[2], "120.00", "2026-06-15"}, {ids[3], "400.00", "2026-07-15"}} {
		if _, _, err := b.svc.RecordPayment(b.ctx, b.manager, p.id, invoice.PaymentInput{Amount: p.amount, PaidOn: date(p.paidOn), Method: "bank-transfer"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := b.svc.Void(b.ctx, b.manager, ids[5]); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.WriteOff(b.ctx, b.manager, ids[6]); err != nil {
		t.Fatal(err)
	}

	got, err := b.svc.Aging(b.ctx, b.viewer, date("2026-06-30"))
	if err != nil {
		t.Fatal(err)
	}
	row := func(bk invoice.Buckets) string {
		return fmt.Sprintf("%s %s %s %s %s = %s", bk.Current.StringFixed(2), bk.Days1To30.StringFixed(2), bk.Days31To60.StringFixed(2),
			bk.Days61To90.StringFixed(2), bk.Over90.StringFixed(2), bk.Total.StringFixed(2))
	}
	const acmeRow, globexRow = "100.00 200.00 180.00 400.00 500.00 = 1380.00", "80.00 0.00 0.00 0.00 160.00 = 240.00"
	if len(got.Customers) != 2 ||
		got.Customers[0].Customer != "Acme" || got.Customers[0].Currency != "USD" || row(got.Customers[0].Buckets) != acmeRow ||
		got.Customers[1].Customer != "Globex" || got.Customers[1].Currency != "EUR" || row(got.Customers[1].Buckets) != globexRow {
		t.Fatalf("customers %+v", got.Customers)
	}
	// DSO over 2026-04-02..2026-06-30: USD 1380.00 / (100 + 200 + 300 + 700) × 90 = 95.5;
	// EUR 240.00 / 80.00 × 90 = 270.0.
	if len(got.Currencies) != 2 {
		t.Fatalf("currencies %+v", got.Currencies)
	}
	eur, usd := got.Currencies[0], got.Currencies[1]
	if eur.Currency != "EUR" || row(eur.Buckets) != globexRow || eur.Sales.StringFixed(2) != "80.00" || eur.DSO == nil || eur.DSO.StringFixed(1) != "270.0" {
		t.Fatalf("EUR %+v", eur)
	}
	if usd.Currency != "USD" || row(usd.Buckets) != acmeRow || usd.Sales.StringFixed(2) != "1300.00" || usd.DSO == nil || usd.DSO.StringFixed(1) != "95.5" {
		t.Fatalf("USD %+v", usd)
	}

	// Without a date the report is as of today in the tenant's zone.
	if got, err := b.svc.Aging(b.ctx, b.viewer, invoice.Date{}); err != nil || got.AsOf != date("2026-11-16") {
		t.Fatalf("default as-of: %v %v", got.AsOf, err)
	}
	stranger := b.viewer
	stranger.AccountID = strangerID
	if _, err := b.svc.Aging(b.ctx, stranger, date("2026-06-30")); !remit.IsKind(err, remit.Forbidden) {
		t.Fatalf("a stranger's aging: %v", err)
	}
}

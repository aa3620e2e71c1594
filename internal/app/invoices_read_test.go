package app_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/apptest"
)

// TestInvoiceReadAPIAndPermissions covers the list filters and cursor
// pagination, the work-issue billing figures, the aging report's wire
// form, and SPEC §3's permission
// rules: browsing the billing project reads invoices, administering it
// (or the site) changes them, and only site administrators own settings.
func TestInvoiceReadAPIAndPermissions(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t, apptest.Options{WithSim: true, Clock: novemberFixture()})
	b := newBillingSite(t, s, "reads")
	acmeID, globexID := b.configure(t)
	// Two invoices for Acme (October and the rest of the period), one for Globex.
	var i1, i2, i3 invoiceResp
	for _, c := range []struct {
		body map[string]any
		out  *invoiceResp
	}{
		{map[string]any{"customerId": acmeID, "periodStart": "2026-10-15", "periodEnd": "2026-10-31", "issueDate": "2026-11-01", "dueDate": "2026-11-10"}, &i1},
		{map[string]any{"customerId": acmeID, "periodStart": "2026-11-01", "periodEnd": "2026-11-14", "issueDate": "2026-11-15"}, &i2},
		{map[string]any{"customerId": globexID, "periodStart": periodStart, "periodEnd": periodEnd, "issueDate": "2026-11-15"}, &i3},
	} {
		if r := b.API(t, "POST", "/invoices", c.body, c.out); r.StatusCode != 201 {
			t.Fatalf("create: %d %v", r.StatusCode, apptest.Problem(t, r))
		}
	}
	if i3.Currency != "EUR" {
		t.Fatalf("Globex invoice in %s", i3.Currency)
	}
	type page struct {
		Items      []invoiceResp
		NextCursor *string
	}
	list := func(query string) page {
		t.Helper()
		var p page
		if r := b.API(t, "GET", "/invoices"+query, nil, &p); r.StatusCode != 200 {
			t.Fatalf("list %s: %d", query, r.StatusCode)
		}
		return p
	}
	numbers := func(p page) []string {
		var out []string
		for _, it := range p.Items {
			out = append(out, it.Number)
		}
		return out
	}
	if got := numbers(list("")); fmt.Sprint(got) != fmt.Sprint([]string{i3.Number, i2.Number, i1.Number}) {
		t.Fatalf("list newest first: %v", got)
	}
	if got := numbers(list(fmt.Sprintf("?customerId=%d", globexID))); fmt.Sprint(got) != fmt.Sprint([]string{i3.Number}) {
		t.Fatalf("customer filter: %v", got)
	}
	// Invoice 1 is due 2026-11-10; the clock is today (after 2026-11-22), so it is overdue.
	if got := numbers(list("?overdue=true")); len(got) != 1 || got[0] != i1.Number {
		t.Fatalf("overdue filter: %v", got)
	}
	// Pagination: one at a time, no repeats, no gaps.
	var seen []string
	cursor := ""
	for range 5 {
		p := list("?limit=1" + cursor)
		seen = append(seen, numbers(p)...)
		if p.NextCursor == nil {
			break
		}
		cursor = "&cursor=" + *p.NextCursor
	}
	if fmt.Sprint(seen) != fmt.Sprint([]string{i3.Number, i2.Number, i1.Number}) {
		t.Fatalf("paged: %v", seen)
	}
	if r := b.API(t, "POST", fmt.Sprintf("/invoices/%d/void", i2.ID), nil, nil); r.StatusCode != 200 {
		t.Fatal("void")
	}
	if got := numbers(list("?status=void")); len(got) != 1 || got[0] != i2.Number {
		t.Fatalf("status filter: %v", got)
	}

	// Work-issue billing: ACME-25 has 30 worklogs, part of them billed by invoice 1.
	var billing struct {
		HoursLogged, HoursBilled, HoursUnbilled string
		Invoices                                []struct {
			Number, Status, Hours string
		}
	}
	if r := b.API(t, "GET", "/issues/ACME-25/billing", nil, &billing); r.StatusCode != 200 {
		t.Fatalf("issue billing: %d", r.StatusCode)
	}
	if len(billing.Invoices) != 2 || billing.HoursLogged == "0.00" || billing.HoursBilled == "0.00" {
		t.Fatalf("issue billing %+v", billing)
	}
	for _, inv := range billing.Invoices {
		if inv.Number == i2.Number && inv.Status != "void" {
			t.Fatalf("voided invoice shows %s", inv.Status)
		}
	}

	// The aging report over the wire: its JSON shape, the as-of date
	// defaulting to today, bad dates refused (the figures are the billing
	// package's test). Invoice 1 (Acme, due 2026-11-10) is 1–30 days late on
	// 2026-11-30, Globex's invoice is current.
	var aging struct {
		AsOf      string
		Customers []struct{ CustomerName, Currency, Days1To30, Current, Total string }
		Totals    []struct {
			Currency, InvoicedLast90Days, Total string
			DSO                                 *string
		}
	}
	if r := b.API(t, "GET", "/reports/aging?asOf=2026-11-30", nil, &aging); r.StatusCode != 200 || aging.AsOf != "2026-11-30" ||
		len(aging.Customers) != 2 || aging.Customers[0].CustomerName != "Acme" || aging.Customers[0].Days1To30 != i1.Total ||
		len(aging.Totals) != 2 || aging.Totals[0].Currency != "EUR" || aging.Totals[0].DSO == nil {
		t.Fatalf("aging: %d %+v", r.StatusCode, aging)
	}
	if r := b.API(t, "GET", "/reports/aging", nil, &aging); r.StatusCode != 200 || aging.AsOf != s.Now().UTC().Format(time.DateOnly) {
		t.Fatalf("default asOf: %d %s", r.StatusCode, aging.AsOf)
	}
	for _, bad := range []string{"2026-02-30", "tomorrow", "2026-6-30"} {
		r := b.API(t, "GET", "/reports/aging?asOf="+bad, nil, nil)
		if p := apptest.Problem(t, r); r.StatusCode != 400 || p["errors"] == nil {
			t.Fatalf("asOf=%s: %d %v", bad, r.StatusCode, p)
		}
	}

	// Permissions.
	reader := b.As("557058:reader")
	if err := b.Site.Site.SetPermissions("557058:reader", nil, map[string][]string{"BILL": {"BROWSE_PROJECTS"}}); err != nil {
		t.Fatal(err)
	}
	nobody := b.As("557058:nobody")
	checks := []struct {
		who          *apptest.Site
		method, path string
		body         any
		want         int
	}{
		{reader, "GET", "/invoices", nil, 200},
		{reader, "GET", fmt.Sprintf("/invoices/%d", i1.ID), nil, 200},
		{reader, "GET", "/customers", nil, 200},
		{reader, "POST", fmt.Sprintf("/invoices/%d/void", i1.ID), nil, 403},
		{reader, "POST", "/invoices/preview", map[string]any{"customerId": acmeID, "periodStart": periodStart, "periodEnd": periodEnd}, 403},
		{reader, "POST", "/customers", map[string]any{"name": "X", "jql": "project = ACME", "currency": "USD", "hourlyRate": "1"}, 403},
		{reader, "GET", "/settings", nil, 403},
		{reader, "PUT", "/settings", map[string]any{"billingProjectKey": "BILL"}, 403},
		{nobody, "GET", "/invoices", nil, 403},
		{nobody, "GET", fmt.Sprintf("/invoices/%d", i1.ID), nil, 403},
		{nobody, "GET", "/issues/ACME-25/billing", nil, 403},
	}
	before := rowCounts(t, s)
	for _, c := range checks {
		if r := c.who.API(t, c.method, c.path, c.body, nil); r.StatusCode != c.want {
			t.Errorf("%s %s %s: %d, want %d", c.who.AccountID, c.method, c.path, r.StatusCode, c.want)
		}
	}
	if after := rowCounts(t, s); after != before {
		t.Fatalf("refused calls wrote:\nbefore %s\n after %s", before, after)
	}
}

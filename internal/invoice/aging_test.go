package invoice

import (
	"testing"

	"github.com/remitapp/remit/internal/money"
)

func TestAge(t *testing.T) {
	t.Parallel()
	asOf := Date{2026, 12, 31}
	item := func(cust int64, name string, cur money.Currency, issued, due Date, total, balance string) AgingItem {
		return AgingItem{CustomerID: cust, Customer: name, Currency: cur, IssueDate: issued, DueDate: due, Total: dec(total), Balance: dec(balance)}
	}
	items := []AgingItem{
		item(1, "Acme", "USD", Date{2026, 12, 20}, Date{2027, 1, 19}, "100.00", "100.00"), // current
		item(1, "Acme", "USD", Date{2026, 12, 1}, Date{2026, 12, 31}, "50.00", "50.00"),   // due today: current
		item(1, "Acme", "USD", Date{2026, 11, 1}, Date{2026, 12, 1}, "30.00", "20.00"),    // 30 days: 1-30
		item(1, "Acme", "USD", Date{2026, 10, 1}, Date{2026, 11, 30}, "40.00", "40.00"),   // 31 days: 31-60
		item(2, "Globex", "USD", Date{2026, 9, 1}, Date{2026, 10, 1}, "60.00", "60.00"),   // 91 days: 90+
		item(2, "Globex", "USD", Date{2026, 9, 1}, Date{2026, 10, 2}, "70.00", "70.00"),   // 90 days: 61-90
		item(2, "Globex", "USD", Date{2026, 12, 2}, Date{2026, 12, 30}, "10.00", "0"),     // paid: sales only
		item(2, "Globex", "EUR", Date{2026, 12, 15}, Date{2026, 12, 1}, "80.00", "80.00"), // 30 days: 1-30
		item(1, "Acme", "USD", Date{2027, 1, 1}, Date{2027, 1, 31}, "999.00", "999.00"),   // issued after asOf
	}
	got := Age(items, asOf)
	type row struct{ cur, d30, d60, d90, over, total string }
	b := func(x Buckets) row {
		return row{x.Current.StringFixed(2), x.Days1To30.StringFixed(2), x.Days31To60.StringFixed(2), x.Days61To90.StringFixed(2), x.Over90.StringFixed(2), x.Total.StringFixed(2)}
	}
	wantCustomers := []struct {
		name string
		cur  money.Currency
		row  row
	}{
		{"Acme", "USD", row{"150.00", "20.00", "40.00", "0.00", "0.00", "210.00"}},
		{"Globex", "EUR", row{"0.00", "80.00", "0.00", "0.00", "0.00", "80.00"}},
		{"Globex", "USD", row{"0.00", "0.00", "0.00", "70.00", "60.00", "130.00"}},
	}
	if len(got.Customers) != len(wantCustomers) {
		t.Fatalf("%d customer rows, want %d: %+v", len(got.Customers), len(wantCustomers), got.Customers)
	}
	for i, w := range wantCustomers {
		c := got.Customers[i]
		if c.Customer != w.name || c.Currency != w.cur || b(c.Buckets) != w.row {
			t.Errorf("row %d = %s %s %+v, want %s %s %+v", i, c.Customer, c.Currency, b(c.Buckets), w.name, w.cur, w.row)
		}
	}
	// DSO per currency: the window is 2026-10-03..2026-12-31, so USD sales
	// are 100+50+30+10 = 190 (October 1st and September fall outside) and
	// DSO = 340 / 190 × 90 = 161.05… → 161.1; EUR 80 / 80 × 90 = 90.
	wantCur := []struct {
		cur        money.Currency
		row        row
		sales, dso string
	}{
		{"EUR", row{"0.00", "80.00", "0.00", "0.00", "0.00", "80.00"}, "80", "90"},
		{"USD", row{"150.00", "20.00", "40.00", "70.00", "60.00", "340.00"}, "190", "161.1"},
	}
	if len(got.Currencies) != 2 {
		t.Fatalf("currencies %+v", got.Currencies)
	}
	for i, w := range wantCur {
		c := got.Currencies[i]
		if c.Currency != w.cur || b(c.Buckets) != w.row || !c.Sales.Equal(dec(w.sales)) || c.DSO == nil || !c.DSO.Equal(dec(w.dso)) {
			t.Errorf("currency %d = %s %+v sales %s dso %v; want %s %+v %s %s", i, c.Currency, b(c.Buckets), c.Sales, c.DSO, w.cur, w.row, w.sales, w.dso)
		}
	}
	if empty := Age(nil, asOf); len(empty.Customers) != 0 || len(empty.Currencies) != 0 {
		t.Fatalf("empty report %+v", empty)
	}
	// No sales in the window: DSO is unknown, not infinite.
	old := Age([]AgingItem{item(1, "Acme", "USD", Date{2026, 1, 1}, Date{2026, 1, 31}, "10.00", "10.00")}, asOf)
	if old.Currencies[0].DSO != nil {
		t.Fatalf("DSO without sales = %v", old.Currencies[0].DSO)
	}
}

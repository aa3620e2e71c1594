package invoice

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/money"
	"github.com/remitapp/remit/internal/remit"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func TestDates(t *testing.T) {
	if _, err := ParseDate("2026-02-30"); err == nil {
		t.Error("impossible date accepted")
	}
	d, err := ParseDate("2026-03-31")
	if err != nil || d.AddDays(1).String() != "2026-04-01" || d.AddDays(-31).String() != "2026-02-28" {
		t.Fatalf("AddDays: %v %v", d, err)
	}
	if d.DaysUntil(Date{2026, 4, 30}) != 30 || !d.Before(Date{2026, 4, 1}) || d.Compare(d) != 0 {
		t.Fatal("compare")
	}
}

// TestPeriodBoundsAcrossDST checks the inclusive period in a zone with DST
// changes inside it: the bounds are local midnights, so a day of 23 or 25
// hours is neither cut nor doubled.
func TestPeriodBoundsAcrossDST(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	p := Period{Start: Date{2026, 3, 1}, End: Date{2026, 3, 31}} // DST starts 2026-03-08
	from, to := p.Bounds(ny)
	if from.String() != "2026-03-01 00:00:00 -0500 EST" || to.String() != "2026-04-01 00:00:00 -0400 EDT" {
		t.Fatalf("bounds %v – %v", from, to)
	}
	cases := []struct {
		at   string
		want bool
	}{
		{"2026-03-01T04:59:59Z", false}, // 23:59:59 on Feb 28 in New York
		{"2026-03-01T05:00:00Z", true},
		{"2026-03-08T06:59:59Z", true}, // 01:59:59 EST, just before the jump
		{"2026-04-01T03:59:59Z", true}, // 23:59:59 EDT on Mar 31
		{"2026-04-01T04:00:00Z", false},
	}
	for _, c := range cases {
		at, _ := time.Parse(time.RFC3339, c.at)
		if got := p.Contains(at, ny); got != c.want {
			t.Errorf("Contains(%s) = %v, want %v", c.at, got, c.want)
		}
	}
}

func TestRateFor(t *testing.T) {
	c := &Customer{HourlyRate: dec("95"), RateOverrides: RateOverrides{
		Accounts: map[string]decimal.Decimal{"alice": dec("140")},
		Projects: map[string]decimal.Decimal{"ACMESUP": dec("120")},
	}}
	for _, tc := range []struct{ who, project, want string }{
		{"alice", "ACMESUP", "140"}, // the author's override wins
		{"bob", "ACMESUP", "120"},
		{"bob", "ACME", "95"},
	} {
		if got := c.RateFor(tc.who, tc.project); !got.Equal(dec(tc.want)) {
			t.Errorf("RateFor(%s, %s) = %s, want %s", tc.who, tc.project, got, tc.want)
		}
	}
}

func TestBilledSeconds(t *testing.T) {
	for _, tc := range []struct {
		s    int64
		min  int
		want int64
	}{{0, 15, 0}, {1, 15, 900}, {900, 15, 900}, {901, 15, 1800}, {1234, 0, 1234}, {-5, 0, 0}} {
		if got := BilledSeconds(tc.s, tc.min); got != tc.want {
			t.Errorf("BilledSeconds(%d, %d) = %d, want %d", tc.s, tc.min, got, tc.want)
		}
	}
}

func TestBuildLines(t *testing.T) {
	c := &Customer{Currency: "USD", HourlyRate: dec("95.00"), TaxRatePercent: dec("8.875"), RateOverrides: RateOverrides{
		Accounts: map[string]decimal.Decimal{"alice": dec("140.00")},
	}}
	wl := []Worklog{
		{ID: 5, IssueKey: "ACME-10", ProjectKey: "ACME", AuthorID: "bob", Seconds: 3600},
		{ID: 1, IssueKey: "ACME-2", ProjectKey: "ACME", AuthorID: "bob", Seconds: 1800},
		{ID: 2, IssueKey: "ACME-2", ProjectKey: "ACME", AuthorID: "alice", Seconds: 5400},
		{ID: 3, IssueKey: "ACME-2", ProjectKey: "ACME", AuthorID: "carol", Seconds: 900},
	}
	lines, tot := BuildLines(c, 0, wl)
	got := []string{}
	for _, l := range lines {
		got = append(got, l.IssueKey+" "+l.Hours.StringFixed(2)+"h×"+l.Rate.String()+"="+l.Amount.StringFixed(2))
	}
	want := "ACME-2 0.75h×95=71.25|ACME-2 1.50h×140=210.00|ACME-10 1.00h×95=95.00"
	if strings.Join(got, "|") != want {
		t.Fatalf("lines\n got %s\nwant %s", strings.Join(got, "|"), want)
	}
	// 376.25 × 8.875% = 33.3921875 → 33.39
	if tot.Subtotal.StringFixed(2) != "376.25" || tot.Tax.StringFixed(2) != "33.39" || tot.Total.StringFixed(2) != "409.64" {
		t.Fatalf("totals %+v", tot)
	}
	if len(lines[0].WorklogIDs) != 2 || lines[0].WorklogIDs[0] != 1 || lines[0].WorklogIDs[1] != 3 {
		t.Fatalf("worklog ids of the first line: %v", lines[0].WorklogIDs)
	}
}

// TestBuildLinesProperties checks, over random worklogs, rates, tax rates
// and currencies, that lines sum to the subtotal, total = subtotal + tax,
// every amount is exact in the minor unit, and every worklog is billed once.
func TestBuildLinesProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	curs := []money.Currency{"USD", "JPY", "KWD", "EUR", "CLF", "BHD"}
	for iter := range 2000 {
		cur := curs[r.IntN(len(curs))]
		c := &Customer{Currency: cur, HourlyRate: decimal.New(r.Int64N(50000000), -4), TaxRatePercent: decimal.New(r.Int64N(300000), -4),
			RateOverrides: RateOverrides{Accounts: map[string]decimal.Decimal{"a1": decimal.New(r.Int64N(9999999), -3)}, Projects: map[string]decimal.Decimal{"P2": decimal.New(r.Int64N(99999), -2)}}}
		n := r.IntN(60)
		wl := make([]Worklog, n)
		for i := range wl {
			wl[i] = Worklog{ID: int64(i + 1), IssueKey: []string{"P1-1", "P1-2", "P2-7", "P2-10"}[r.IntN(4)], AuthorID: []string{"a1", "a2", "a3"}[r.IntN(3)], Seconds: r.Int64N(36000)}
			wl[i].ProjectKey, _ = splitKey(wl[i].IssueKey)
		}
		rounding := []int{0, 0, 6, 15, 30}[r.IntN(5)]
		lines, tot := BuildLines(c, rounding, wl)
		sum, seen := decimal.Zero, map[int64]bool{}
		var secs int64
		for _, l := range lines {
			if !l.Amount.Equal(money.Round(l.Amount, cur)) {
				t.Fatalf("iter %d: amount %s not in minor unit of %s", iter, l.Amount, cur)
			}
			if !l.Amount.Equal(money.TimeAmount(l.Seconds, l.Rate, cur)) {
				t.Fatalf("iter %d: line amount drifted", iter)
			}
			sum = sum.Add(l.Amount)
			secs += l.Seconds
			for _, id := range l.WorklogIDs {
				if seen[id] {
					t.Fatalf("iter %d: worklog %d on two lines", iter, id)
				}
				seen[id] = true
			}
		}
		var want int64
		for _, w := range wl {
			want += BilledSeconds(w.Seconds, rounding)
		}
		if len(seen) != n || secs != want {
			t.Fatalf("iter %d: %d of %d worklogs billed, %d of %d seconds", iter, len(seen), n, secs, want)
		}
		if !sum.Equal(tot.Subtotal) || !tot.Total.Equal(tot.Subtotal.Add(tot.Tax)) || !tot.Tax.Equal(money.Percent(tot.Subtotal, c.TaxRatePercent, cur)) {
			t.Fatalf("iter %d: totals %+v, lines sum %s", iter, tot, sum)
		}
		for i := 1; i < len(lines); i++ {
			if CompareIssueKeys(lines[i-1].IssueKey, lines[i].IssueKey) > 0 {
				t.Fatalf("iter %d: lines out of issue-key order", iter)
			}
		}
	}
}

func TestNumbers(t *testing.T) {
	d := Date{2026, 11, 5}
	for _, tc := range []struct {
		format string
		seq    int64
		want   string
	}{
		{"INV-{YYYY}-{SEQ:4}", 7, "INV-2026-0007"},
		{"INV-{YYYY}-{SEQ:4}", 12345, "INV-2026-12345"},
		{"{YY}{MM}/{SEQ}", 3, "2611/3"},
		{"R{SEQ:6}", 42, "R000042"},
	} {
		got, err := FormatNumber(tc.format, d, tc.seq)
		if err != nil || got != tc.want {
			t.Errorf("FormatNumber(%q, %d) = %q, %v; want %q", tc.format, tc.seq, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "INV-{YYYY}", "{SEQ}{SEQ}", "{SEQ:0}", "{SEQ:x}", "{DD}-{SEQ}", "INV-{SEQ", "INV}-{SEQ}", strings.Repeat("x", 65) + "{SEQ}"} {
		if err := ValidateNumberFormat(bad); err == nil {
			t.Errorf("format %q accepted", bad)
		}
	}
	if NumberScope("INV-{YYYY}-{SEQ:4}", d) != "2026" || NumberScope("R{SEQ}", d) != "all" || NumberScope("{YY}{MM}-{SEQ}", d) != "2026-11" {
		t.Error("scopes")
	}
}

func TestSettingsValidation(t *testing.T) {
	s := Settings{BillingProjectKey: "BILL"}.WithDefaults()
	if err := s.Validate(); err != nil {
		t.Fatalf("defaults invalid: %v", err)
	}
	if s.NumberFormat != "INV-{YYYY}-{SEQ:4}" || s.PaymentTermsDays != 30 || s.InvoiceIssueType != "Task" || s.FollowupSchedule != "0 9 * * 1-5" {
		t.Fatalf("defaults: %+v", s)
	}
	bad := Settings{BillingProjectKey: "bill", Currency: "EURO", Timezone: "Mars/Base", PaymentTermsDays: -1, NumberFormat: "X", RoundingMinutes: 999, FollowupSchedule: "every day", Seller: Seller{Email: "nope"}}
	err := bad.Validate()
	var de *remit.Error
	if !remit.IsKind(err, remit.Unprocessable) {
		t.Fatalf("kind: %v", err)
	}
	de = err.(*remit.Error)
	for _, f := range []string{"billingProjectKey", "currency", "timezone", "paymentTermsDays", "numberFormat", "roundingMinutes", "followupSchedule", "seller.email"} {
		if de.Fields[f] == "" {
			t.Errorf("no error for %s: %v", f, de.Fields)
		}
	}
}

func TestCustomerValidation(t *testing.T) {
	terms := 400
	c := Customer{Name: " ", JQL: "", Currency: "XYZ", HourlyRate: dec("-1"), TaxRatePercent: dec("101"), PaymentTermsDays: &terms,
		BillingEmail: "x", EscalationEmails: []string{"ok@example.com", "bad"},
		RateOverrides: RateOverrides{Projects: map[string]decimal.Decimal{"acme": dec("1")}, Accounts: map[string]decimal.Decimal{"a": dec("0.00001")}}}
	err := c.Validate()
	de, ok := err.(*remit.Error)
	if !ok || de.Kind != remit.Unprocessable {
		t.Fatalf("err %v", err)
	}
	for _, f := range []string{"name", "jql", "currency", "hourlyRate", "taxRatePercent", "paymentTermsDays", "billingEmail", "escalationEmails", "rateOverrides.projects", "rateOverrides.accounts.a"} {
		if de.Fields[f] == "" {
			t.Errorf("no error for %s: %v", f, de.Fields)
		}
	}
	good := Customer{Name: "Acme", JQL: "project = ACME", Currency: "EUR", HourlyRate: dec("95"), TaxRatePercent: dec("19")}
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
}

// TestCustomerLateFeePolicy: a misspelt preset would silently mean no late
// fee, so it is refused on save, naming the field and the valid presets;
// every preset, and none (the tenant's policy), is accepted.
func TestCustomerLateFeePolicy(t *testing.T) {
	for _, name := range []string{"eu-directiv", "EU-DIRECTIVE", " none", "uk"} {
		c := Customer{Name: "Acme", JQL: "project = ACME", Currency: "EUR", HourlyRate: dec("95"), LateFeePolicy: name}
		err := c.Validate()
		de, ok := err.(*remit.Error)
		if !ok || de.Kind != remit.Unprocessable {
			t.Fatalf("%q: err %v, want Unprocessable", name, err)
		}
		msg := de.Fields["lateFeePolicy"]
		if len(de.Fields) != 1 || !strings.Contains(msg, "eu-directive") || !strings.Contains(msg, "us-1.5pct-month") || !strings.Contains(msg, "uk-late-payment") {
			t.Errorf("%q: fields %v, want only lateFeePolicy listing the presets", name, de.Fields)
		}
	}
	for _, name := range append([]string{""}, LateFeePresets...) {
		c := Customer{Name: "Acme", JQL: "project = ACME", Currency: "EUR", HourlyRate: dec("95"), LateFeePolicy: name}
		if err := c.Validate(); err != nil {
			t.Errorf("%q refused: %v", name, err)
		}
	}
}

func TestOverdue(t *testing.T) {
	inv := &Invoice{Status: StatusOpen, Total: dec("100"), Paid: dec("40"), DueDate: Date{2026, 11, 1}}
	if inv.Overdue(Date{2026, 11, 1}) || !inv.Overdue(Date{2026, 11, 2}) || inv.DaysOverdue(Date{2026, 11, 11}) != 10 {
		t.Fatal("overdue derivation")
	}
	inv.Paid = dec("100")
	if inv.Overdue(Date{2026, 12, 1}) {
		t.Fatal("paid invoice overdue")
	}
	inv.Paid, inv.Status = dec("0"), StatusVoid
	if inv.Overdue(Date{2026, 12, 1}) {
		t.Fatal("void invoice overdue")
	}
}

// TestDateStartWhereMidnightDoesNotExist: in zones whose clocks jump from
// 00:00 to 01:00, a day starts at 01:00, not at 23:00 of the day before.
func TestDateStartWhereMidnightDoesNotExist(t *testing.T) {
	cases := []struct {
		zone string
		day  Date
		want string // the first instant of day, in the zone
	}{
		{"America/Santiago", Date{2026, 9, 6}, "2026-09-06 01:00:00 -0300 -03"},
		{"America/Santiago", Date{2025, 9, 7}, "2025-09-07 01:00:00 -0300 -03"},
		{"America/Havana", Date{2026, 3, 8}, "2026-03-08 01:00:00 -0400 CDT"},
		{"America/Havana", Date{2025, 3, 9}, "2025-03-09 01:00:00 -0400 CDT"},
		// The days around them, and an ordinary zone, start at midnight.
		{"America/Santiago", Date{2026, 9, 5}, "2026-09-05 00:00:00 -0400 -04"},
		{"America/Santiago", Date{2026, 9, 7}, "2026-09-07 00:00:00 -0300 -03"},
		{"America/Havana", Date{2026, 3, 7}, "2026-03-07 00:00:00 -0500 CST"},
		{"America/New_York", Date{2026, 3, 8}, "2026-03-08 00:00:00 -0500 EST"},
	}
	for _, c := range cases {
		loc, err := time.LoadLocation(c.zone)
		if err != nil {
			t.Fatal(err)
		}
		got := c.day.Start(loc)
		if got.String() != c.want {
			t.Errorf("%s in %s starts %s, want %s", c.day, c.zone, got, c.want)
		}
		if DateOf(got) != c.day || DateOf(got.Add(-time.Nanosecond)) != c.day.AddDays(-1) {
			t.Errorf("%s in %s: %s is not the first instant of the day", c.day, c.zone, got)
		}
	}
	// A period that starts on the transition day takes no instant of the
	// day before, and one that ends on the day before takes all of it.
	loc, _ := time.LoadLocation("America/Santiago")
	p := Period{Start: Date{2026, 9, 6}, End: Date{2026, 9, 30}}
	lastOfAugust := time.Date(2026, 9, 5, 23, 30, 0, 0, loc)
	if p.Contains(lastOfAugust, loc) {
		t.Errorf("%s counted in %v", lastOfAugust, p)
	}
	before := Period{Start: Date{2026, 9, 1}, End: Date{2026, 9, 5}}
	if !before.Contains(lastOfAugust, loc) {
		t.Errorf("%s not counted in %v", lastOfAugust, before)
	}
}

package followup

import (
	"testing"

	"github.com/remitapp/remit/internal/invoice"
)

// TestRateTables: each built-in table has one entry per half-year, with
// no gap, from before 2020 through 2026 (the ECB's through its first
// half: see euReferenceRates), and rates a central bank could set.
func TestRateTables(t *testing.T) {
	for name, c := range map[string]struct {
		table []halfYearRate
		last  string
	}{
		"uk": {ukBaseRates, "2026-07-01"},
		"eu": {euReferenceRates, "2026-01-01"},
	} {
		if c.table[0].from.Year >= 2020 {
			t.Errorf("%s: starts at %s, after the start of 2020", name, c.table[0].from)
		}
		if got := c.table[len(c.table)-1].from; got != date(c.last) {
			t.Errorf("%s: ends at %s, want %s", name, got, c.last)
		}
		for i, r := range c.table {
			if i > 0 && r.from != nextHalfYear(c.table[i-1].from) {
				t.Errorf("%s: %s follows %s: a half-year is missing", name, r.from, c.table[i-1].from)
			}
			if r.rate.IsNegative() || r.rate.GreaterThan(hundred) {
				t.Errorf("%s: %s has rate %s", name, r.from, r.rate)
			}
		}
	}
}

// TestRateOn: the rate of the half-year a day falls in, the last known
// rate past the table's end and the first before its start; a tenant's
// entries add or replace half-years without changing the built-in table.
func TestRateOn(t *testing.T) {
	table := rateTable("2024-01-01", "1", "2024-07-01", "2", "2025-01-01", "3")
	cases := []struct{ day, want string }{
		{"2023-12-31", "1"}, // before the start: the first rate
		{"2024-01-01", "1"},
		{"2024-06-30", "1"},
		{"2024-07-01", "2"},
		{"2024-12-31", "2"},
		{"2025-01-01", "3"},
		{"2031-09-15", "3"}, // past the end: the last known rate
	}
	for _, c := range cases {
		if got := rateOn(table, date(c.day)); !got.Equal(dec(c.want)) {
			t.Errorf("rateOn(%s) = %s, want %s", c.day, got, c.want)
		}
	}
	merged := withOverrides(table, []RateEntry{{"2024-07-01", dec("2.5")}, {"2026-01-01", dec("4")}, {"2025-02-01", dec("9")}})
	for day, want := range map[string]string{"2024-08-01": "2.5", "2025-03-01": "3", "2025-12-31": "3", "2026-01-01": "4", "2030-01-01": "4"} {
		if got := rateOn(merged, date(day)); !got.Equal(dec(want)) {
			t.Errorf("with the tenant's entries, rateOn(%s) = %s, want %s", day, got, want)
		}
	}
	if got := rateOn(table, date("2024-08-01")); !got.Equal(dec("2")) || len(table) != 3 {
		t.Errorf("withOverrides changed the built-in table: %v", table)
	}
}

func TestHalfYears(t *testing.T) {
	cases := []struct{ day, of, next string }{
		{"2025-01-01", "2025-01-01", "2025-07-01"},
		{"2025-06-30", "2025-01-01", "2025-07-01"},
		{"2025-07-01", "2025-07-01", "2026-01-01"},
		{"2025-12-31", "2025-07-01", "2026-01-01"},
	}
	for _, c := range cases {
		d := date(c.day)
		if got := halfYearOf(d); got != date(c.of) {
			t.Errorf("halfYearOf(%s) = %s, want %s", d, got, c.of)
		}
		if got := nextHalfYear(d); got != date(c.next) {
			t.Errorf("nextHalfYear(%s) = %s, want %s", d, got, c.next)
		}
	}
	var zero invoice.Date
	if _, err := parseHalfYear("2025-02-01"); err == nil {
		t.Error("parseHalfYear accepts 1 February")
	}
	if d, err := parseHalfYear("2025-07-01"); err != nil || d == zero {
		t.Errorf("parseHalfYear(2025-07-01) = %v, %v", d, err)
	}
}

package store

import (
	"testing"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/remit"
)

func TestNumericRoundTrip(t *testing.T) {
	for _, s := range []string{"0", "95.00", "12.345", "-0.0001", "61654", "123456789012345678901234567890.123456789", "1E+3"} {
		in := decimal.RequireFromString(s)
		var out decimal.Decimal
		if err := dec(&out).ScanNumeric(numeric(in)); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		if !out.Equal(in) || out.Exponent() != in.Exponent() {
			t.Errorf("%s came back as %s (exp %d, want %d)", s, out, out.Exponent(), in.Exponent())
		}
	}
}

func TestNumericScanRefusesNonNumbers(t *testing.T) {
	for name, v := range map[string]pgtype.Numeric{
		"null":     {},
		"nan":      {NaN: true, Valid: true},
		"infinity": {InfinityModifier: pgtype.Infinity, Valid: true},
	} {
		var out decimal.Decimal
		if err := dec(&out).ScanNumeric(v); err == nil {
			t.Errorf("%s scanned as %s", name, out)
		}
	}
	var zero decimal.Decimal
	if err := dec(&zero).ScanNumeric(pgtype.Numeric{Int: nil, Valid: true}); err != nil || !zero.IsZero() {
		t.Errorf("nil coefficient: %s, %v", zero, err)
	}
}

func TestDateConversion(t *testing.T) {
	for _, tc := range []struct {
		in    invoice.Date
		valid bool
	}{
		{invoice.Date{Year: 2026, Month: 2, Day: 28}, true},
		{invoice.Date{Year: 2024, Month: 2, Day: 29}, true},
		{invoice.Date{Year: 1, Month: 1, Day: 1}, true},
		{invoice.Date{}, false},
	} {
		p := pgDate(tc.in)
		if p.Valid != tc.valid {
			t.Fatalf("pgDate(%v).Valid = %v", tc.in, p.Valid)
		}
		var out invoice.Date
		if err := date(&out).ScanDate(p); err != nil || out != tc.in {
			t.Errorf("%v came back as %v (%v)", tc.in, out, err)
		}
	}
	var out invoice.Date
	if err := date(&out).ScanDate(pgtype.Date{InfinityModifier: pgtype.Infinity, Valid: true}); err == nil {
		t.Error("infinite date accepted")
	}
}

func TestPageCursor(t *testing.T) {
	for _, tc := range []struct {
		cursor string
		id     int64
		ok     bool
		kind   remit.Kind // Internal = no error
	}{
		{"", 0, false, remit.Internal},
		{encodeCursor(1), 1, true, remit.Internal},
		{encodeCursor(9007199254740993), 9007199254740993, true, remit.Internal},
		{"djE6MA", 0, false, remit.Invalid},  // v1:0
		{"djE6LTU", 0, false, remit.Invalid}, // v1:-5
		{"djI6NQ", 0, false, remit.Invalid},  // v2:5
		{"NQ", 0, false, remit.Invalid},      // 5
		{"%%%", 0, false, remit.Invalid},
	} {
		id, ok, err := Page{Cursor: tc.cursor}.afterID("op")
		if id != tc.id || ok != tc.ok || (err != nil) != (tc.kind != remit.Internal) || (err != nil && !remit.IsKind(err, tc.kind)) {
			t.Errorf("afterID(%q) = %d, %v, %v", tc.cursor, id, ok, err)
		}
	}
}

func TestPageLimit(t *testing.T) {
	for _, tc := range []struct{ in, want int }{{0, 50}, {-3, 50}, {1, 1}, {200, 200}, {201, 200}} {
		if got := (Page{Limit: tc.in}).limit(); got != tc.want {
			t.Errorf("limit(%d) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

func TestPageOf(t *testing.T) {
	id := func(n int64) int64 { return n }
	for _, tc := range []struct {
		items      []int64
		limit      int
		wantLen    int
		wantCursor string
	}{
		{nil, 3, 0, ""},
		{[]int64{1, 2, 3}, 3, 3, ""},
		{[]int64{1, 2, 3, 4}, 3, 3, encodeCursor(3)},
	} {
		got, cursor := pageOf(tc.items, tc.limit, id)
		if len(got) != tc.wantLen || cursor != tc.wantCursor {
			t.Errorf("pageOf(%v, %d) = %v, %q", tc.items, tc.limit, got, cursor)
		}
	}
}

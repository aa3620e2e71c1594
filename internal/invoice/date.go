package invoice

import (
	"fmt"
	"time"
)

// Date is a calendar date without a time zone, as invoices speak of
// periods, issue dates and due dates. The zero Date is "no date".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate reads YYYY-MM-DD and refuses impossible dates (2026-02-30).
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date in YYYY-MM-DD form", s)
	}
	return DateOf(t), nil
}

// DateOf is the calendar date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// String formats d as YYYY-MM-DD.
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// Start is the first instant of d in loc (DST-correct: where midnight does
// not exist, the first instant that does).
func (d Date) Start(loc *time.Location) time.Time {
	t := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
	// Where the clocks jump forward at midnight (America/Santiago,
	// America/Havana), local midnight does not exist and time.Date
	// answers an instant of the day before (23:00). The day then starts
	// when the zone in force at that instant ends.
	for i := 0; i < 2 && DateOf(t).Before(d); i++ {
		_, end := t.ZoneBounds()
		if end.IsZero() {
			break
		}
		t = end.In(loc)
	}
	return t
}

// AddDays moves d by n calendar days.
func (d Date) AddDays(n int) Date {
	return DateOf(time.Date(d.Year, d.Month, d.Day+n, 12, 0, 0, 0, time.UTC))
}

// Before reports whether d is earlier than e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// Compare returns -1, 0 or 1.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return sign(d.Year - e.Year)
	case d.Month != e.Month:
		return sign(int(d.Month - e.Month))
	default:
		return sign(d.Day - e.Day)
	}
}

// DaysUntil is the number of calendar days from d to e (negative if e is earlier).
func (d Date) DaysUntil(e Date) int {
	a := time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC)
	b := time.Date(e.Year, e.Month, e.Day, 12, 0, 0, 0, time.UTC)
	return int(b.Sub(a).Hours() / 24)
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

// Period is an inclusive range of dates [Start, End] in the tenant's zone.
type Period struct {
	Start, End Date
}

// Bounds are the instants [from, to) that the period covers in loc: from
// the first instant of Start to the first instant of the day after End.
func (p Period) Bounds(loc *time.Location) (from, to time.Time) {
	return p.Start.Start(loc), p.End.AddDays(1).Start(loc)
}

// Contains reports whether instant t falls in the period, in loc.
func (p Period) Contains(t time.Time, loc *time.Location) bool {
	from, to := p.Bounds(loc)
	return !t.Before(from) && t.Before(to)
}

// MarshalText writes d as YYYY-MM-DD (the zero Date as empty text), the
// form the API and stored documents use.
func (d Date) MarshalText() ([]byte, error) {
	if d.IsZero() {
		return []byte{}, nil
	}
	return []byte(d.String()), nil
}

// UnmarshalText reads YYYY-MM-DD; empty text is the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

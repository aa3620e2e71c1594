package clock

import (
	"testing"
	"time"
)

func TestSetAndAdvance(t *testing.T) {
	c := At(time.Date(2031, 3, 4, 9, 0, 0, 0, time.UTC))
	if got := c.Now(); got.Sub(time.Date(2031, 3, 4, 9, 0, 0, 0, time.UTC)).Abs() > time.Second {
		t.Fatalf("At: now %v", got)
	}
	c.Advance(48 * time.Hour)
	if got := c.Now(); got.Day() != 6 || got.Year() != 2031 {
		t.Fatalf("Advance: now %v", got)
	}
	before := c.Now()
	time.Sleep(5 * time.Millisecond)
	if !c.Now().After(before) {
		t.Fatal("the clock stopped ticking")
	}
}

func TestOffset(t *testing.T) {
	wall := time.Now()
	got := Offset(365 * 24 * time.Hour).Now()
	if d := got.Sub(wall) - 365*24*time.Hour; d < 0 || d > time.Second {
		t.Fatalf("Offset: %v from the wall clock plus a year", d)
	}
	if d := time.Until(Wall().Now()); d.Abs() > time.Second {
		t.Fatalf("Wall: %v from the wall clock", d)
	}
}

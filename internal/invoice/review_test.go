package invoice

import (
	"math/rand/v2"
	"testing"
	"time"
)

func TestWorklogChangeRoundsLikeGeneration(t *testing.T) {
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	cases := []struct {
		name        string
		billed, now int64
		deleted     bool
		rounding    int
		wantSecs    int64
		wantAmount  string
	}{
		{"no rounding", 3540, 3600, false, 0, 60, "1.58"},
		{"inside the same quarter hour", 3540, 3560, false, 15, 0, "0"},
		{"into the next quarter hour", 3540, 3660, false, 15, 900, "23.75"},
		{"down to the quarter hour below", 3660, 3540, false, 15, -900, "-23.75"},
		{"deleted", 3540, 3540, true, 15, -3600, "-95.00"},
		{"one second rounds up to a block", 0, 1, false, 30, 1800, "47.50"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := NewRoundedWorklogChange(1, "10001", "ACME-1", c.billed, c.now, c.deleted, c.rounding, dec("95"), "USD", at)
			if got.DiffSeconds != c.wantSecs || !got.DiffAmount.Equal(dec(c.wantAmount)) {
				t.Fatalf("difference %d s, %s; want %d s, %s", got.DiffSeconds, got.DiffAmount, c.wantSecs, c.wantAmount)
			}
			if got.BilledSeconds != c.billed || (!c.deleted && got.NewSeconds != c.now) {
				t.Fatalf("Jira's seconds not kept: %+v", got)
			}
		})
	}
}

// TestWorklogChangeMatchesLineAmounts: the money difference the review
// shows is exactly what a line built from the new time would bill minus
// what the old line billed, whatever the rounding rule.
func TestWorklogChangeMatchesLineAmounts(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	c := &Customer{Currency: "EUR", HourlyRate: dec("87.50")}
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	for i := 0; i < 2000; i++ {
		rounding := []int{0, 1, 6, 15, 30, 60}[rng.IntN(6)]
		billed, now := rng.Int64N(20000), rng.Int64N(20000)
		line := func(secs int64) Line {
			lines, _ := BuildLines(c, rounding, []Worklog{{ID: 1, IssueKey: "ACME-1", Seconds: secs}})
			return lines[0]
		}
		got := NewRoundedWorklogChange(1, "1", "ACME-1", billed, now, false, rounding, c.HourlyRate, c.Currency, at)
		was, is := line(billed), line(now)
		if got.DiffSeconds != is.Seconds-was.Seconds || !got.DiffAmount.Equal(is.Amount.Sub(was.Amount)) {
			t.Fatalf("rounding %d, %d → %d s: change %d s %s, lines %d → %d s, %s → %s",
				rounding, billed, now, got.DiffSeconds, got.DiffAmount, was.Seconds, is.Seconds, was.Amount, is.Amount)
		}
	}
}

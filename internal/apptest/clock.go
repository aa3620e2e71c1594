package apptest

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/clock"
)

// EnvClockAhead moves every test stack's clock ahead of the wall clock:
// a Go duration ("8760h") or whole years ("1y", "5y").
const EnvClockAhead = "REMIT_TEST_CLOCK_AHEAD"

// ClockAhead is how far REMIT_TEST_CLOCK_AHEAD moves test clocks from the
// instant from (zero when it is unset).
func ClockAhead(from time.Time) (time.Duration, error) {
	v := strings.TrimSpace(os.Getenv(EnvClockAhead))
	if v == "" {
		return 0, nil
	}
	if n, ok := strings.CutSuffix(v, "y"); ok {
		years, err := strconv.Atoi(n)
		if err != nil || years < 0 || years > 100 {
			return 0, fmt.Errorf("%s=%q: want whole years such as 1y, or a Go duration", EnvClockAhead, v)
		}
		return from.AddDate(years, 0, 0).Sub(from), nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("%s=%q: want whole years such as 1y, or a Go duration", EnvClockAhead, v)
	}
	return d, nil
}

// NewClock is a test's clock: the wall clock moved ahead by
// REMIT_TEST_CLOCK_AHEAD. Tests that pin an instant use clock.At instead.
func NewClock(t testing.TB) *clock.Clock {
	t.Helper()
	d, err := ClockAhead(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return clock.Offset(d)
}

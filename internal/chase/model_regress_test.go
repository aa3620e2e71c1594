package chase_test

import (
	"testing"
	"time"

	"github.com/remitapp/remit/internal/followup"
)

// The regression tests of what the model found (docs/followup.md, "The
// model"), each small and deterministic.

// TestTimezoneChangeMovesTheNextAction: a step's day begins at local
// midnight, so moving the tenant to a zone ahead of UTC brings its next
// action forward (seed 4 of the model, before the fix: the reminder due
// in Kiritimati waited for UTC's midnight).
func TestTimezoneChangeMovesTheNextAction(t *testing.T) {
	t.Parallel()
	b := setup(t)
	set, _, err := b.billing.Settings(b.ctx, b.manager)
	if err != nil {
		t.Fatal(err)
	}
	set.Timezone = "Pacific/Kiritimati" // UTC+14: 12 December starts at 10:00 UTC on the 11th
	if _, err := b.billing.PutSettings(b.ctx, b.manager, set); err != nil {
		t.Fatal(err)
	}
	res := b.sweepAt(t, time.Date(2026, 12, 11, 12, 0, 0, 0, time.UTC))
	queued(t, res, followup.StepReminderBeforeDue, string(followup.ActionComment))
}

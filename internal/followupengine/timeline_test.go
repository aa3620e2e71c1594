package followupengine_test

import (
	"slices"
	"testing"
)

// TestTimelineReadsInLadderOrder sweeps an invoice for the first time
// long after its due date, so one sweep records every step of the ladder
// at one instant: the timeline lists them as the ladder runs, not by
// their keys ("escalate-14" before "overdue-1" before "reminder-…").
func TestTimelineReadsInLadderOrder(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.sweepAt(t, stopWorkDay)

	tl, err := b.engine.Timeline(b.ctx, b.manager, b.inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	var steps []string
	for _, ev := range tl.Events {
		if len(steps) == 0 || steps[len(steps)-1] != ev.Step {
			steps = append(steps, ev.Step)
		}
	}
	want := []string{"reminder-before-due", "overdue-1", "overdue-7", "escalate-14", "final-notice-30", "stop-work-45"}
	if !slices.Equal(steps, want) {
		t.Fatalf("timeline steps %v, want %v", steps, want)
	}
	// Within a step, actions keep the policy's order: the final notice's
	// late fee comes before the messages that announce it.
	var final []string
	for _, ev := range tl.Events {
		if ev.Step == "final-notice-30" {
			final = append(final, ev.Action)
		}
	}
	if len(final) == 0 || final[0] != "late_fee" {
		t.Fatalf("final-notice-30 actions %v, want the late fee first", final)
	}
}

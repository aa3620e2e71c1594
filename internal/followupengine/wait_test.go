package followupengine_test

import (
	"context"
	"testing"

	"github.com/remitapp/remit/internal/store"
)

// TestWaitThatRunsOutShowsTheQueued: POST /followups/run waits a bounded
// time for the actions; when the time runs out while it is reading the
// events, the actions still queued show as queued, and the run is not
// an error.
func TestWaitThatRunsOutShowsTheQueued(t *testing.T) {
	t.Parallel()
	b := setup(t)
	res := b.sweepAt(t, reminderDay)
	ctx, cancel := context.WithCancel(b.ctx)
	cancel() // the wait's time has run out before its first look
	outs, err := b.engine.Wait(ctx, b.tenant.ClientKey, res.Outcomes, nil)
	if err != nil {
		t.Fatalf("a wait that ran out: %v", err)
	}
	queuedOuts := 0
	for _, o := range outs {
		if o.Status == store.EventQueued {
			queuedOuts++
		}
	}
	if len(outs) == 0 || queuedOuts != len(outs) {
		t.Fatalf("%d of %d outcomes queued after a wait that ran out, want all", queuedOuts, len(outs))
	}
}

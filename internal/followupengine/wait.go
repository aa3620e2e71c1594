package followupengine

import (
	"context"
	"time"

	"github.com/remitapp/remit/internal/store"
)

// waitPoll is how often Wait looks at the events.
const waitPoll = 100 * time.Millisecond

// Wait blocks until every outcome's action has been attempted to the end
// (its event is no longer queued) or ctx ends, and returns the outcomes
// with their statuses as they stand. progress, when not nil, is told how
// many of them are final after each look.
func (e *Engine) Wait(ctx context.Context, clientKey string, outs []Outcome, progress func(final, total int)) ([]Outcome, error) {
	pending := map[int64]int{}
	for i, o := range outs {
		if o.Status == store.EventQueued {
			pending[o.EventID] = i
		}
	}
	out := append([]Outcome(nil), outs...)
	for {
		ids := make([]int64, 0, len(pending))
		for id := range pending {
			ids = append(ids, id)
		}
		if len(ids) > 0 {
			evs, err := e.DB.FollowupEventsByID(ctx, clientKey, ids)
			if err != nil && ctx.Err() != nil {
				return out, nil //nolint:nilerr // the wait ran out during this look: what is still queued shows as queued
			}
			if err != nil {
				return out, err
			}
			for _, ev := range evs {
				if ev.Status != store.EventQueued {
					i := pending[ev.ID]
					out[i].Status, out[i].Detail = ev.Status, ev.Detail
					delete(pending, ev.ID)
				}
			}
		}
		if progress != nil {
			progress(len(out)-len(pending), len(out))
		}
		if len(pending) == 0 {
			return out, nil
		}
		select {
		case <-ctx.Done():
			return out, nil // what is still queued shows as queued
		case <-time.After(waitPoll):
		}
	}
}

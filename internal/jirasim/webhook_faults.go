package jirasim

import (
	"strconv"
	"time"
)

// WebhookFaultKind names what a webhook fault does to a delivery.
type WebhookFaultKind string

// The webhook fault kinds.
const (
	// WebhookDuplicate sends Copies extra deliveries with the same
	// identifier.
	WebhookDuplicate WebhookFaultKind = "duplicate"
	// WebhookReorder holds deliveries until Batch (default 2) are held,
	// then releases them newest first.
	WebhookReorder WebhookFaultKind = "reorder"
	// WebhookDelay sends the delivery after DelayMS.
	WebhookDelay WebhookFaultKind = "delay"
)

// WebhookFault alters deliveries of an event ("" = any) on a site ("" =
// any), Count times (0 = unlimited) with Probability (0 = always).
type WebhookFault struct {
	ID          string           `json:"id"`
	Site        string           `json:"site,omitempty"`
	Event       string           `json:"event,omitempty"`
	Kind        WebhookFaultKind `json:"kind"`
	Copies      int              `json:"copies,omitempty"`
	Batch       int              `json:"batch,omitempty"`
	DelayMS     int              `json:"delayMs,omitempty"`
	Delay       time.Duration    `json:"-"`
	Count       int              `json:"count,omitempty"`
	Probability float64          `json:"probability,omitempty"`
	Fired       int              `json:"fired"`
}

// AddWebhookFault installs a webhook fault and returns its id.
func (s *Sim) AddWebhookFault(f WebhookFault) string {
	q := s.hooks
	q.mu.Lock()
	defer q.mu.Unlock()
	f.ID = "webhook-fault-" + strconv.Itoa(len(q.faults)+1)
	if f.Delay == 0 {
		f.Delay = time.Duration(f.DelayMS) * time.Millisecond
	}
	f.Fired = 0
	q.faults = append(q.faults, &f)
	return f.ID
}

// ClearWebhookFaults removes every webhook fault (held deliveries stay
// held until Flush).
func (s *Sim) ClearWebhookFaults() {
	q := s.hooks
	q.mu.Lock()
	defer q.mu.Unlock()
	q.faults = nil
}

func (q *webhookQueue) resetFaults() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.faults = nil
	q.log = nil
}

// matchFault picks the fault for a delivery. Call with q.mu held.
func (q *webhookQueue) matchFault(d *delivery) *WebhookFault {
	for _, f := range q.faults {
		if (f.Site != "" && f.Site != d.site.name) || (f.Event != "" && f.Event != d.event) {
			continue
		}
		if f.Count > 0 && f.Fired >= f.Count {
			continue
		}
		if f.Probability > 0 && !q.sim.chance(f.Probability) {
			continue
		}
		f.Fired++
		return f
	}
	return nil
}

package followupengine

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/remitapp/remit/internal/followup"
)

// Metrics count the engine's recorded outcomes.
type Metrics struct {
	actions *prometheus.CounterVec
}

// NewMetrics registers remit_followup_actions_total on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{actions: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "remit_followup_actions_total",
		Help: "Follow-up actions recorded, by step, action and outcome (done, skipped, failed, cancelled).",
	}, []string{"step", "action", "outcome"})}
	if reg != nil {
		reg.MustRegister(m.actions)
	}
	return m
}

// defaultStep reports whether step is a key of the default ladder; the
// metrics name those and count tenants' own keys as "custom", so the
// label set stays bounded.
func defaultStep(step string) bool {
	switch step {
	case followup.StepReminderBeforeDue, followup.StepOverdue1, followup.StepOverdue7, followup.StepEscalate14,
		followup.StepFinalNotice30, followup.StepStopWork45, followup.StepCollections60:
		return true
	}
	return false
}

func (m *Metrics) count(step, action, outcome string) {
	if m == nil {
		return
	}
	if !defaultStep(step) {
		step = "custom"
	}
	m.actions.WithLabelValues(step, action, outcome).Inc()
}

// TransitionRecorded counts a transition event the Jira sync recorded
// (jirasync.Worker's Recorded): the sync, not the action's job, finishes
// those.
func (m *Metrics) TransitionRecorded(step, status string) {
	m.count(step, string(followup.ActionTransition), status)
}

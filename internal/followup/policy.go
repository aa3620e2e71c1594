package followup

import "time"

// Step is one rung of the ladder: on the day OffsetDays from the due date
// (negative = before it) its actions run, once per invoice or installment.
//
// Messages come from Template, a built-in tone (see Templates), unless the
// step brings its own text: Comment for the Jira comment, Subject, Text
// and HTML for the e-mail. Custom texts are Go templates over Data; an
// e-mail with a custom Text and no HTML gets an HTML part made from the
// text, escaped.
type Step struct {
	Key        string   `json:"key"`
	OffsetDays int      `json:"offsetDays"`
	Actions    []Action `json:"actions"`
	Template   string   `json:"template,omitempty"`
	Comment    string   `json:"comment,omitempty"`
	Subject    string   `json:"subject,omitempty"`
	Text       string   `json:"text,omitempty"`
	HTML       string   `json:"html,omitempty"`
	// AddedAt is when the step's key first appeared in the tenant's saved
	// policy (set by Remit on save, never by the caller; zero for the
	// default ladder's steps). An invoice whose day for the step came
	// before then never gets it: editing the policy never re-sends.
	AddedAt time.Time `json:"addedAt,omitzero"`
}

// StampAdded sets each step's AddedAt for a policy about to replace old:
// a step whose key old has keeps old's stamp, a new or renamed one gets
// now. Whatever the caller sent is ignored.
func (p Policy) StampAdded(old Policy, now time.Time) Policy {
	before := make(map[string]time.Time, len(old.Steps))
	for _, s := range old.Steps {
		before[s.Key] = s.AddedAt
	}
	steps := make([]Step, len(p.Steps))
	for i, s := range p.Steps {
		if at, ok := before[s.Key]; ok {
			s.AddedAt = at
		} else {
			s.AddedAt = now.UTC()
		}
		steps[i] = s
	}
	p.Steps = steps
	return p
}

// Has reports whether the step carries an action of kind k.
func (s Step) Has(k ActionKind) bool {
	for _, a := range s.Actions {
		if a.Kind == k {
			return true
		}
	}
	return false
}

// Message reports whether any of the step's actions speaks to someone.
func (s Step) Message() bool {
	for _, a := range s.Actions {
		if a.Message() {
			return true
		}
	}
	return false
}

// Policy is a tenant's follow-up policy: the ladder, in increasing offset
// order, and the late-fee terms. Its JSON is the body of GET and PUT
// /api/v1/policy.
type Policy struct {
	Steps   []Step        `json:"steps"`
	LateFee LateFeePolicy `json:"lateFee"`
}

// The default ladder's step keys (SPEC §5).
const (
	StepReminderBeforeDue = "reminder-before-due"
	StepOverdue1          = "overdue-1"
	StepOverdue7          = "overdue-7"
	StepEscalate14        = "escalate-14"
	StepFinalNotice30     = "final-notice-30"
	StepStopWork45        = "stop-work-45"
	StepCollections60     = "collections-60"
)

// DefaultPolicy is the ladder of SPEC §5, the way collections people
// work: a friendly heads-up before the due date, polite then firm
// reminders, escalation with leadership in copy, a formal notice with the
// late fee, stop work, and the hand-off to collections. Late fees are off
// until the tenant chooses terms.
func DefaultPolicy() Policy {
	c, e := Action{Kind: ActionComment}, Action{Kind: ActionEmail}
	return Policy{
		Steps: []Step{
			{Key: StepReminderBeforeDue, OffsetDays: -3, Template: TemplateFriendly, Actions: []Action{c, e}},
			{Key: StepOverdue1, OffsetDays: 1, Template: TemplatePolite, Actions: []Action{c, e, {Kind: ActionTransition, Status: RoleOverdue}}},
			{Key: StepOverdue7, OffsetDays: 7, Template: TemplateFirm, Actions: []Action{c, e}},
			{Key: StepEscalate14, OffsetDays: 14, Template: TemplateEscalation, Actions: []Action{c, {Kind: ActionEmail, CC: true}}},
			{Key: StepFinalNotice30, OffsetDays: 30, Template: TemplateFormal, Actions: []Action{{Kind: ActionLateFee}, c, {Kind: ActionEmail, CC: true}}},
			{Key: StepStopWork45, OffsetDays: 45, Template: TemplateStopWork, Actions: []Action{{Kind: ActionLabel, Label: DefaultLabel}, c}},
			{Key: StepCollections60, OffsetDays: 60, Template: TemplateCollections, Actions: []Action{c, {Kind: ActionNotifyAdmins}}},
		},
		LateFee: LateFeePolicy{Preset: PresetNone},
	}
}

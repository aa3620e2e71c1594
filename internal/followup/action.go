package followup

// ActionKind names what a step does. The set is closed: Validate refuses
// anything else, so an executor never meets an action it cannot run.
type ActionKind string

// The actions of SPEC §5.
const (
	ActionComment      ActionKind = "comment"       // a Jira comment on the invoice issue
	ActionEmail        ActionKind = "email"         // an e-mail to the billing address (CC: escalation contacts)
	ActionTransition   ActionKind = "transition"    // move the invoice issue to the status of a role
	ActionLateFee      ActionKind = "late_fee"      // set the invoice's late fee to its value at the run date
	ActionLabel        ActionKind = "label"         // label the customer's open work issues (stop work)
	ActionNotifyAdmins ActionKind = "notify_admins" // tell the site's admins (hand-off to collections)
)

// DefaultLabel is the label of a label action that names none.
const DefaultLabel = "payment-hold"

// RoleOverdue is the status role of the overdue transition; the tenant
// settings map it to a Jira status name (invoice.Statuses.Overdue).
const RoleOverdue = "overdue"

// transitionRoles are the status roles a follow-up may move an invoice
// issue to. Paid and void are set by people recording money, never by
// the engine, so they are not here.
var transitionRoles = map[string]bool{RoleOverdue: true}

// Action is one thing a step does, with the parameter its kind takes.
type Action struct {
	Kind ActionKind `json:"type"`
	// CC copies the customer's escalation contacts (email only).
	CC bool `json:"cc,omitempty"`
	// Status is the status role to move to (transition only), e.g. "overdue".
	Status string `json:"status,omitempty"`
	// Label is the label to add (label only); empty means DefaultLabel.
	Label string `json:"label,omitempty"`
}

// LabelName is the label a label action adds.
func (a Action) LabelName() string {
	if a.Label == "" {
		return DefaultLabel
	}
	return a.Label
}

// Message reports whether the action speaks to someone (comment, e-mail,
// notification). When several message steps are due at once only the
// latest is sent; the other actions change state and are reconciled.
func (a Action) Message() bool {
	switch a.Kind {
	case ActionComment, ActionEmail, ActionNotifyAdmins:
		return true
	}
	return false
}

// same reports whether b has the same effect as a, so that reconciling a
// skipped step can leave out what a later step in the same run does.
func (a Action) same(b Action) bool {
	switch {
	case a.Kind != b.Kind:
		return false
	case a.Kind == ActionLabel:
		return a.LabelName() == b.LabelName()
	default:
		return a.Status == b.Status
	}
}

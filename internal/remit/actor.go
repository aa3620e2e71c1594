package remit

// Actor is who is acting: the tenant and the user's accountId (from the
// context token), or a system actor such as "jira" or "system". Every use
// case that checks permissions or writes the audit log takes one.
type Actor struct {
	Tenant    Tenant
	AccountID string
}

// Name is how the audit log records the actor.
func (a Actor) Name() string {
	if a.AccountID == "" {
		return "system"
	}
	return a.AccountID
}

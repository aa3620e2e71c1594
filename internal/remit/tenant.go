package remit

import "time"

// TenantState is where a tenant stands in the Connect lifecycle.
type TenantState string

// Lifecycle states. An uninstalled tenant keeps its data until the
// retention period ends, so that a re-install restores it.
const (
	TenantInstalled   TenantState = "installed"
	TenantUninstalled TenantState = "uninstalled"
)

// Tenant is one Jira site that installed Remit. It is keyed by the Connect
// clientKey; CloudID and InstallationID let the same site reach Remit
// through Forge later without losing its data.
type Tenant struct {
	ClientKey      string
	AppKey         string
	BaseURL        string // site URL used for REST calls
	DisplayURL     string // URL shown to people; falls back to BaseURL
	ProductType    string
	SharedSecret   string // plaintext in memory only; encrypted at rest
	OAuthClientID  string
	CloudID        string // empty until known
	InstallationID string // empty unless installed through Forge / Connect-on-Forge
	State          TenantState
	Enabled        bool
	InstalledAt    time.Time
	UpdatedAt      time.Time
	UninstalledAt  *time.Time
}

// Active reports whether Remit may act for the tenant: installed and enabled.
func (t Tenant) Active() bool { return t.State == TenantInstalled && t.Enabled }

// LinkURL is the base for links shown to people.
func (t Tenant) LinkURL() string {
	if t.DisplayURL != "" {
		return t.DisplayURL
	}
	return t.BaseURL
}

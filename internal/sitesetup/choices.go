package sitesetup

import (
	"context"
	"fmt"

	"github.com/remitapp/remit/internal/money"
	"github.com/remitapp/remit/internal/remit"
)

// SettingsChoices are the values the settings form offers: the billing
// project's statuses as Jira has them, the currencies Remit knows and a
// list of IANA time zones.
type SettingsChoices struct {
	Statuses   []string `json:"statuses"`
	Currencies []string `json:"currencies"`
	Timezones  []string `json:"timezones"`
}

// Timezones lists the IANA zone names the settings form offers. Any zone
// Go knows is still accepted; these are the ones people usually want.
var Timezones = []string{
	"UTC",
	"Africa/Cairo", "Africa/Johannesburg", "Africa/Lagos", "Africa/Nairobi",
	"America/Anchorage", "America/Argentina/Buenos_Aires", "America/Bogota", "America/Chicago",
	"America/Denver", "America/Halifax", "America/Los_Angeles", "America/Mexico_City",
	"America/New_York", "America/Phoenix", "America/Santiago", "America/Sao_Paulo",
	"America/St_Johns", "America/Toronto", "America/Vancouver",
	"Asia/Bangkok", "Asia/Dhaka", "Asia/Dubai", "Asia/Hong_Kong", "Asia/Jakarta",
	"Asia/Jerusalem", "Asia/Karachi", "Asia/Kathmandu", "Asia/Kolkata", "Asia/Manila",
	"Asia/Riyadh", "Asia/Seoul", "Asia/Shanghai", "Asia/Singapore", "Asia/Taipei",
	"Asia/Tehran", "Asia/Tokyo",
	"Atlantic/Reykjavik",
	"Australia/Adelaide", "Australia/Brisbane", "Australia/Perth", "Australia/Sydney",
	"Europe/Amsterdam", "Europe/Athens", "Europe/Berlin", "Europe/Brussels", "Europe/Dublin",
	"Europe/Helsinki", "Europe/Istanbul", "Europe/Kyiv", "Europe/Lisbon", "Europe/London",
	"Europe/Madrid", "Europe/Moscow", "Europe/Oslo", "Europe/Paris", "Europe/Prague",
	"Europe/Rome", "Europe/Stockholm", "Europe/Vienna", "Europe/Warsaw", "Europe/Zurich",
	"Pacific/Auckland", "Pacific/Honolulu",
}

// SettingsChoices lists the choices for the settings form; the statuses
// are those of project (the saved billing project when empty, none when
// there is neither). Site administrators only.
func (s *Service) SettingsChoices(ctx context.Context, a Actor, project string) (SettingsChoices, error) {
	out := SettingsChoices{Statuses: []string{}, Timezones: Timezones}
	for _, c := range money.Currencies() {
		out.Currencies = append(out.Currencies, string(c))
	}
	if err := s.requireAdmin(ctx, a); err != nil {
		return SettingsChoices{}, err
	}
	if project == "" {
		set, _, err := s.DB.GetSettings(ctx, a.Tenant.ClientKey)
		if err != nil {
			return SettingsChoices{}, err
		}
		project = set.BillingProjectKey
	}
	if project == "" {
		return out, nil
	}
	c, err := s.Jira.For(a.Tenant)
	if err != nil {
		return SettingsChoices{}, err
	}
	names, err := c.ProjectStatuses(ctx, project)
	if remit.IsKind(err, remit.NotFound) {
		return SettingsChoices{}, remit.FieldErrors(remit.Unprocessable, "billing.SettingsChoices", "no such project",
			map[string]string{"project": fmt.Sprintf("Jira has no project %s that Remit can see", project)})
	}
	if err != nil {
		return SettingsChoices{}, err
	}
	if names != nil {
		out.Statuses = names
	}
	return out, nil
}

package billing

import (
	"context"

	"github.com/remitapp/remit/internal/access"
	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/remit"
)

// The gates of SPEC §3, as package access answers them for every use case.

func (s *Service) gate() access.Gate { return access.Gate{DB: s.DB, Perms: s.Perms} }

func (s *Service) requireManage(ctx context.Context, a Actor, billingProject string) error {
	return s.gate().Manage(ctx, a, billingProject)
}

func (s *Service) requireRead(ctx context.Context, a Actor, billingProject string) error {
	return s.gate().Read(ctx, a, billingProject)
}

func (s *Service) requireBrowseAll(ctx context.Context, a Actor, wls []invoice.Worklog) error {
	return s.gate().BrowseAll(ctx, a, wls)
}

func (s *Service) mayBrowseIssue(ctx context.Context, a Actor, issueKey string) (bool, error) {
	return s.gate().MayBrowseIssue(ctx, a, issueKey)
}

// configured loads the settings every invoice operation needs.
func (s *Service) configured(ctx context.Context, t remit.Tenant) (invoice.Settings, error) {
	return s.gate().Configured(ctx, t)
}

// RequireManage allows, for the use cases beside billing's (the customer
// page's links and plan requests), those who may manage the tenant's
// invoices; the billing settings must exist.
func (s *Service) RequireManage(ctx context.Context, a Actor) error {
	set, err := s.configured(ctx, a.Tenant)
	if err != nil {
		return err
	}
	return s.requireManage(ctx, a, set.BillingProjectKey)
}

// RequireRead allows those who may read the tenant's invoices.
func (s *Service) RequireRead(ctx context.Context, a Actor) error {
	set, err := s.configured(ctx, a.Tenant)
	if err != nil {
		return err
	}
	return s.requireRead(ctx, a, set.BillingProjectKey)
}

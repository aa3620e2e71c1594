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

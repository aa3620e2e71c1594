package billing

import (
	"context"

	"github.com/remitapp/remit/internal/remit"
)

// requireAdmin allows Jira site administrators (global ADMINISTER).
func (s *Service) requireAdmin(ctx context.Context, a Actor) error {
	ok, err := s.Perms.CanAdmin(ctx, a.Tenant, a.AccountID)
	if err != nil {
		return err
	}
	if !ok {
		return remit.Errorf(remit.Forbidden, "billing", "this needs Jira administrator permission")
	}
	return nil
}

// requireManage allows project administrators of the billing project and
// site administrators: generating, payments, voiding, customers.
func (s *Service) requireManage(ctx context.Context, a Actor, billingProject string) error {
	ok, err := s.Perms.CanManage(ctx, a.Tenant, a.AccountID, billingProject)
	if err != nil {
		return err
	}
	if !ok {
		return remit.Errorf(remit.Forbidden, "billing", "this needs Administer Projects permission on %s", billingProject)
	}
	return nil
}

// requireRead allows anyone who can browse the billing project, and
// anyone who may manage its invoices.
func (s *Service) requireRead(ctx context.Context, a Actor, billingProject string) error {
	ok, err := s.Perms.CanRead(ctx, a.Tenant, a.AccountID, billingProject)
	if err == nil && !ok {
		ok, err = s.Perms.CanManage(ctx, a.Tenant, a.AccountID, billingProject)
	}
	if err != nil {
		return err
	}
	if !ok {
		return remit.Errorf(remit.Forbidden, "billing", "this needs Browse Projects permission on %s", billingProject)
	}
	return nil
}

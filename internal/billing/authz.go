package billing

import (
	"context"
	"strings"

	"github.com/remitapp/remit/internal/invoice"
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

// requireBrowseAll allows a person to see the work of wls (issue
// summaries, hours) only when they may browse every project it is in:
// one project they may not browse refuses it all, naming none, so that
// nothing of a hidden project shows.
func (s *Service) requireBrowseAll(ctx context.Context, a Actor, wls []invoice.Worklog) error {
	seen := map[string]bool{}
	for _, w := range wls {
		project := w.ProjectKey
		if project == "" {
			project, _, _ = strings.Cut(w.IssueKey, "-")
		}
		if seen[project] {
			continue
		}
		seen[project] = true
		ok, err := s.Perms.CanRead(ctx, a.Tenant, a.AccountID, project)
		if err != nil {
			return err
		}
		if !ok {
			return remit.Errorf(remit.Forbidden, "billing", "this customer's work includes projects you cannot browse; ask a Jira administrator")
		}
	}
	return nil
}

// mayBrowseIssue says whether the person may browse the project of the
// issue key (its part before the dash); a malformed key may not.
func (s *Service) mayBrowseIssue(ctx context.Context, a Actor, issueKey string) (bool, error) {
	project, num, ok := strings.Cut(issueKey, "-")
	if !ok || project == "" || num == "" {
		return false, nil
	}
	return s.Perms.CanRead(ctx, a.Tenant, a.AccountID, project)
}

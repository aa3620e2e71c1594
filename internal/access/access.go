// Package access is the gate every use case passes first (SPEC §3): who
// may read, manage or administer, whether a person may see the work an
// answer shows, and whether the site is configured at all.
package access

import (
	"context"
	"strings"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// Authorizer answers the permission questions of SPEC §3.
type Authorizer interface {
	CanRead(ctx context.Context, t remit.Tenant, accountID, project string) (bool, error)
	CanManage(ctx context.Context, t remit.Tenant, accountID, project string) (bool, error)
	CanAdmin(ctx context.Context, t remit.Tenant, accountID string) (bool, error)
}

// Gate asks Perms and reads the tenant's settings from DB.
type Gate struct {
	DB    *store.DB
	Perms Authorizer
}

// Admin allows Jira site administrators (global ADMINISTER).
func (g Gate) Admin(ctx context.Context, a remit.Actor) error {
	ok, err := g.Perms.CanAdmin(ctx, a.Tenant, a.AccountID)
	if err != nil {
		return err
	}
	if !ok {
		return remit.Errorf(remit.Forbidden, "access", "this needs Jira administrator permission")
	}
	return nil
}

// Manage allows project administrators of the billing project and site
// administrators: generating, payments, voiding, customers.
func (g Gate) Manage(ctx context.Context, a remit.Actor, billingProject string) error {
	ok, err := g.Perms.CanManage(ctx, a.Tenant, a.AccountID, billingProject)
	if err != nil {
		return err
	}
	if !ok {
		return remit.Errorf(remit.Forbidden, "access", "this needs Administer Projects permission on %s", billingProject)
	}
	return nil
}

// Read allows anyone who can browse the billing project, and anyone who
// may manage its invoices.
func (g Gate) Read(ctx context.Context, a remit.Actor, billingProject string) error {
	ok, err := g.Perms.CanRead(ctx, a.Tenant, a.AccountID, billingProject)
	if err == nil && !ok {
		ok, err = g.Perms.CanManage(ctx, a.Tenant, a.AccountID, billingProject)
	}
	if err != nil {
		return err
	}
	if !ok {
		return remit.Errorf(remit.Forbidden, "access", "this needs Browse Projects permission on %s", billingProject)
	}
	return nil
}

// BrowseAll allows a person to see the work of wls (issue summaries,
// hours) only when they may browse every project it is in: one project
// they may not browse refuses it all, naming none, so that nothing of a
// hidden project shows.
func (g Gate) BrowseAll(ctx context.Context, a remit.Actor, wls []invoice.Worklog) error {
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
		ok, err := g.Perms.CanRead(ctx, a.Tenant, a.AccountID, project)
		if err != nil {
			return err
		}
		if !ok {
			return remit.Errorf(remit.Forbidden, "access", "this customer's work includes projects you cannot browse; ask a Jira administrator")
		}
	}
	return nil
}

// MayBrowseIssue says whether the person may browse the project of the
// issue key (its part before the dash); a malformed key may not.
func (g Gate) MayBrowseIssue(ctx context.Context, a remit.Actor, issueKey string) (bool, error) {
	project, num, ok := strings.Cut(issueKey, "-")
	if !ok || project == "" || num == "" {
		return false, nil
	}
	return g.Perms.CanRead(ctx, a.Tenant, a.AccountID, project)
}

// Configured loads the settings every invoice and customer operation
// needs, or says plainly that an administrator must save them first.
func (g Gate) Configured(ctx context.Context, t remit.Tenant) (invoice.Settings, error) {
	set, ok, err := g.DB.GetSettings(ctx, t.ClientKey)
	if err != nil {
		return set, err
	}
	if !ok || set.BillingProjectKey == "" {
		return set, remit.Errorf(remit.Unprocessable, "access", "Remit is not configured yet: a Jira administrator must save the billing settings first")
	}
	return set, nil
}

package sitesetup

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/jira"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// Settings returns the tenant's settings (defaults when never saved) and
// whether they were ever saved. Site administrators only.
func (s *Service) Settings(ctx context.Context, a Actor) (invoice.Settings, bool, error) {
	if err := s.requireAdmin(ctx, a); err != nil {
		return invoice.Settings{}, false, err
	}
	set, ok, err := s.DB.GetSettings(ctx, a.Tenant.ClientKey)
	if err != nil {
		return set, false, err
	}
	if !ok {
		set = invoice.DefaultSettings()
	}
	return set, ok, nil
}

// PutSettings validates the whole settings object, checks against Jira
// that the billing project and issue type exist, and saves it.
func (s *Service) PutSettings(ctx context.Context, a Actor, in invoice.Settings) (invoice.Settings, error) {
	if err := s.requireAdmin(ctx, a); err != nil {
		return in, err
	}
	set := in.WithDefaults()
	if err := set.Validate(); err != nil {
		return set, err
	}
	if err := s.checkProject(ctx, a.Tenant, set); err != nil {
		return set, err
	}
	old, _, err := s.DB.GetSettings(ctx, a.Tenant.ClientKey)
	if err != nil {
		return set, err
	}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := s.DB.PutSettings(ctx, tx, a.Tenant.ClientKey, set, a.Name()); err != nil {
			return err
		}
		if old.Timezone == set.Timezone {
			return nil
		}
		// A step's day begins at local midnight: another zone moves every
		// open invoice's next action. Long past, as for a new policy: the
		// next sweep replans each in the new zone and stores its true time.
		_, err := s.DB.RescheduleOpenInvoices(ctx, tx, a.Tenant.ClientKey, time.Unix(0, 0).UTC())
		return err
	})
	return set, err
}

func (s *Service) checkProject(ctx context.Context, t remit.Tenant, set invoice.Settings) error {
	c, err := s.Jira.For(t)
	if err != nil {
		return err
	}
	p, err := c.Project(ctx, set.BillingProjectKey)
	if remit.IsKind(err, remit.NotFound) {
		return remit.FieldErrors(remit.Unprocessable, "billing.PutSettings", "settings do not match Jira",
			map[string]string{"billingProjectKey": fmt.Sprintf("Jira has no project %s that Remit can see", set.BillingProjectKey)})
	}
	if err != nil {
		return err
	}
	types, err := c.IssueTypesForProject(ctx, p.ID)
	if err != nil {
		return err
	}
	var names []string
	for _, it := range types {
		if strings.EqualFold(it.Name, set.InvoiceIssueType) && !it.Subtask {
			return nil
		}
		if !it.Subtask {
			names = append(names, it.Name)
		}
	}
	return remit.FieldErrors(remit.Unprocessable, "billing.PutSettings", "settings do not match Jira",
		map[string]string{"invoiceIssueType": fmt.Sprintf("project %s has no issue type %q (it has: %s)", set.BillingProjectKey, set.InvoiceIssueType, strings.Join(names, ", "))})
}

// checkJQL asks Jira whether a JQL query is valid, passing Jira's own
// message back on a 400 so the user sees what Jira objects to.
func (s *Service) checkJQL(ctx context.Context, t remit.Tenant, field, jql string) error {
	if hasOrderBy(jql) {
		return remit.FieldErrors(remit.Unprocessable, "billing", "JQL is not valid", map[string]string{field: "must not contain ORDER BY (Remit combines it with other clauses)"})
	}
	c, err := s.Jira.For(t)
	if err != nil {
		return err
	}
	err = c.CheckJQL(ctx, jql)
	if apiErr, ok := jira.AsAPIError(err); ok && apiErr.Status == 400 {
		return remit.FieldErrors(remit.Unprocessable, "billing", "Jira rejected the JQL", map[string]string{field: apiErr.Summary()})
	}
	return err
}

// hasOrderBy spots an ORDER BY outside quoted strings.
func hasOrderBy(jql string) bool {
	var quote rune
	var b strings.Builder
	for _, r := range jql {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
			b.WriteRune(' ')
		case r == '"' || r == '\'':
			quote = r
			b.WriteRune(' ')
		default:
			b.WriteRune(r)
		}
	}
	return strings.Contains(" "+strings.Join(strings.Fields(strings.ToLower(b.String())), " ")+" ", " order by ")
}

package billing

import (
	"context"

	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// IssueBilling is what the work issue panel shows: time logged on the
// issue, how much of it is billed and unbilled, and its invoices.
type IssueBilling struct {
	IssueKey        string
	LoggedSeconds   int64
	BilledSeconds   int64
	UnbilledSeconds int64
	Invoices        []store.IssueInvoice
}

// IssueBilling answers for one work issue. Logged time comes from Jira;
// billed time is the logged time of worklogs that a non-void invoice bills.
func (s *Service) IssueBilling(ctx context.Context, a Actor, issueKey string) (IssueBilling, error) {
	set, err := s.configured(ctx, a.Tenant)
	if err != nil {
		return IssueBilling{}, err
	}
	if err := s.requireRead(ctx, a, set.BillingProjectKey); err != nil {
		return IssueBilling{}, err
	}
	// A missing issue and one the person may not browse look the same.
	notFound := remit.Errorf(remit.NotFound, "billing.IssueBilling", "no issue %s", issueKey)
	if ok, err := s.mayBrowseIssue(ctx, a, issueKey); err != nil || !ok {
		if err != nil {
			return IssueBilling{}, err
		}
		return IssueBilling{}, notFound
	}
	c, err := s.Jira.For(a.Tenant)
	if err != nil {
		return IssueBilling{}, err
	}
	out := IssueBilling{IssueKey: issueKey}
	var ids []int64
	secs := map[int64]int64{}
	logged, err := c.IssueWorklogs(ctx, issueKey)
	if remit.IsKind(err, remit.NotFound) {
		return IssueBilling{}, notFound
	}
	if err != nil {
		return out, err
	}
	for _, w := range logged {
		ids = append(ids, w.ID)
		secs[w.ID] = w.Seconds
		out.LoggedSeconds += w.Seconds
	}
	billed, err := s.DB.BilledWorklogs(ctx, a.Tenant.ClientKey, ids)
	if err != nil {
		return out, err
	}
	for id := range billed {
		out.BilledSeconds += secs[id]
	}
	out.UnbilledSeconds = out.LoggedSeconds - out.BilledSeconds
	out.Invoices, err = s.DB.IssueBilling(ctx, a.Tenant.ClientKey, issueKey)
	return out, err
}

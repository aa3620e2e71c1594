package billing

import (
	"context"
	"strconv"

	"github.com/remitapp/remit/internal/store"
)

// AuditLog returns a page of one invoice's audit entries, oldest first,
// after the entry id afterID: who (an accountId, "jira" or "system"),
// when, what, and the state before and after.
func (s *Service) AuditLog(ctx context.Context, a Actor, id, afterID int64, limit int) ([]store.AuditEntry, error) {
	set, err := s.configured(ctx, a.Tenant)
	if err != nil {
		return nil, err
	}
	if err := s.requireRead(ctx, a, set.BillingProjectKey); err != nil {
		return nil, err
	}
	if _, err := s.DB.Invoice(ctx, a.Tenant.ClientKey, id); err != nil {
		return nil, err // another tenant's id is a 404, never an empty log
	}
	return s.DB.AuditEntries(ctx, a.Tenant.ClientKey, store.AuditFilter{
		Entity: "invoice", EntityID: strconv.FormatInt(id, 10), AfterID: afterID, Limit: limit,
	})
}

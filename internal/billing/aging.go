package billing

import (
	"context"

	"github.com/remitapp/remit/internal/invoice"
)

// Aging is the accounts-receivable aging report as of asOf (the zero
// Date means today in the tenant's zone): balances per customer and per
// currency in the buckets current, 1–30, 31–60, 61–90 and 90+ days past
// due, and days sales outstanding (docs/aging.md).
func (s *Service) Aging(ctx context.Context, a Actor, asOf invoice.Date) (invoice.Aging, error) {
	set, err := s.configured(ctx, a.Tenant)
	if err != nil {
		return invoice.Aging{}, err
	}
	if err := s.requireRead(ctx, a, set.BillingProjectKey); err != nil {
		return invoice.Aging{}, err
	}
	if asOf.IsZero() {
		asOf = invoice.DateOf(s.Now().In(set.Location()))
	}
	items, err := s.DB.AgingItems(ctx, a.Tenant.ClientKey, asOf)
	if err != nil {
		return invoice.Aging{}, err
	}
	return invoice.Age(items, asOf), nil
}

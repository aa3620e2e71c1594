package sitesetup

import (
	"context"
	"strings"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// Customers lists the tenant's customers (Browse Projects on the billing project).
func (s *Service) Customers(ctx context.Context, a Actor, page store.Page) ([]invoice.Customer, string, error) {
	set, err := s.configured(ctx, a.Tenant)
	if err != nil {
		return nil, "", err
	}
	if err := s.requireRead(ctx, a, set.BillingProjectKey); err != nil {
		return nil, "", err
	}
	return s.DB.ListCustomers(ctx, a.Tenant.ClientKey, page)
}

// Customer returns one customer.
func (s *Service) Customer(ctx context.Context, a Actor, id int64) (invoice.Customer, error) {
	set, err := s.configured(ctx, a.Tenant)
	if err != nil {
		return invoice.Customer{}, err
	}
	if err := s.requireRead(ctx, a, set.BillingProjectKey); err != nil {
		return invoice.Customer{}, err
	}
	return s.DB.Customer(ctx, a.Tenant.ClientKey, id)
}

// SaveCustomer creates (c.ID == 0) or replaces a customer after checking
// its fields and asking Jira whether its JQL is valid.
func (s *Service) SaveCustomer(ctx context.Context, a Actor, c invoice.Customer) (invoice.Customer, error) {
	set, err := s.configured(ctx, a.Tenant)
	if err != nil {
		return c, err
	}
	if err := s.requireManage(ctx, a, set.BillingProjectKey); err != nil {
		return c, err
	}
	var before invoice.Customer
	if c.ID != 0 { // unknown or another tenant's id: 404 before anything else
		if before, err = s.DB.Customer(ctx, a.Tenant.ClientKey, c.ID); err != nil {
			return c, err
		}
	}
	if err := c.Validate(); err != nil {
		return c, err
	}
	// The JQL decides which projects' work Remit reads as the app, which
	// sees every project: only site administrators may set it (SPEC §3).
	if c.ID == 0 || strings.TrimSpace(c.JQL) != strings.TrimSpace(before.JQL) {
		ok, err := s.Perms.CanAdmin(ctx, a.Tenant, a.AccountID)
		if err != nil {
			return c, err
		}
		if !ok {
			return c, remit.Errorf(remit.Forbidden, "billing.SaveCustomer",
				"only Jira administrators may set a customer's JQL: it decides which projects' work Remit reads")
		}
	}
	if err := s.checkJQL(ctx, a.Tenant, "jql", c.JQL); err != nil {
		return c, err
	}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		if c.ID == 0 {
			return s.DB.CreateCustomer(ctx, tx, a.Tenant.ClientKey, &c, a.Name())
		}
		return s.DB.UpdateCustomer(ctx, tx, a.Tenant.ClientKey, &c, a.Name())
	})
	if err != nil {
		return c, err
	}
	return s.DB.Customer(ctx, a.Tenant.ClientKey, c.ID)
}

// DeleteCustomer archives a customer: its invoices keep pointing at it.
func (s *Service) DeleteCustomer(ctx context.Context, a Actor, id int64) error {
	set, err := s.configured(ctx, a.Tenant)
	if err != nil {
		return err
	}
	if err := s.requireManage(ctx, a, set.BillingProjectKey); err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		return s.DB.ArchiveCustomer(ctx, tx, a.Tenant.ClientKey, id, a.Name())
	})
}

// Package sitesetup runs what a site is set up with before anything is billed:
// the tenant's settings, checked against Jira; its customers, whose JQL
// Jira must accept; and the choices the settings page offers.
package sitesetup

import (
	"context"
	"log/slog"
	"time"

	"github.com/remitapp/remit/internal/access"
	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/jira"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// Service is the setup use cases for all tenants.
type Service struct {
	DB     *store.DB
	Jira   jira.Sites
	Perms  access.Authorizer
	Now    func() time.Time
	Logger *slog.Logger
}

// Actor is who is acting (remit.Actor).
type Actor = remit.Actor

func (s *Service) gate() access.Gate { return access.Gate{DB: s.DB, Perms: s.Perms} }

func (s *Service) requireAdmin(ctx context.Context, a Actor) error { return s.gate().Admin(ctx, a) }

func (s *Service) requireRead(ctx context.Context, a Actor, billingProject string) error {
	return s.gate().Read(ctx, a, billingProject)
}

func (s *Service) requireManage(ctx context.Context, a Actor, billingProject string) error {
	return s.gate().Manage(ctx, a, billingProject)
}

func (s *Service) configured(ctx context.Context, t remit.Tenant) (invoice.Settings, error) {
	return s.gate().Configured(ctx, t)
}

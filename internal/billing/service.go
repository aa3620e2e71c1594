package billing

import (
	"context"
	"log/slog"
	"time"

	"github.com/remitapp/remit/internal/jira"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// Authorizer answers the permission questions of SPEC §3.
type Authorizer interface {
	CanRead(ctx context.Context, t remit.Tenant, accountID, project string) (bool, error)
	CanManage(ctx context.Context, t remit.Tenant, accountID, project string) (bool, error)
	CanAdmin(ctx context.Context, t remit.Tenant, accountID string) (bool, error)
}

// FollowupScheduler keeps an invoice's next follow-up time in step with
// the invoice: every change that can move its ladder (create, payment,
// plan, dispute, void, write-off) calls Reschedule in its transaction.
type FollowupScheduler interface {
	Reschedule(ctx context.Context, tx *store.Tx, clientKey string, invoiceID int64) error
}

// Service is the billing use cases for all tenants.
type Service struct {
	DB     *store.DB
	Jira   jira.Sites
	Perms  Authorizer
	Now    func() time.Time
	Logger *slog.Logger
	// Followups is told about every invoice change; nil leaves follow-ups
	// unscheduled (tests of billing alone).
	Followups FollowupScheduler
}

// reschedule recomputes the invoice's next follow-up time in tx.
func (s *Service) reschedule(ctx context.Context, tx *store.Tx, clientKey string, id int64) error {
	if s.Followups == nil {
		return nil
	}
	return s.Followups.Reschedule(ctx, tx, clientKey, id)
}

// Actor is who is acting: the tenant and the user's accountId (from the
// context token), or a system actor such as "jira" or "system".
type Actor struct {
	Tenant    remit.Tenant
	AccountID string
}

// Name is how the audit log records the actor.
func (a Actor) Name() string {
	if a.AccountID == "" {
		return "system"
	}
	return a.AccountID
}

package billing

import (
	"context"
	"log/slog"
	"time"

	"github.com/remitapp/remit/internal/access"
	"github.com/remitapp/remit/internal/jira"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// Authorizer answers the permission questions of SPEC §3.
type Authorizer = access.Authorizer

// Service is the billing use cases for all tenants.
type Service struct {
	DB     *store.DB
	Jira   jira.Sites
	Perms  Authorizer
	Now    func() time.Time
	Logger *slog.Logger
}

// reschedule recomputes the invoice's next follow-up time in tx: every
// change that can move its ladder (create, payment, plan, dispute, void,
// write-off) calls it in its transaction. It is also where an invoice
// stops calling for the stop-work label it got (paid, on a plan being
// kept, void or written off): its release jobs are woken in tx to lift
// the label at once instead of at their hourly look. Only an invoice with
// a label done can have one, so other changes touch no job row.
func (s *Service) reschedule(ctx context.Context, tx *store.Tx, clientKey string, id int64) error {
	st, today, err := s.DB.RescheduleFollowupState(ctx, tx, clientKey, id)
	if err != nil {
		return err
	}
	if !st.Labelled() || st.Invoice.HoldsWork(today) {
		return nil
	}
	return s.DB.WakeFollowupReleases(ctx, tx, clientKey, id)
}

// Actor is who is acting (remit.Actor), named here for the use cases'
// signatures.
type Actor = remit.Actor

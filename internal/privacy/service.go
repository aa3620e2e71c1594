package privacy

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"time"

	"github.com/remitapp/remit/internal/jira"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// Admins answers whether a user administers the tenant's Jira site.
type Admins interface {
	CanAdmin(ctx context.Context, t remit.Tenant, accountID string) (bool, error)
}

// Service runs the reporting, erasure, retention and export use cases.
type Service struct {
	DB     *store.DB
	Jira   jira.Sites // whatever the tenant's transport
	Perms  Admins
	Now    func() time.Time
	Logger *slog.Logger
	// Retention is how long an uninstalled tenant's data is kept
	// (REMIT_RETENTION_DAYS).
	Retention time.Duration
	// MaxBatches bounds the reports one run sends for a tenant; zero
	// means 100 (9,000 accounts), the rest waits for the next run.
	MaxBatches int
}

// RetryLater is returned when Atlassian answered 429: the run stops and
// should resume after After (its Retry-After).
type RetryLater struct{ After time.Duration }

func (e *RetryLater) Error() string {
	return "personal data reporting rate limited; retry after " + e.After.String()
}

// Report is what one reporting run did for a tenant.
type Report struct {
	Requests int      // reports sent
	Accounts int      // accounts reported
	Closed   []string // accounts reported closed, now erased
	Updated  int      // accounts reported updated (nothing cached to refresh)
}

// ReportTenant reports the tenant's stored accountIds that are due, at
// most jira.MaxReportAccounts per request, marks each reported until the
// answered Cycle-Period has passed, and erases the data of the accounts
// Atlassian reports closed. A 429 stops the run with *RetryLater; what was
// reported before it stays recorded.
func (s *Service) ReportTenant(ctx context.Context, clientKey string) (Report, error) {
	var rep Report
	t, err := s.DB.TenantByClientKey(ctx, clientKey)
	if err != nil {
		return rep, err
	}
	if !t.Active() {
		return rep, nil // an uninstalled site cannot be called; retention erases it
	}
	if _, err := s.DB.SyncAccountReports(ctx, clientKey); err != nil {
		return rep, err
	}
	maxBatches := s.MaxBatches
	if maxBatches <= 0 {
		maxBatches = 100
	}
	var client jira.Site
	for range maxBatches {
		now := s.Now()
		due, err := s.DB.AccountsDue(ctx, clientKey, now, jira.MaxReportAccounts)
		if err != nil || len(due) == 0 {
			return rep, err
		}
		if client == nil {
			if client, err = s.Jira.For(t); err != nil {
				return rep, err
			}
		}
		batch := make([]jira.ReportedAccount, len(due))
		ids := make([]string, len(due))
		for i, d := range due {
			batch[i] = jira.ReportedAccount{AccountID: d.AccountID, UpdatedAt: d.UpdatedAt.UTC()}
			ids[i] = d.AccountID
		}
		res, err := client.ReportAccounts(ctx, batch)
		if err != nil {
			if apiErr, ok := jira.AsAPIError(err); ok && apiErr.Status == 429 {
				after := apiErr.RetryAfter
				if after <= 0 {
					after = time.Minute
				}
				return rep, &RetryLater{After: after}
			}
			return rep, err
		}
		rep.Requests++
		rep.Accounts += len(ids)
		if err := s.DB.MarkAccountsReported(ctx, clientKey, ids, now, now.Add(res.CyclePeriod)); err != nil {
			return rep, err
		}
		for _, a := range res.Accounts {
			switch a.Status {
			case "closed":
				if _, err := s.DB.EraseAccount(ctx, clientKey, a.AccountID); err != nil {
					return rep, err
				}
				rep.Closed = append(rep.Closed, a.AccountID)
			case "updated":
				rep.Updated++
			}
		}
		s.Logger.InfoContext(ctx, "personal data reported", slog.String("client_key", clientKey),
			slog.Int("accounts", len(ids)), slog.Int("closed", len(rep.Closed)), slog.Duration("cycle", res.CyclePeriod))
	}
	return rep, nil
}

// PurgeExpired deletes every tenant uninstalled more than Retention
// before asOf, all its data included; a tenant re-installed in time is
// kept because the store re-checks the state under a row lock.
func (s *Service) PurgeExpired(ctx context.Context, asOf time.Time) ([]string, error) {
	cutoff := asOf.Add(-s.Retention)
	keys, err := s.DB.UninstalledBefore(ctx, cutoff)
	if err != nil {
		return nil, err
	}
	var purged []string
	var errs []error
	for _, k := range keys {
		ok, err := s.DB.PurgeTenant(ctx, k, cutoff)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if ok {
			purged = append(purged, k)
			s.Logger.InfoContext(ctx, "tenant data purged after retention", slog.String("client_key", k))
		}
	}
	return purged, errors.Join(errs...)
}

// Export gives a site admin every row Remit holds for the tenant as JSON
// (secrets excluded).
func (s *Service) Export(ctx context.Context, t remit.Tenant, accountID string) (map[string]json.RawMessage, error) {
	const op = "privacy.Export"
	if accountID == "" {
		return nil, remit.Errorf(remit.Forbidden, op, "exporting a site's data needs a Jira administrator")
	}
	ok, err := s.Perms.CanAdmin(ctx, t, accountID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, remit.Errorf(remit.Forbidden, op, "exporting a site's data needs a Jira administrator")
	}
	return s.DB.ExportTenant(ctx, t.ClientKey)
}

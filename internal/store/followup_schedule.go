package store

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store/internal/dbsqlc"
)

// The licence states iframe page loads carry (lic=active|none).
const (
	LicenceActive = "active"
	LicenceNone   = "none"
)

// RecordLicence keeps the licence state a page load of the tenant
// carried. It writes only when the state changed, since every page load
// reports it. An unknown tenant is remit.NotFound.
func (db *DB) RecordLicence(ctx context.Context, clientKey, licence string) error {
	const op = "store.RecordLicence"
	if licence != LicenceActive && licence != LicenceNone {
		return remit.Errorf(remit.Invalid, op, "licence must be active or none, not %q", licence)
	}
	err := db.q().RecordLicence(ctx, dbsqlc.RecordLicenceParams{ClientKey: clientKey, Licence: licence, Now: db.now()})
	return classify(op, err)
}

// TenantLicence is the licence state the tenant's page loads last
// carried, "" when none ever did (then the tenant counts as licensed).
func (db *DB) TenantLicence(ctx context.Context, clientKey string) (string, error) {
	const op = "store.TenantLicence"
	lic, err := db.q().TenantLicence(ctx, clientKey)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	return lic, classify(op, err)
}

// FollowupTenant is what the follow-up scheduler needs of a tenant: its
// schedule and zone from the settings, its licence state and the last
// scheduled instant for which a sweep was enqueued (nil = never).
type FollowupTenant struct {
	ClientKey   string
	Timezone    string
	Schedule    string
	Licence     string
	LastInstant *time.Time
}

// FollowupTenants lists every installed, enabled tenant that saved its
// settings, for the scheduler that runs every minute on the leader.
func (db *DB) FollowupTenants(ctx context.Context) ([]FollowupTenant, error) {
	const op = "store.FollowupTenants"
	rows, err := db.q().FollowupTenants(ctx)
	if err != nil {
		return nil, classify(op, err)
	}
	out := make([]FollowupTenant, 0, len(rows))
	for _, r := range rows {
		out = append(out, FollowupTenant(r))
	}
	return out, nil
}

// FollowupTenant reads one tenant's schedule; false when the tenant is
// not installed and enabled or never saved its settings.
func (db *DB) FollowupTenant(ctx context.Context, clientKey string) (FollowupTenant, bool, error) {
	const op = "store.FollowupTenant"
	row, err := db.q().FollowupTenant(ctx, clientKey)
	ft := FollowupTenant(row)
	if errors.Is(err, pgx.ErrNoRows) {
		return ft, false, nil
	}
	if err != nil {
		return ft, false, classify(op, err)
	}
	return ft, true, nil
}

// AdvanceFollowupSchedule moves the tenant's last scheduled instant from
// from (nil = none yet) to to, in tx, and reports whether it did: false
// means another replica advanced it first, and the caller must not
// enqueue the sweep.
func (db *DB) AdvanceFollowupSchedule(ctx context.Context, tx *Tx, clientKey string, from *time.Time, to time.Time) (bool, error) {
	const op = "store.AdvanceFollowupSchedule"
	q := db.queries(tx)
	var n int64
	var err error
	if from == nil {
		n, err = q.StartFollowupSchedule(ctx, dbsqlc.StartFollowupScheduleParams{ClientKey: clientKey, ToInstant: to})
	} else {
		n, err = q.AdvanceFollowupSchedule(ctx, dbsqlc.AdvanceFollowupScheduleParams{ClientKey: clientKey, FromInstant: *from, ToInstant: to})
	}
	if err != nil {
		return false, classify(op, err)
	}
	return n == 1, nil
}

package store

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/store/internal/dbsqlc"
)

// JiraSync is what the sync job needs to make an invoice's Jira issue
// match the invoice.
type JiraSync struct {
	Invoice       invoice.Invoice // with lines
	IssueID       string
	Deleted       bool  // people deleted the issue; the invoice stays
	Version       int64 // bumped by every change to the invoice
	SyncedVersion int64 // the version Jira last matched
	LinksDone     bool  // the billed issues are linked
	Problem       string
}

// JiraSyncState reads an invoice with its sync bookkeeping. The version
// is read before the invoice: a change that commits in between then makes
// the data newer than the version, never older, so a sync that marks the
// version it read synced has projected at least that version (and the
// newer one is synced again). Read the other way round, a payment landing
// between the reads was marked synced without reaching Jira.
func (db *DB) JiraSyncState(ctx context.Context, clientKey string, id int64) (JiraSync, error) {
	const op = "store.JiraSyncState"
	row, err := db.q().JiraSyncState(ctx, dbsqlc.JiraSyncStateParams{ClientKey: clientKey, ID: id})
	if err != nil {
		return JiraSync{}, classify(op, err)
	}
	s := JiraSync{
		IssueID: row.IssueID, Deleted: row.JiraDeleted, Version: row.JiraVersion,
		SyncedVersion: row.JiraSyncedVersion, LinksDone: row.JiraLinksDone, Problem: row.Problem,
	}
	if s.Invoice, err = db.Invoice(ctx, clientKey, id); err != nil {
		return JiraSync{}, err
	}
	return s, nil
}

// BumpJiraVersion marks the invoice as changed since Jira last matched
// it; call it in the transaction that enqueues the sync job.
func (db *DB) BumpJiraVersion(ctx context.Context, tx *Tx, clientKey string, id int64) error {
	const op = "store.BumpJiraVersion"
	n, err := db.queries(tx).BumpJiraVersion(ctx, dbsqlc.BumpJiraVersionParams{ClientKey: clientKey, ID: id})
	if err != nil {
		return classify(op, err)
	}
	if n == 0 {
		return errNotFoundf(op, "no invoice %d", id)
	}
	return nil
}

// MarkJiraLinksDone records that the billed issues are linked.
func (db *DB) MarkJiraLinksDone(ctx context.Context, clientKey string, id int64) error {
	const op = "store.MarkJiraLinksDone"
	n, err := db.q().MarkJiraLinksDone(ctx, dbsqlc.MarkJiraLinksDoneParams{ClientKey: clientKey, ID: id})
	if err != nil {
		return classify(op, err)
	}
	if n == 0 {
		return errNotFoundf(op, "no invoice %d", id)
	}
	return nil
}

// MarkJiraSynced records, in tx when given, that Jira matches version
// (and any problem that stops it matching fully, "" for none) and returns
// the invoice's current version: when it is higher, the invoice changed
// meanwhile.
func (db *DB) MarkJiraSynced(ctx context.Context, tx *Tx, clientKey string, id, version int64, problem string) (int64, error) {
	const op = "store.MarkJiraSynced"
	current, err := db.queries(tx).MarkJiraSynced(ctx, dbsqlc.MarkJiraSyncedParams{ClientKey: clientKey, ID: id, Version: version, Problem: problem})
	if err != nil {
		return 0, classify(op, err)
	}
	return current, nil
}

// ClaimJiraSync takes the invoice's sync lease until until, unless another
// job holds an unexpired one; ok says whether it was taken. The lease it
// returns (the expiry as stored) names this holding: renewing and
// releasing it succeed only while nobody has taken the lease since.
func (db *DB) ClaimJiraSync(ctx context.Context, clientKey string, id int64, until time.Time) (lease time.Time, ok bool, err error) {
	const op = "store.ClaimJiraSync"
	lease, err = db.q().ClaimJiraSync(ctx, dbsqlc.ClaimJiraSyncParams{ClientKey: clientKey, ID: id, Until: until, Now: db.now()})
	if errors.Is(err, pgx.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, classify(op, err)
	}
	return lease, true, nil
}

// RenewJiraSync moves the expiry of the lease held to until, if it is
// still that holding (not expired and taken by another job since); ok
// false means the lease is lost and the holder must stop.
func (db *DB) RenewJiraSync(ctx context.Context, clientKey string, id int64, held, until time.Time) (lease time.Time, ok bool, err error) {
	const op = "store.RenewJiraSync"
	lease, err = db.q().RenewJiraSync(ctx, dbsqlc.RenewJiraSyncParams{ClientKey: clientKey, ID: id, Held: held, Until: until})
	if errors.Is(err, pgx.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, classify(op, err)
	}
	return lease, true, nil
}

// ReleaseJiraSync gives the lease held back; a lease another job has
// taken since is left alone.
func (db *DB) ReleaseJiraSync(ctx context.Context, clientKey string, id int64, held time.Time) error {
	const op = "store.ReleaseJiraSync"
	err := db.q().ReleaseJiraSync(ctx, dbsqlc.ReleaseJiraSyncParams{ClientKey: clientKey, ID: id, Held: held})
	return classify(op, err)
}

package store

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/remitapp/remit/internal/store/internal/dbsqlc"
)

// MailGroup is the follow-up e-mails one sweep queued for one customer's
// invoices: sent as one message (SPEC §5). Members are the events the
// message covers, fixed before it is first sent (empty until then);
// Closed is when the sweep that filled it finished.
type MailGroup struct {
	ID           int64
	CustomerID   int64
	AsOf         time.Time
	CreatedAt    time.Time
	Closed       *time.Time
	Members      []int64
	ClaimedUntil *time.Time
	Sent         *time.Time
}

func mailGroupOf(r dbsqlc.FollowupMailGroup) MailGroup {
	return MailGroup{ID: r.ID, CustomerID: r.CustomerID, AsOf: r.AsOf, CreatedAt: r.CreatedAt, Closed: r.ClosedAt,
		Members: r.Members, ClaimedUntil: r.ClaimedUntil, Sent: r.SentAt}
}

// JoinMailGroup puts the e-mail events ids, queued by a sweep at asOf for
// an invoice of the customer, in that sweep's group for the customer, in
// tx (the sweep's transaction for the invoice), creating the group.
func (db *DB) JoinMailGroup(ctx context.Context, tx *Tx, clientKey string, customerID int64, asOf time.Time, ids []int64) error {
	const op = "store.JoinMailGroup"
	q := db.queries(tx)
	id, err := q.JoinFollowupMailGroup(ctx, dbsqlc.JoinFollowupMailGroupParams{ClientKey: clientKey, CustomerID: customerID,
		AsOf: asOf, Now: db.nowIn(tx)})
	if err != nil {
		return classify(op, err)
	}
	return classify(op, q.SetFollowupMailGroup(ctx, dbsqlc.SetFollowupMailGroupParams{ClientKey: clientKey, GroupID: id, Ids: ids}))
}

// CloseMailGroups marks the tenant's groups of sweeps at or before asOf
// complete: a sweep calls it when it has gone through every due invoice,
// and from then on their e-mails may go out.
func (db *DB) CloseMailGroups(ctx context.Context, clientKey string, asOf time.Time) error {
	const op = "store.CloseMailGroups"
	return classify(op, db.q().CloseFollowupMailGroups(ctx, dbsqlc.CloseFollowupMailGroupsParams{ClientKey: clientKey, AsOf: asOf, Now: db.now()}))
}

// GetMailGroup reads a group; an unknown or other tenant's id is
// remit.NotFound.
func (db *DB) GetMailGroup(ctx context.Context, clientKey string, id int64) (MailGroup, error) {
	const op = "store.GetMailGroup"
	r, err := db.q().FollowupMailGroup(ctx, dbsqlc.FollowupMailGroupParams{ClientKey: clientKey, ID: id})
	if errors.Is(err, pgx.ErrNoRows) {
		return MailGroup{}, errNotFoundf(op, "no follow-up e-mail group %d", id)
	}
	if err != nil {
		return MailGroup{}, classify(op, err)
	}
	return mailGroupOf(r), nil
}

// QueuedMail lists the group's e-mail events still queued, by invoice.
func (db *DB) QueuedMail(ctx context.Context, clientKey string, groupID int64) ([]FollowupEvent, error) {
	const op = "store.QueuedMail"
	rows, err := db.q().QueuedFollowupMail(ctx, dbsqlc.QueuedFollowupMailParams{ClientKey: clientKey, GroupID: groupID})
	return followupEventsOf(op, rows, err)
}

// ClaimMailGroup lets one attempt send the group's message until until:
// it fixes the members to members when none were fixed before, and
// returns the group with the members that count. ok is false when the
// message was sent or another attempt holds the claim.
func (db *DB) ClaimMailGroup(ctx context.Context, clientKey string, id int64, members []int64, until time.Time) (MailGroup, bool, error) {
	const op = "store.ClaimMailGroup"
	r, err := db.q().ClaimFollowupMailGroup(ctx, dbsqlc.ClaimFollowupMailGroupParams{ClientKey: clientKey, ID: id,
		Members: members, Until: until, Now: db.now()})
	if errors.Is(err, pgx.ErrNoRows) {
		return MailGroup{}, false, nil
	}
	if err != nil {
		return MailGroup{}, false, classify(op, err)
	}
	return mailGroupOf(r), true, nil
}

// MarkMailGroupSent records the group's message sent, in tx (with its
// members' outcomes); false when it already was.
func (db *DB) MarkMailGroupSent(ctx context.Context, tx *Tx, clientKey string, id int64) (bool, error) {
	const op = "store.MarkMailGroupSent"
	now := db.nowIn(tx)
	n, err := db.queries(tx).MarkFollowupMailGroupSent(ctx, dbsqlc.MarkFollowupMailGroupSentParams{ClientKey: clientKey, ID: id, Now: now})
	if err != nil {
		return false, classify(op, err)
	}
	return n == 1, nil
}

// ReleaseMailGroup gives up an attempt's claim on a group whose message
// it did not get out, so the next attempt may send at once.
func (db *DB) ReleaseMailGroup(ctx context.Context, clientKey string, id int64) error {
	const op = "store.ReleaseMailGroup"
	return classify(op, db.q().ReleaseFollowupMailGroup(ctx, dbsqlc.ReleaseFollowupMailGroupParams{ClientKey: clientKey, ID: id}))
}

// MarkFollowupPayloads sets the payload of the queued events ids (nil
// clears it): the follow-up engine marks the e-mails a send of their
// group's message carries.
func (db *DB) MarkFollowupPayloads(ctx context.Context, clientKey string, ids []int64, payload json.RawMessage) error {
	const op = "store.MarkFollowupPayloads"
	return classify(op, db.q().MarkFollowupPayloads(ctx, dbsqlc.MarkFollowupPayloadsParams{ClientKey: clientKey, Ids: ids, Payload: payload}))
}

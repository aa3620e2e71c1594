package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store/internal/dbsqlc"
)

// actorJiraWebhook is the audit actor of changes that Jira's webhooks cause.
const actorJiraWebhook = "jira"

// SetInvoiceIssue links an invoice to the Jira issue created for it, once
// the issue job has created it; a later call (a re-created issue) replaces
// the link and clears the deleted flag. An unknown id is remit.NotFound;
// an issue key already linked to another invoice is remit.Conflict.
func (db *DB) SetInvoiceIssue(ctx context.Context, tx *Tx, clientKey string, id int64, issueKey, issueID string) error {
	const op = "store.SetInvoiceIssue"
	if issueKey == "" || issueID == "" {
		return remit.FieldErrors(remit.Invalid, op, "incomplete issue",
			map[string]string{"issueKey": "is required", "issueId": "is required"})
	}
	n, err := db.queries(tx).SetInvoiceIssue(ctx, dbsqlc.SetInvoiceIssueParams{
		ClientKey: clientKey, ID: id, IssueKey: issueKey, IssueID: issueID, Now: db.now(),
	})
	if err != nil {
		return classify(op, err)
	}
	if n == 0 {
		return errNotFoundf(op, "no invoice %d", id)
	}
	return nil
}

// MarkInvoiceIssueDeleted records that someone deleted the invoice's issue
// in Jira. The invoice itself stays (money is never lost); the flag and
// the audit entry let the panel and the log say what happened. Marking
// an invoice already marked changes nothing.
func (db *DB) MarkInvoiceIssueDeleted(ctx context.Context, tx *Tx, clientKey string, id int64) error {
	const op = "store.MarkInvoiceIssueDeleted"
	return db.inTx(ctx, tx, func(tx *Tx) error {
		now := db.now()
		q := db.queries(tx)
		issueKey, err := q.MarkInvoiceIssueDeleted(ctx, dbsqlc.MarkInvoiceIssueDeletedParams{ClientKey: clientKey, ID: id, Now: now})
		if errors.Is(err, pgx.ErrNoRows) {
			// Already flagged (the webhook and the sync job may both notice): once is enough.
			exists, err := q.InvoiceExists(ctx, dbsqlc.InvoiceExistsParams{ClientKey: clientKey, ID: id})
			if err != nil {
				return classify(op, err)
			}
			if exists {
				return nil
			}
			return errNotFoundf(op, "no invoice %d", id)
		}
		if err != nil {
			return classify(op, err)
		}
		after, _ := json.Marshal(map[string]any{"issueKey": issueKey, "issueDeleted": true})
		return db.AppendAudit(ctx, tx, clientKey, AuditEntry{
			At: now, Actor: actorJiraWebhook, Entity: "invoice", EntityID: strconv.FormatInt(id, 10),
			Action: "issue_deleted", After: after,
		})
	})
}

// VoidInvoice cancels an open or partially paid invoice (SPEC §4): its
// status becomes void, its follow-ups stop, and its worklogs are released
// for re-billing (its lines keep their ids for history). Any other status
// is remit.Conflict; an unknown id is remit.NotFound.
func (db *DB) VoidInvoice(ctx context.Context, tx *Tx, clientKey string, id int64, actor string) error {
	const op = "store.VoidInvoice"
	return db.inTx(ctx, tx, func(tx *Tx) error {
		inv, err := db.InvoiceForUpdate(ctx, tx, clientKey, id)
		if err != nil {
			return err
		}
		if !inv.Open() {
			return remit.Errorf(remit.Conflict, op, "invoice %s is %s and cannot be voided", inv.Number, inv.Status)
		}
		now := db.now()
		q := db.queries(tx)
		if err := q.VoidInvoice(ctx, dbsqlc.VoidInvoiceParams{ClientKey: clientKey, ID: id, Now: now}); err != nil {
			return classify(op, err)
		}
		released, err := q.ReleaseBilledWorklogs(ctx, dbsqlc.ReleaseBilledWorklogsParams{ClientKey: clientKey, InvoiceID: id})
		if err != nil {
			return classify(op, err)
		}
		before, _ := json.Marshal(statusDoc{Status: string(inv.Status)})
		after, err := json.Marshal(statusDoc{Status: string(invoice.StatusVoid), Released: released})
		if err != nil {
			return fmt.Errorf("%s: encode audit: %w", op, err)
		}
		return db.AppendAudit(ctx, tx, clientKey, AuditEntry{
			At: now, Actor: actor, Entity: "invoice", EntityID: strconv.FormatInt(id, 10),
			Action: "void", Before: before, After: after,
		})
	})
}

// statusDoc is the audit before and after of a state change.
type statusDoc struct {
	Status   string `json:"status"`
	Released int64  `json:"releasedWorklogs,omitempty"`
}

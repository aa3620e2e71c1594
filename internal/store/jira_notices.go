package store

import (
	"context"

	"github.com/remitapp/remit/internal/store/internal/dbsqlc"
)

// JiraNotice is a comment Remit owes the invoice issue.
type JiraNotice struct {
	ID   int64
	Body string
}

// AddJiraNotice records, in tx, a notice for the invoice's issue: the
// Jira sync posts it as a comment.
func (db *DB) AddJiraNotice(ctx context.Context, tx *Tx, clientKey string, invoiceID int64, body string) error {
	const op = "store.AddJiraNotice"
	err := db.queries(tx).AddJiraNotice(ctx, dbsqlc.AddJiraNoticeParams{ClientKey: clientKey, InvoiceID: invoiceID, Body: body, Now: db.now()})
	return classify(op, err)
}

// PendingJiraNotices are the invoice's notices not yet in Jira, oldest
// first.
func (db *DB) PendingJiraNotices(ctx context.Context, clientKey string, invoiceID int64) ([]JiraNotice, error) {
	const op = "store.PendingJiraNotices"
	rows, err := db.q().PendingJiraNotices(ctx, dbsqlc.PendingJiraNoticesParams{ClientKey: clientKey, InvoiceID: invoiceID})
	if err != nil {
		return nil, classify(op, err)
	}
	out := make([]JiraNotice, 0, len(rows))
	for _, r := range rows {
		out = append(out, JiraNotice{ID: r.ID, Body: r.Body})
	}
	return out, nil
}

// MarkJiraNoticePosted records that the notice is the comment commentID.
func (db *DB) MarkJiraNoticePosted(ctx context.Context, clientKey string, id int64, commentID string) error {
	const op = "store.MarkJiraNoticePosted"
	err := db.q().MarkJiraNoticePosted(ctx, dbsqlc.MarkJiraNoticePostedParams{ClientKey: clientKey, ID: id, Now: db.now(), CommentID: commentID})
	return classify(op, err)
}

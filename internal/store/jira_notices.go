package store

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// JiraNotice is a comment Remit owes the invoice issue.
type JiraNotice struct {
	ID   int64
	Body string
}

// AddJiraNotice records, in tx, a notice for the invoice's issue: the
// Jira sync posts it as a comment.
func (db *DB) AddJiraNotice(ctx context.Context, tx pgx.Tx, clientKey string, invoiceID int64, body string) error {
	const op = "store.AddJiraNotice"
	_, err := db.on(tx).Exec(ctx, `INSERT INTO jira_notices (client_key, invoice_id, body, created_at) VALUES ($1, $2, $3, $4)`,
		clientKey, invoiceID, body, db.now())
	return classify(op, err)
}

// PendingJiraNotices are the invoice's notices not yet in Jira, oldest
// first.
func (db *DB) PendingJiraNotices(ctx context.Context, clientKey string, invoiceID int64) ([]JiraNotice, error) {
	const op = "store.PendingJiraNotices"
	rows, err := db.pool.Query(ctx, `SELECT id, body FROM jira_notices
		WHERE client_key = $1 AND invoice_id = $2 AND posted_at IS NULL ORDER BY id`, clientKey, invoiceID)
	if err != nil {
		return nil, classify(op, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (JiraNotice, error) {
		var n JiraNotice
		return n, r.Scan(&n.ID, &n.Body)
	})
	return out, classify(op, err)
}

// MarkJiraNoticePosted records that the notice is the comment commentID.
func (db *DB) MarkJiraNoticePosted(ctx context.Context, clientKey string, id int64, commentID string) error {
	const op = "store.MarkJiraNoticePosted"
	_, err := db.pool.Exec(ctx, `UPDATE jira_notices SET posted_at = $3, comment_id = $4 WHERE client_key = $1 AND id = $2`,
		clientKey, id, db.now(), commentID)
	return classify(op, err)
}

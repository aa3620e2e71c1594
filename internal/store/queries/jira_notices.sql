-- name: PendingJiraNotices :many
SELECT id, body FROM jira_notices
WHERE client_key = @client_key AND invoice_id = @invoice_id AND posted_at IS NULL
ORDER BY id;

-- name: MarkJiraNoticePosted :exec
UPDATE jira_notices SET posted_at = @now::timestamptz, comment_id = @comment_id::text
WHERE client_key = @client_key AND id = @id;

-- name: AddJiraNotice :exec
INSERT INTO jira_notices (client_key, invoice_id, body, created_at) VALUES (@client_key, @invoice_id, @body, @now);

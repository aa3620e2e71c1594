-- name: JiraSyncState :one
SELECT coalesce(jira_issue_id, '')::text AS issue_id, jira_deleted, jira_version, jira_synced_version,
    jira_links_done, coalesce(jira_problem, '')::text AS problem
FROM invoices WHERE client_key = @client_key AND id = @id;

-- name: MarkJiraLinksDone :execrows
UPDATE invoices SET jira_links_done = true WHERE client_key = @client_key AND id = @id;

-- name: MarkJiraSynced :one
UPDATE invoices SET jira_synced_version = greatest(jira_synced_version, @version::bigint),
    jira_problem = nullif(@problem::text, '')
WHERE client_key = @client_key AND id = @id
RETURNING jira_version;

-- name: ClaimJiraSync :one
UPDATE invoices SET jira_sync_lease = @until::timestamptz
WHERE client_key = @client_key AND id = @id AND (jira_sync_lease IS NULL OR jira_sync_lease < @now::timestamptz)
RETURNING jira_sync_lease::timestamptz AS lease;

-- name: RenewJiraSync :one
UPDATE invoices SET jira_sync_lease = @until::timestamptz
WHERE client_key = @client_key AND id = @id AND jira_sync_lease = @held::timestamptz
RETURNING jira_sync_lease::timestamptz AS lease;

-- name: ReleaseJiraSync :exec
UPDATE invoices SET jira_sync_lease = NULL
WHERE client_key = @client_key AND id = @id AND jira_sync_lease = @held::timestamptz;

-- name: BumpJiraVersion :execrows
UPDATE invoices SET jira_version = jira_version + 1 WHERE client_key = @client_key AND id = @id;

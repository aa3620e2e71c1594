-- name: BilledWorklogs :many
SELECT worklog_id, invoice_id FROM billed_worklogs
WHERE client_key = @client_key AND worklog_id = ANY(@worklog_ids::bigint[]);

-- name: BilledWorklog :one
SELECT b.invoice_id, b.issue_id, l.issue_key, b.seconds, l.rate
FROM billed_worklogs b
JOIN invoice_lines l ON l.client_key = b.client_key AND l.invoice_id = b.invoice_id AND b.worklog_id = ANY (l.worklog_ids)
WHERE b.client_key = @client_key AND b.worklog_id = @worklog_id
LIMIT 1;

-- name: WorklogReview :one
SELECT (needs_review_detail -> 'worklogs')::jsonb AS worklogs FROM invoices WHERE client_key = @client_key AND id = @id;

-- FlagWorklogChange records a worklog's change under its id in the
-- invoice's review detail, unless a change at least as new is recorded
-- already or (with only_if_known) the worklog has no entry yet.
-- name: FlagWorklogChange :execrows
UPDATE invoices SET needs_review = true, updated_at = @now,
    needs_review_detail = coalesce(needs_review_detail, '{}'::jsonb) || jsonb_build_object('worklogs',
        coalesce(needs_review_detail -> 'worklogs', '{}'::jsonb) || jsonb_build_object(@worklog_key::text, @change::jsonb))
WHERE client_key = @client_key AND id = @id
  AND coalesce((needs_review_detail -> 'worklogs' -> @worklog_key::text ->> 'timestamp')::bigint, -1) < @timestamp::bigint
  AND (NOT @only_if_known::bool OR coalesce(needs_review_detail -> 'worklogs', '{}'::jsonb) ? @worklog_key::text);

-- name: CopyBilledWorklogs :copyfrom
-- CopyBilledWorklogs records the worklogs an invoice bills with COPY,
-- several times faster than an INSERT for 10,000 rows.
INSERT INTO billed_worklogs (client_key, worklog_id, invoice_id, issue_id, seconds)
VALUES (@client_key, @worklog_id, @invoice_id, @issue_id, @seconds);

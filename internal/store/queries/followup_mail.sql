-- The e-mail groups of the follow-up engine: one message per customer per
-- sweep (migrations/00021_followup_mail_groups.sql).

-- name: JoinFollowupMailGroup :one
INSERT INTO followup_mail_groups (client_key, customer_id, as_of, created_at)
VALUES (@client_key, @customer_id, @as_of, @now)
ON CONFLICT (client_key, customer_id, as_of) DO UPDATE SET as_of = EXCLUDED.as_of
RETURNING id;

-- name: SetFollowupMailGroup :exec
UPDATE followup_events SET mail_group_id = @group_id
WHERE client_key = @client_key AND id = ANY(@ids::bigint[]) AND action = 'email';

-- name: CloseFollowupMailGroups :exec
UPDATE followup_mail_groups SET closed_at = @now::timestamptz
WHERE client_key = @client_key AND as_of <= @as_of AND closed_at IS NULL;

-- name: FollowupMailGroup :one
SELECT * FROM followup_mail_groups WHERE client_key = @client_key AND id = @id;

-- name: QueuedFollowupMail :many
SELECT * FROM followup_events
WHERE client_key = @client_key AND mail_group_id = @group_id AND action = 'email' AND status = 'queued'
ORDER BY invoice_id, installment_id, id;

-- name: ClaimFollowupMailGroup :one
UPDATE followup_mail_groups
SET members = CASE WHEN cardinality(members) = 0 THEN @members::bigint[] ELSE members END,
    claimed_until = @until::timestamptz
WHERE client_key = @client_key AND id = @id AND sent_at IS NULL
  AND (claimed_until IS NULL OR claimed_until <= @now::timestamptz)
RETURNING *;

-- name: MarkFollowupMailGroupSent :execrows
UPDATE followup_mail_groups SET sent_at = @now::timestamptz, claimed_until = NULL
WHERE client_key = @client_key AND id = @id AND sent_at IS NULL;

-- name: ReleaseFollowupMailGroup :exec
UPDATE followup_mail_groups SET claimed_until = NULL
WHERE client_key = @client_key AND id = @id AND sent_at IS NULL;

-- name: MarkFollowupPayloads :exec
UPDATE followup_events SET payload = sqlc.narg(payload)::jsonb
WHERE client_key = @client_key AND id = ANY(@ids::bigint[]) AND status = 'queued';

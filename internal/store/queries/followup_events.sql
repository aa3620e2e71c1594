-- name: FollowupEventsByID :many
SELECT * FROM followup_events WHERE client_key = @client_key AND id = ANY(@ids::bigint[]) ORDER BY id;

-- name: FollowupEvent :one
SELECT * FROM followup_events WHERE client_key = @client_key AND id = @id;

-- name: StartFollowupAttempt :one
UPDATE followup_events SET attempts = attempts + 1, payload = coalesce(payload, sqlc.narg(payload)::jsonb)
WHERE client_key = @client_key AND id = @id AND status = 'queued'
RETURNING *;

-- name: FollowupActionQueued :one
SELECT EXISTS (SELECT 1 FROM followup_events
    WHERE client_key = @client_key AND invoice_id = @invoice_id AND action = @action AND status = 'queued');

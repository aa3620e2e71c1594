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

-- name: InsertFollowupEvents :many
INSERT INTO followup_events (client_key, invoice_id, installment_id, step, action, status, reconcile, detail, as_of, created_at, at)
SELECT i.client_key, i.id, u.installment_id, u.step, u.action, u.status, u.reconcile, u.detail,
    @as_of::timestamptz, @now::timestamptz, @now::timestamptz
FROM invoices i, (SELECT unnest(@installment_ids::bigint[]) AS installment_id, unnest(@steps::text[]) AS step,
        unnest(@actions::text[]) AS action, unnest(@statuses::text[]) AS status,
        unnest(@reconciles::bool[]) AS reconcile, unnest(@details::text[]) AS detail) u
WHERE i.client_key = @client_key AND i.id = @invoice_id
ORDER BY u.step, u.installment_id, u.action
ON CONFLICT (client_key, invoice_id, installment_id, step, action) DO NOTHING
RETURNING *;

-- InvoiceExists tells an invoice of another tenant (or none) from one
-- whose statement changed nothing; kept here beside its first user, the
-- follow-up events, while invoices.sql changes elsewhere.
-- name: InvoiceExists :one
SELECT EXISTS (SELECT 1 FROM invoices WHERE client_key = @client_key AND id = @id);

-- name: FollowupEvents :many
SELECT * FROM followup_events WHERE client_key = @client_key AND invoice_id = @invoice_id ORDER BY id;

-- name: SetFollowupPayload :execrows
UPDATE followup_events SET payload = @payload::jsonb
WHERE client_key = @client_key AND id = @id AND status = 'queued';

-- name: FinishFollowupEvent :execrows
UPDATE followup_events SET status = @status, detail = @detail, at = @now
WHERE client_key = @client_key AND id = @id AND status = 'queued';

-- name: LabelledInvoicesOfCustomer :many
SELECT DISTINCT e.invoice_id FROM followup_events e
JOIN invoices i ON i.client_key = e.client_key AND i.id = e.invoice_id
WHERE e.client_key = @client_key AND i.customer_id = @customer_id AND e.action = 'label' AND e.status = 'done'
ORDER BY e.invoice_id;

-- name: RequestFollowupSync :execrows
UPDATE followup_events e SET payload = jsonb_build_object('syncRequested', true, 'jiraVersion', i.jira_version)
FROM invoices i
WHERE e.client_key = @client_key AND e.id = @id AND e.status = 'queued'
  AND i.client_key = e.client_key AND i.id = e.invoice_id;

-- name: FinishSyncedTransitions :many
UPDATE followup_events SET status = @status, detail = @detail, at = @now
WHERE client_key = @client_key AND invoice_id = @invoice_id AND action = 'transition' AND status = 'queued'
  AND payload->>'syncRequested' = 'true' AND coalesce((payload->>'jiraVersion')::bigint, 0) <= @version::bigint
RETURNING step;

-- name: AddCustomerPromise :one
INSERT INTO customer_promises (client_key, invoice_id, seq, promised_on, grace_days, created_at)
VALUES (@client_key, @invoice_id,
    coalesce((SELECT max(p.seq) FROM customer_promises p WHERE p.client_key = @client_key AND p.invoice_id = @invoice_id), 0) + 1,
    @promised_on, @grace_days, @now)
RETURNING id, seq;

-- name: LatestCustomerPromise :many
SELECT seq, promised_on, grace_days, created_at FROM customer_promises
WHERE client_key = @client_key AND invoice_id = @invoice_id
ORDER BY seq DESC LIMIT 1;

-- name: AddPlanRequest :one
INSERT INTO plan_requests (client_key, invoice_id, installments, note, created_at)
VALUES (@client_key, @invoice_id, @installments, @note, @now)
RETURNING id;

-- name: PlanRequests :many
SELECT id, installments, note, status, created_at, decided_at, coalesce(decided_by, '')::text AS decided_by
FROM plan_requests WHERE client_key = @client_key AND invoice_id = @invoice_id ORDER BY id;

-- name: PlanRequestForUpdate :one
SELECT id, installments, note, status, created_at, decided_at, coalesce(decided_by, '')::text AS decided_by
FROM plan_requests WHERE client_key = @client_key AND invoice_id = @invoice_id AND id = @id FOR UPDATE;

-- name: DecidePlanRequest :execrows
UPDATE plan_requests SET status = @status, decided_at = @now::timestamptz, decided_by = @decided_by::text
WHERE client_key = @client_key AND invoice_id = @invoice_id AND id = @id AND status = 'pending';

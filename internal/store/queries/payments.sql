-- name: Payments :many
SELECT id, amount, paid_on, method, reference, recorded_by, recorded_at,
    reversed_at, coalesce(reversed_by, '')::text AS reversed_by, coalesce(reversal_reason, '')::text AS reversal_reason
FROM payments WHERE client_key = @client_key AND invoice_id = @invoice_id
ORDER BY id;

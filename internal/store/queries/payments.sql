-- name: Payments :many
SELECT id, amount, paid_on, method, reference, recorded_by, recorded_at
FROM payments WHERE client_key = @client_key AND invoice_id = @invoice_id
ORDER BY id;

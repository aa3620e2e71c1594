-- name: InsertCheckoutSession :exec
INSERT INTO stripe_checkout_sessions (id, client_key, invoice_id, installment_id, amount, currency, url, idempotency_key, created_at)
VALUES (@id, @client_key, @invoice_id, sqlc.narg(installment_id)::bigint, @amount, @currency, @url, @idempotency_key, @created_at)
ON CONFLICT (id) DO NOTHING;

-- name: RecentCheckoutSession :many
-- RecentCheckoutSession finds the newest session created with the key
-- since a time (none, or one row).
SELECT id, invoice_id, installment_id, amount, currency, url, idempotency_key, created_at
FROM stripe_checkout_sessions
WHERE client_key = @client_key AND idempotency_key = @idempotency_key AND created_at >= @since::timestamptz
ORDER BY created_at DESC
LIMIT 1;

-- name: ClaimStripeEvent :execrows
-- ClaimStripeEvent claims nothing for an event already acted on.
INSERT INTO stripe_events (id, client_key, type, payment_intent, received_at)
VALUES (@id, @client_key, @type, @payment_intent, @received_at)
ON CONFLICT (id) DO NOTHING;

-- name: ClaimStripePayment :execrows
-- ClaimStripePayment claims nothing for a payment intent already
-- recorded, whichever event recorded it.
INSERT INTO stripe_payments (payment_intent, client_key, invoice_id, event_id, amount, currency, recorded_at)
VALUES (@payment_intent, @client_key, @invoice_id, @event_id, @amount, @currency, @recorded_at)
ON CONFLICT (payment_intent) DO NOTHING;

-- name: SetStripePaymentOutcome :execrows
UPDATE stripe_payments SET payment_id = sqlc.narg(payment_id)::bigint, excess = @excess
WHERE client_key = @client_key AND payment_intent = @payment_intent;

-- name: StripePayments :many
SELECT payment_intent, invoice_id, event_id, amount, currency, payment_id, excess, recorded_at
FROM stripe_payments
WHERE client_key = @client_key AND invoice_id = @invoice_id
ORDER BY recorded_at, payment_intent;

-- name: StripePaymentByIntent :many
-- StripePaymentByIntent finds, and locks until the transaction ends,
-- what Remit recorded for a payment intent, whichever tenant's: a refund
-- or dispute event names only the intent. None, or one row.
SELECT client_key, payment_intent, invoice_id, event_id, amount, currency, payment_id, excess, recorded_at
FROM stripe_payments WHERE payment_intent = @payment_intent
FOR UPDATE;

-- name: StripeReversals :many
SELECT id, invoice_id, payment_intent, kind, state, amount, returned, event_id, recorded_at, updated_at
FROM stripe_reversals
WHERE client_key = @client_key AND payment_intent = @payment_intent
ORDER BY recorded_at, id;

-- name: InsertStripeReversal :execrows
-- InsertStripeReversal claims nothing for a refund or dispute already
-- acted on.
INSERT INTO stripe_reversals (id, client_key, invoice_id, payment_intent, kind, state, amount, returned, event_id, recorded_at, updated_at)
VALUES (@id, @client_key, @invoice_id, @payment_intent, @kind, @state, @amount, @returned, @event_id, @now, @now)
ON CONFLICT (id) DO NOTHING;

-- name: SetStripeReversal :execrows
UPDATE stripe_reversals SET state = @state, returned = @returned, event_id = @event_id, updated_at = @now
WHERE client_key = @client_key AND id = @id;

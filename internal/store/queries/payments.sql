-- name: Payments :many
SELECT id, amount, returned, paid_on, method, reference, recorded_by, recorded_at,
    reversed_at, coalesce(reversed_by, '')::text AS reversed_by, coalesce(reversal_reason, '')::text AS reversal_reason
FROM payments WHERE client_key = @client_key AND invoice_id = @invoice_id
ORDER BY id;

-- name: AddPaidAmount :execrows
-- AddPaidAmount raises an invoice's paid amount by a payment and sets the
-- status the caller computed; a status that ends the chase clears
-- next_action_at. The paid-within-total CHECK refuses an overpayment.
UPDATE invoices SET paid = paid + @amount, status = @status::text, updated_at = @now,
    next_action_at = CASE WHEN @status::text IN ('open', 'partially_paid') THEN next_action_at END
WHERE client_key = @client_key AND id = @id;

-- name: InsertPayment :one
INSERT INTO payments (client_key, invoice_id, amount, paid_on, method, reference, recorded_by, recorded_at)
VALUES (@client_key, @invoice_id, @amount, @paid_on, @method, @reference, @recorded_by, @recorded_at)
RETURNING id, recorded_at;

-- name: SetInvoiceStatus :execrows
-- SetInvoiceStatus clears next_action_at, as AddPaidAmount does, when
-- the status leaves the open states.
UPDATE invoices SET status = @status::text, updated_at = @now,
    next_action_at = CASE WHEN @status::text IN ('open', 'partially_paid') THEN next_action_at END
WHERE client_key = @client_key AND id = @id;

-- name: SetInvoiceDisputed :execrows
UPDATE invoices SET disputed = @disputed, updated_at = @now WHERE client_key = @client_key AND id = @id;

-- name: ClaimJiraEvent :execrows
-- ClaimJiraEvent claims nothing for an event no newer than the last one
-- applied.
UPDATE invoices SET jira_event_at = @at::timestamptz
WHERE client_key = @client_key AND id = @id AND (jira_event_at IS NULL OR jira_event_at < @at::timestamptz);

-- name: ReturnPayment :execrows
-- ReturnPayment moves how much of a payment went back to the payer by
-- @delta (negative when it comes back); the CHECK keeps it within the
-- payment. A reversed payment is not touched.
UPDATE payments SET returned = returned + @delta::numeric
WHERE client_key = @client_key AND invoice_id = @invoice_id AND id = @id AND reversed_at IS NULL;

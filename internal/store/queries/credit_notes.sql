-- name: InsertCreditNote :one
INSERT INTO credit_notes (client_key, invoice_id, number, issue_date, amount, tax, total, reason, document, created_by, created_at)
VALUES (@client_key, @invoice_id, @number, @issue_date, @amount, @tax, @total, @reason, @document, @created_by, @created_at)
RETURNING id;

-- name: CreditNotes :many
SELECT id, invoice_id, number, issue_date, amount, tax, total, reason, document, created_by, created_at
FROM credit_notes WHERE client_key = @client_key AND invoice_id = @invoice_id
ORDER BY id;

-- name: CreditNote :one
SELECT id, invoice_id, number, issue_date, amount, tax, total, reason, document, created_by, created_at
FROM credit_notes WHERE client_key = @client_key AND invoice_id = @invoice_id AND id = @id;

-- name: CreditedNet :one
SELECT coalesce(sum(amount), 0)::numeric AS net
FROM credit_notes WHERE client_key = @client_key AND invoice_id = @invoice_id;

-- name: AddInvoiceCredit :execrows
-- The credit note's total lowers the balance; leaving the open states
-- clears the follow-up engine's next action (RescheduleFollowup then
-- recomputes it in the same transaction).
UPDATE invoices SET credited = credited + @total::numeric, status = @status::text, updated_at = @now::timestamptz,
    next_action_at = CASE WHEN @status::text IN ('open', 'partially_paid') THEN next_action_at END
WHERE client_key = @client_key AND id = @id;

-- name: ReversePayment :execrows
UPDATE payments SET reversed_at = @now::timestamptz, reversed_by = @reversed_by::text, reversal_reason = @reason::text
WHERE client_key = @client_key AND invoice_id = @invoice_id AND id = @id AND reversed_at IS NULL;

-- name: RecomputeInvoicePaid :one
-- paid is the sum of the payments not reversed, less what of them went
-- back to the payer, whatever the caller
-- computed; it returns it so the caller can check the two agree.
UPDATE invoices i SET status = @status::text, updated_at = @now::timestamptz,
    paid = (SELECT coalesce(sum(p.amount - p.returned), 0) FROM payments p
        WHERE p.client_key = i.client_key AND p.invoice_id = i.id AND p.reversed_at IS NULL),
    next_action_at = CASE WHEN @status::text IN ('open', 'partially_paid') THEN i.next_action_at END
WHERE i.client_key = @client_key AND i.id = @id
RETURNING i.paid;

-- name: WaiveInvoiceLateFees :execrows
UPDATE invoices SET late_fees_waived = late_fees_waived + @amount::numeric, status = @status::text, updated_at = @now::timestamptz,
    next_action_at = CASE WHEN @status::text IN ('open', 'partially_paid') THEN next_action_at END
WHERE client_key = @client_key AND id = @id;

-- name: EraseCreditNoteIssuer :execrows
UPDATE credit_notes SET created_by = @erased_account WHERE client_key = @client_key AND created_by = @account_id;

-- name: ErasePaymentReverser :execrows
UPDATE payments SET reversed_by = @erased_account::text WHERE client_key = @client_key AND reversed_by = @account_id::text;

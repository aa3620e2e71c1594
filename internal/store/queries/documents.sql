-- name: InvoiceDocument :one
-- A draft's lines and discount, and an issued invoice's document; each
-- NULL where the invoice has none.
SELECT status, items, discount, document
FROM invoices WHERE client_key = @client_key AND id = @id;

-- name: SetDraftItems :execrows
UPDATE invoices SET items = @items::jsonb, discount = @discount::jsonb,
    subtotal = @subtotal, tax = @tax, total = @total, updated_at = @updated_at
WHERE client_key = @client_key AND id = @id AND status = 'draft';

-- name: DeleteDraft :execrows
-- Deleting a draft deletes its lines (ON DELETE CASCADE) and the rows that
-- marked its worklogs billed (trigger invoices_release_billed_worklogs), so
-- the work is free to bill again.
DELETE FROM invoices WHERE client_key = @client_key AND id = @id AND status = 'draft';

-- name: FinalizeDraft :execrows
UPDATE invoices SET status = 'open', number = @number, issue_date = @issue_date, due_date = @due_date,
    subtotal = @subtotal, tax = @tax, total = @total, document = @document::jsonb, updated_at = @updated_at
WHERE client_key = @client_key AND id = @id AND status = 'draft';

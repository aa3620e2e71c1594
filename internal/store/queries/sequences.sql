-- name: NextInvoiceNumber :one
-- NextInvoiceNumber takes the next number of a sequence scope, starting at
-- 1; the row lock of the upsert holds until the transaction ends.
INSERT INTO invoice_sequences AS s (client_key, scope, next) VALUES (@client_key, @scope, 1)
ON CONFLICT (client_key, scope) DO UPDATE SET next = s.next + 1
RETURNING next;

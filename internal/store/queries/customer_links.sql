-- name: CurrentCustomerLink :one
SELECT id, token_sealed FROM customer_links
WHERE client_key = @client_key AND invoice_id = @invoice_id AND revoked_at IS NULL;

-- InsertCustomerLink adds the invoice's current link unless another
-- transaction added one first (no row then: read that one).
-- name: InsertCustomerLink :execrows
INSERT INTO customer_links (client_key, invoice_id, token_hash, token_sealed, created_at)
SELECT @client_key, i.id, @token_hash, @token_sealed, @now
FROM invoices i WHERE i.client_key = @client_key AND i.id = @invoice_id
ON CONFLICT (client_key, invoice_id) WHERE revoked_at IS NULL DO NOTHING;

-- name: RevokeCustomerLink :execrows
UPDATE customer_links SET revoked_at = @now::timestamptz, revoked_by = @revoked_by::text
WHERE client_key = @client_key AND invoice_id = @invoice_id AND revoked_at IS NULL;

-- CustomerLinkByHash finds the link a request names by its token's hash,
-- whatever its tenant: the token is the only thing the request brings.
-- name: CustomerLinkByHash :one
SELECT client_key, invoice_id, token_hash, (revoked_at IS NOT NULL)::bool AS revoked
FROM customer_links WHERE token_hash = @token_hash;

-- OpenInvoicesOfCustomer are a customer's invoices that still ask for
-- money, for the customer's statement.
-- name: OpenInvoicesOfCustomer :many
SELECT id FROM invoices
WHERE client_key = @client_key AND customer_id = @customer_id AND status IN ('open', 'partially_paid')
ORDER BY due_date, id;

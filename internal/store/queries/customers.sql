-- name: Customer :one
-- Customer and ListCustomers select the same columns: store converts
-- both rows with customerOf, so keep them in step.
SELECT id, name, jql, currency, hourly_rate, rate_overrides, tax_rate_percent,
    payment_terms_days, billing_email, escalation_emails, late_fee_policy,
    address, tax_id, buyer_reference, peppol_id, e_invoice_format, tax_category, tax_exemption_reason
FROM customers WHERE client_key = @client_key AND id = @id AND archived_at IS NULL;

-- name: ListCustomers :many
SELECT id, name, jql, currency, hourly_rate, rate_overrides, tax_rate_percent,
    payment_terms_days, billing_email, escalation_emails, late_fee_policy,
    address, tax_id, buyer_reference, peppol_id, e_invoice_format, tax_category, tax_exemption_reason
FROM customers WHERE client_key = @client_key AND archived_at IS NULL AND id > @after_id
ORDER BY id LIMIT @max_rows::bigint;

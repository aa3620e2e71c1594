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

-- name: CreateCustomer :one
INSERT INTO customers (client_key, name, jql, currency, hourly_rate, rate_overrides, tax_rate_percent,
    payment_terms_days, billing_email, escalation_emails, late_fee_policy, created_at, updated_at,
    address, tax_id, buyer_reference, peppol_id, e_invoice_format, tax_category, tax_exemption_reason)
VALUES (@client_key, @name, @jql, @currency, @hourly_rate, @rate_overrides, @tax_rate_percent,
    @payment_terms_days, @billing_email, @escalation_emails, @late_fee_policy, @now, @now,
    @address, @tax_id, @buyer_reference, @peppol_id, @e_invoice_format, @tax_category, @tax_exemption_reason)
RETURNING id;

-- name: LockCustomer :one
-- LockCustomer and ArchiveCustomer return the columns of Customer too.
SELECT id, name, jql, currency, hourly_rate, rate_overrides, tax_rate_percent,
    payment_terms_days, billing_email, escalation_emails, late_fee_policy,
    address, tax_id, buyer_reference, peppol_id, e_invoice_format, tax_category, tax_exemption_reason
FROM customers WHERE client_key = @client_key AND id = @id AND archived_at IS NULL FOR UPDATE;

-- name: UpdateCustomer :exec
UPDATE customers SET name = @name, jql = @jql, currency = @currency, hourly_rate = @hourly_rate,
    rate_overrides = @rate_overrides, tax_rate_percent = @tax_rate_percent,
    payment_terms_days = @payment_terms_days, billing_email = @billing_email,
    escalation_emails = @escalation_emails, late_fee_policy = @late_fee_policy, updated_at = @now,
    address = @address, tax_id = @tax_id, buyer_reference = @buyer_reference, peppol_id = @peppol_id,
    e_invoice_format = @e_invoice_format, tax_category = @tax_category,
    tax_exemption_reason = @tax_exemption_reason
WHERE client_key = @client_key AND id = @id;

-- name: ArchiveCustomer :one
UPDATE customers SET archived_at = @now::timestamptz, updated_at = @now::timestamptz
WHERE client_key = @client_key AND id = @id AND archived_at IS NULL
RETURNING id, name, jql, currency, hourly_rate, rate_overrides, tax_rate_percent,
    payment_terms_days, billing_email, escalation_emails, late_fee_policy,
    address, tax_id, buyer_reference, peppol_id, e_invoice_format, tax_category, tax_exemption_reason;

-- What the follow-up engine reads and writes of an invoice (see
-- followup_invoices.go).

-- name: FollowupState :one
SELECT id, number, customer_id, customer_name, status, disputed, currency,
    subtotal, tax, tax_percent, total, paid, late_fees, issue_date, due_date,
    coalesce(jira_issue_key, '')::text AS issue_key, jira_deleted, next_action_at, late_fees_waived, credited,
    (SELECT max(paid_on) FROM payments p WHERE p.client_key = i.client_key AND p.invoice_id = i.id AND p.reversed_at IS NULL)::date AS last_paid_on
FROM invoices i WHERE i.client_key = @client_key AND i.id = @id;

-- FollowupStateForUpdate is FollowupState locking the invoice row, so
-- that the sweeps of several replicas take turns on an invoice.
-- name: FollowupStateForUpdate :one
SELECT id, number, customer_id, customer_name, status, disputed, currency,
    subtotal, tax, tax_percent, total, paid, late_fees, issue_date, due_date,
    coalesce(jira_issue_key, '')::text AS issue_key, jira_deleted, next_action_at, late_fees_waived, credited,
    (SELECT max(paid_on) FROM payments p WHERE p.client_key = i.client_key AND p.invoice_id = i.id AND p.reversed_at IS NULL)::date AS last_paid_on
FROM invoices i WHERE i.client_key = @client_key AND i.id = @id
FOR UPDATE;

-- name: SetNextActionAt :execrows
UPDATE invoices SET next_action_at = sqlc.narg(at)::timestamptz WHERE client_key = @client_key AND id = @id;

-- name: SetInvoiceLateFees :one
UPDATE invoices n SET late_fees = @fee, updated_at = @now
FROM invoices o WHERE n.client_key = @client_key AND n.id = @id AND o.client_key = n.client_key AND o.id = n.id
RETURNING o.late_fees AS before, n.currency;

-- name: RescheduleOpenInvoices :execrows
UPDATE invoices SET next_action_at = @at::timestamptz
WHERE client_key = @client_key AND status IN ('open', 'partially_paid') AND NOT disputed;

-- name: Invoice :one
-- Invoice and InvoiceByIssueKey select the same columns: store converts
-- both rows with invoiceOf, so keep them in step.
SELECT id, number, customer_id, customer_name, status, disputed, needs_review, currency,
    subtotal, tax, tax_percent, total, paid, late_fees, issue_date, due_date, period_start, period_end,
    coalesce(jira_issue_key, '')::text AS issue_key, created_at, updated_at, late_fees_waived, credited
FROM invoices WHERE client_key = @client_key AND id = @id;

-- name: InvoiceForUpdate :one
-- InvoiceForUpdate selects the columns of Invoice too, locking the row.
SELECT id, number, customer_id, customer_name, status, disputed, needs_review, currency,
    subtotal, tax, tax_percent, total, paid, late_fees, issue_date, due_date, period_start, period_end,
    coalesce(jira_issue_key, '')::text AS issue_key, created_at, updated_at, late_fees_waived, credited
FROM invoices WHERE client_key = @client_key AND id = @id FOR UPDATE;

-- name: InvoiceByIssueKey :one
SELECT id, number, customer_id, customer_name, status, disputed, needs_review, currency,
    subtotal, tax, tax_percent, total, paid, late_fees, issue_date, due_date, period_start, period_end,
    coalesce(jira_issue_key, '')::text AS issue_key, created_at, updated_at, late_fees_waived, credited
FROM invoices WHERE client_key = @client_key AND jira_issue_key = @issue_key::text;

-- name: InvoiceLines :many
SELECT issue_key, issue_id, description, seconds, hours, rate, amount, worklog_ids
FROM invoice_lines WHERE client_key = @client_key AND invoice_id = @invoice_id
ORDER BY position;

-- name: AgingItems :many
SELECT i.customer_id, i.customer_name, i.currency, i.issue_date, i.due_date, i.total,
    (CASE WHEN i.status = 'uncollectible' THEN 0
         ELSE i.total + i.late_fees - i.late_fees_waived - coalesce((SELECT sum(p.amount - p.returned) FROM payments p
              WHERE p.client_key = i.client_key AND p.invoice_id = i.id AND p.paid_on <= @as_of::date
                AND p.reversed_at IS NULL), 0)
              - coalesce((SELECT sum(c.total) FROM credit_notes c
              WHERE c.client_key = i.client_key AND c.invoice_id = i.id AND c.issue_date <= @as_of::date), 0)
    END)::numeric AS balance
FROM invoices i
WHERE i.client_key = @client_key AND i.status NOT IN ('void', 'draft') AND i.issue_date <= @as_of::date
ORDER BY i.id;

-- name: IssueBilling :many
SELECT i.id, i.number, i.status, i.disputed, i.currency, i.due_date,
    coalesce(i.jira_issue_key, '')::text AS invoice_issue_key,
    sum(l.seconds)::bigint AS seconds, sum(l.amount)::numeric AS amount
FROM invoice_lines l
JOIN invoices i ON i.client_key = l.client_key AND i.id = l.invoice_id
WHERE l.client_key = @client_key AND l.issue_key = @issue_key
GROUP BY i.id
ORDER BY i.id DESC;

-- name: DueInvoices :many
SELECT id, next_action_at::timestamptz AS next_action_at FROM invoices
WHERE client_key = @client_key AND next_action_at <= @as_of::timestamptz
ORDER BY next_action_at, id LIMIT @max_rows::bigint;

-- name: DueInvoicesAfter :many
SELECT id, next_action_at::timestamptz AS next_action_at FROM invoices
WHERE client_key = @client_key AND next_action_at <= @as_of::timestamptz
  AND (next_action_at, id) > (@after_at::timestamptz, @after_id::bigint)
ORDER BY next_action_at, id LIMIT @max_rows::bigint;

-- name: CountDueInvoices :one
SELECT count(*) FROM (SELECT 1 FROM invoices
    WHERE client_key = @client_key AND next_action_at <= @as_of::timestamptz LIMIT @max_rows::bigint) due;

-- name: InvoiceIDByIssue :one
SELECT k.id FROM invoices k WHERE k.client_key = @client_key AND k.jira_issue_key = @issue_key::text
UNION ALL
SELECT d.id FROM invoices d WHERE d.client_key = @client_key AND d.jira_issue_id = @issue_id::text AND @issue_id::text <> ''
LIMIT 1;

-- name: SetInvoiceIssue :execrows
UPDATE invoices SET jira_issue_key = @issue_key::text, jira_issue_id = @issue_id::text, jira_deleted = false, updated_at = @now
WHERE client_key = @client_key AND id = @id;

-- name: MarkInvoiceIssueDeleted :one
-- MarkInvoiceIssueDeleted returns no row when the invoice is unknown or
-- already marked.
UPDATE invoices SET jira_deleted = true, updated_at = @now
WHERE client_key = @client_key AND id = @id AND NOT jira_deleted
RETURNING coalesce(jira_issue_key, '')::text AS issue_key;

-- name: VoidInvoice :exec
UPDATE invoices SET status = 'void', next_action_at = NULL, updated_at = @now
WHERE client_key = @client_key AND id = @id;

-- name: ReleaseBilledWorklogs :execrows
-- ReleaseBilledWorklogs frees a voided invoice's worklogs for re-billing.
DELETE FROM billed_worklogs WHERE client_key = @client_key AND invoice_id = @invoice_id;

-- name: InsertInvoice :one
-- InsertInvoice writes an invoice and its lines in one statement. Lines
-- arrive as parallel arrays; each line's worklog ids travel as one array
-- literal in a text[] because SQL arrays cannot be ragged. The billed
-- worklogs follow by COPY (CopyBilledWorklogs). An invoice issued in one
-- step carries its document; a draft has none yet.
WITH inv AS (
    INSERT INTO invoices (client_key, number, customer_id, customer_name, status, disputed, needs_review,
        currency, subtotal, tax, tax_percent, total, paid, late_fees,
        issue_date, due_date, period_start, period_end, created_by, created_at, updated_at, document)
    VALUES (@client_key, @number, @customer_id, @customer_name, @status, @disputed, @needs_review,
        @currency, @subtotal, @tax, @tax_percent, @total, @paid, @late_fees,
        @issue_date, @due_date, @period_start, @period_end, @created_by, @now, @now, sqlc.narg(document)::jsonb)
    RETURNING id, created_at, updated_at
), lines AS (
    INSERT INTO invoice_lines (client_key, invoice_id, position, issue_key, issue_id, description,
        seconds, hours, rate, amount, worklog_ids)
    SELECT @client_key, inv.id, l.pos, l.issue_key, l.issue_id, l.description,
        l.seconds, l.hours, l.rate, l.amount, l.worklog_ids::bigint[]
    FROM inv, ROWS FROM (unnest(@issue_keys::text[]), unnest(@issue_ids::text[]), unnest(@descriptions::text[]),
        unnest(@seconds::bigint[]), unnest(@hours::numeric[]), unnest(@rates::numeric[]), unnest(@amounts::numeric[]),
        unnest(@worklog_ids::text[])) WITH ORDINALITY
        AS l(issue_key, issue_id, description, seconds, hours, rate, amount, worklog_ids, pos)
)
SELECT inv.id, inv.created_at, inv.updated_at FROM inv;

-- name: BilledElsewhere :many
-- BilledElsewhere names, for the worklogs an insert found already billed,
-- the invoice that holds each.
SELECT b.worklog_id, i.number FROM billed_worklogs b
JOIN invoices i ON i.client_key = b.client_key AND i.id = b.invoice_id
WHERE b.client_key = @client_key AND b.worklog_id = ANY(@worklog_ids::bigint[]) AND b.invoice_id <> @invoice_id
ORDER BY b.worklog_id;

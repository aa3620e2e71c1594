-- name: SyncAccountReports :execrows
-- The account sources (audit actors, who saved the settings or the
-- policy, who created invoices, who recorded payments, per-person rate
-- overrides) are spelled out here and in AccountsDue alike: change both.
-- The system actors ("system", "jira") and erased ids are not people.
INSERT INTO account_reports (client_key, account_id)
SELECT DISTINCT @client_key::text, s.account_id FROM (
    SELECT actor AS account_id, at AS changed_at FROM audit_log WHERE client_key = @client_key
    UNION ALL SELECT updated_by, updated_at FROM settings WHERE client_key = @client_key
    UNION ALL SELECT updated_by, updated_at FROM followup_policies WHERE client_key = @client_key
    UNION ALL SELECT created_by, created_at FROM invoices WHERE client_key = @client_key
    UNION ALL SELECT recorded_by, recorded_at FROM payments WHERE client_key = @client_key
    UNION ALL SELECT k, updated_at FROM customers, jsonb_object_keys(coalesce(rate_overrides->'accounts', '{}')) AS k
        WHERE client_key = @client_key
) s
WHERE s.account_id NOT IN ('', 'system', 'jira', @erased_account::text)
ON CONFLICT (client_key, account_id) DO NOTHING;

-- name: AccountsDue :many
WITH src AS (
    SELECT actor AS account_id, at AS changed_at FROM audit_log WHERE client_key = @client_key
    UNION ALL SELECT updated_by, updated_at FROM settings WHERE client_key = @client_key
    UNION ALL SELECT updated_by, updated_at FROM followup_policies WHERE client_key = @client_key
    UNION ALL SELECT created_by, created_at FROM invoices WHERE client_key = @client_key
    UNION ALL SELECT recorded_by, recorded_at FROM payments WHERE client_key = @client_key
    UNION ALL SELECT k, updated_at FROM customers, jsonb_object_keys(coalesce(rate_overrides->'accounts', '{}')) AS k
        WHERE client_key = @client_key
)
SELECT r.account_id,
    coalesce((SELECT max(changed_at) FROM src WHERE src.account_id = r.account_id), @as_of::timestamptz)::timestamptz AS updated_at
FROM account_reports r
WHERE r.client_key = @client_key AND r.status = 'active'
  AND (r.next_report_at IS NULL OR r.next_report_at <= @as_of::timestamptz)
ORDER BY r.account_id
LIMIT @max_rows::bigint;

-- name: MarkAccountsReported :exec
UPDATE account_reports SET reported_at = @at::timestamptz, next_report_at = @next::timestamptz
WHERE client_key = @client_key AND account_id = ANY(@account_ids::text[]) AND status = 'active';

-- name: AnonymiseAudit :one
SELECT remit_anonymise_audit(@client_key, @account_id, @erased_account)::bigint;

-- name: EraseInvoiceCreator :execrows
UPDATE invoices SET created_by = @erased_account WHERE client_key = @client_key AND created_by = @account_id;

-- name: ErasePaymentRecorder :execrows
UPDATE payments SET recorded_by = @erased_account WHERE client_key = @client_key AND recorded_by = @account_id;

-- name: EraseSettingsEditor :execrows
UPDATE settings SET updated_by = @erased_account WHERE client_key = @client_key AND updated_by = @account_id;

-- name: ErasePolicyEditor :execrows
UPDATE followup_policies SET updated_by = @erased_account WHERE client_key = @client_key AND updated_by = @account_id;

-- name: EraseRateOverride :execrows
UPDATE customers SET rate_overrides = jsonb_set(rate_overrides, '{accounts}', (rate_overrides->'accounts') - @account_id::text)
WHERE client_key = @client_key AND rate_overrides->'accounts' ? @account_id::text AND @erased_account::text <> '';

-- name: ForgetAccountReport :exec
DELETE FROM account_reports WHERE client_key = @client_key AND account_id = @account_id;

-- name: UninstalledBefore :many
SELECT client_key FROM tenants
WHERE state = 'uninstalled' AND uninstalled_at < @cutoff::timestamptz
ORDER BY client_key;

-- name: StillUninstalledForUpdate :one
SELECT true FROM tenants
WHERE client_key = @client_key AND state = 'uninstalled' AND uninstalled_at < @cutoff::timestamptz
FOR UPDATE;

-- name: DeleteTenant :exec
DELETE FROM tenants WHERE client_key = @client_key;

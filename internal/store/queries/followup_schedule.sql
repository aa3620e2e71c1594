-- name: RecordLicence :exec
INSERT INTO tenant_licences (client_key, licence, seen_at) VALUES (@client_key, @licence, @now)
ON CONFLICT (client_key) DO UPDATE SET licence = EXCLUDED.licence, seen_at = EXCLUDED.seen_at
WHERE tenant_licences.licence <> EXCLUDED.licence;

-- name: TenantLicence :one
SELECT licence FROM tenant_licences WHERE client_key = @client_key;

-- name: FollowupTenants :many
SELECT t.client_key, coalesce(s.doc->>'timezone', '')::text AS timezone,
    coalesce(s.doc->>'followupSchedule', '')::text AS schedule,
    coalesce(l.licence, '')::text AS licence, f.last_instant
FROM tenants t
JOIN settings s ON s.client_key = t.client_key
LEFT JOIN tenant_licences l ON l.client_key = t.client_key
LEFT JOIN followup_schedules f ON f.client_key = t.client_key
WHERE t.state = 'installed' AND t.enabled
ORDER BY t.client_key;

-- name: FollowupTenant :one
SELECT t.client_key, coalesce(s.doc->>'timezone', '')::text AS timezone,
    coalesce(s.doc->>'followupSchedule', '')::text AS schedule,
    coalesce(l.licence, '')::text AS licence, f.last_instant
FROM tenants t
JOIN settings s ON s.client_key = t.client_key
LEFT JOIN tenant_licences l ON l.client_key = t.client_key
LEFT JOIN followup_schedules f ON f.client_key = t.client_key
WHERE t.state = 'installed' AND t.enabled AND t.client_key = @client_key;

-- name: StartFollowupSchedule :execrows
INSERT INTO followup_schedules (client_key, last_instant) VALUES (@client_key, @to_instant)
ON CONFLICT (client_key) DO NOTHING;

-- name: AdvanceFollowupSchedule :execrows
UPDATE followup_schedules SET last_instant = @to_instant
WHERE client_key = @client_key AND last_instant = @from_instant;

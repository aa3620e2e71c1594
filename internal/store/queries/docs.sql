-- The documents a tenant saves whole (see docs.go): the settings and the
-- follow-up policy, each read under lock and upserted with who saved it.

-- name: SettingsDocForUpdate :one
SELECT doc FROM settings WHERE client_key = @client_key FOR UPDATE;

-- name: PutSettingsDoc :exec
INSERT INTO settings (client_key, doc, updated_at, updated_by) VALUES (@client_key, @doc, @now, @actor)
ON CONFLICT (client_key) DO UPDATE SET
    doc = EXCLUDED.doc, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by;

-- name: PolicyDocForUpdate :one
SELECT doc FROM followup_policies WHERE client_key = @client_key FOR UPDATE;

-- name: PutPolicyDoc :exec
INSERT INTO followup_policies (client_key, doc, updated_at, updated_by) VALUES (@client_key, @doc, @now, @actor)
ON CONFLICT (client_key) DO UPDATE SET
    doc = EXCLUDED.doc, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by;

-- FollowupTerms reads both documents' parts that an invoice's next action
-- time depends on: the policy (NULL when none was saved) and the
-- settings' timezone ('' when none).
-- name: FollowupTerms :one
SELECT (SELECT doc FROM followup_policies p WHERE p.client_key = @client_key)::jsonb AS policy,
    coalesce((SELECT s.doc->>'timezone' FROM settings s WHERE s.client_key = @client_key), '')::text AS timezone;

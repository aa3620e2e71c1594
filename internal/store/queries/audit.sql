-- name: AuditEntries :many
SELECT id, at, actor, entity, entity_id, action, before, after
FROM audit_log
WHERE client_key = @client_key
  AND (@entity::text = '' OR entity = @entity)
  AND (@entity_id::text = '' OR entity_id = @entity_id)
  AND id > @after_id
ORDER BY id
LIMIT @max_rows::bigint;

-- name: AppendAudit :exec
INSERT INTO audit_log (client_key, at, actor, entity, entity_id, action, before, after)
VALUES (@client_key, @at, @actor, @entity, @entity_id, @action, sqlc.narg(before)::jsonb, sqlc.narg(after)::jsonb);

-- name: PurgeAudit :one
SELECT remit_purge_audit(@client_key::text)::bigint AS purged;

-- name: AuditEntries :many
SELECT id, at, actor, entity, entity_id, action, before, after
FROM audit_log
WHERE client_key = @client_key
  AND (@entity::text = '' OR entity = @entity)
  AND (@entity_id::text = '' OR entity_id = @entity_id)
  AND id > @after_id
ORDER BY id
LIMIT @max_rows::bigint;

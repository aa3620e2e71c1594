-- name: WebhookDeliverySeen :one
SELECT EXISTS (SELECT 1 FROM webhook_deliveries WHERE client_key = @client_key AND identifier = @identifier);

-- name: PruneWebhookDeliveries :execrows
DELETE FROM webhook_deliveries WHERE ctid = ANY (ARRAY(
    SELECT w.ctid FROM webhook_deliveries w WHERE w.received_at < @older_than LIMIT @batch));

-- name: WebhookPayload :one
SELECT payload FROM webhook_deliveries
WHERE client_key = @client_key AND identifier = @identifier AND payload IS NOT NULL;

-- name: RecordWebhookDelivery :execrows
INSERT INTO webhook_deliveries (client_key, identifier, event, received_at)
VALUES (@client_key, @identifier, @event, @received_at)
ON CONFLICT (client_key, identifier) DO NOTHING;

-- RecordWebhookDeliveries records many deliveries of any tenants in key
-- order (so concurrent groups wait for each other instead of
-- deadlocking) and returns the keys it inserted. The arrays run in
-- parallel (one unnest each, zipped). COPY (:copyfrom) would be faster
-- but cannot skip duplicates or return what it inserted.
-- name: RecordWebhookDeliveries :many
INSERT INTO webhook_deliveries (client_key, identifier, event, received_at, payload)
SELECT d.client_key, d.identifier, d.event, @received_at::timestamptz, d.payload
FROM (SELECT unnest(@client_keys::text[]) AS client_key, unnest(@identifiers::text[]) AS identifier,
        unnest(@events::text[]) AS event, unnest(@payloads::bytea[]) AS payload) d
ORDER BY d.client_key, d.identifier
ON CONFLICT (client_key, identifier) DO NOTHING
RETURNING client_key, identifier;

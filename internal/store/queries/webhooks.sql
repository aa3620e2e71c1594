-- name: WebhookDeliverySeen :one
SELECT EXISTS (SELECT 1 FROM webhook_deliveries WHERE client_key = @client_key AND identifier = @identifier);

-- name: PruneWebhookDeliveries :execrows
DELETE FROM webhook_deliveries WHERE ctid = ANY (ARRAY(
    SELECT w.ctid FROM webhook_deliveries w WHERE w.received_at < @older_than LIMIT @batch));

-- name: WebhookPayload :one
SELECT payload FROM webhook_deliveries
WHERE client_key = @client_key AND identifier = @identifier AND payload IS NOT NULL;

-- +goose Up
-- A delivery's body lives with its identifier, not in the job's args:
-- River indexes job args with GIN, and indexing every webhook body there
-- cost more than everything else a delivery does. The job carries only
-- the tenant, identifier and event, and reads the body from here.
ALTER TABLE webhook_deliveries ADD COLUMN payload bytea NULL;

-- +goose Down
ALTER TABLE webhook_deliveries DROP COLUMN payload;

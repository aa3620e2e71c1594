-- +goose Up
-- Jira may deliver a webhook more than once; the first insert of an
-- (client_key, X-Atlassian-Webhook-Identifier) pair wins, in the same
-- transaction as the job that processes it.
CREATE TABLE webhook_deliveries (
    client_key  text        NOT NULL REFERENCES tenants (client_key) ON DELETE CASCADE,
    identifier  text        NOT NULL CHECK (identifier <> ''),
    event       text        NOT NULL,
    received_at timestamptz NOT NULL,
    PRIMARY KEY (client_key, identifier)
);

-- Pruning deletes old rows by age across all tenants.
CREATE INDEX webhook_deliveries_received_at_idx ON webhook_deliveries (received_at);

-- +goose Down
DROP TABLE webhook_deliveries;

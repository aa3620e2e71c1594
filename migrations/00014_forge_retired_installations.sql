-- +goose Up
-- Forge installation ids a tenant had before its current one. A site's
-- installationId can change without any lifecycle event; Remit follows a
-- verified invocation that names a new id for a known cloudId, and an id
-- it has replaced never takes the tenant back.
CREATE TABLE forge_retired_installations (
    installation_id text        PRIMARY KEY CHECK (installation_id <> ''),
    client_key      text        NOT NULL REFERENCES tenants (client_key) ON DELETE CASCADE,
    retired_at      timestamptz NOT NULL
);

-- +goose Down
DROP TABLE forge_retired_installations;

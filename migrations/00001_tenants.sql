-- +goose Up
-- One row per Jira site that installed Remit, keyed by the Connect clientKey.
-- cloud_id and installation_id let the same site reach Remit through Forge
-- later and keep its data; each identifies at most one tenant.
CREATE TABLE tenants (
    client_key        text        PRIMARY KEY CHECK (client_key <> ''),
    app_key           text        NOT NULL,
    base_url          text        NOT NULL,
    display_url       text        NOT NULL DEFAULT '',
    product_type      text        NOT NULL DEFAULT '',
    shared_secret_enc bytea       NOT NULL,
    oauth_client_id   text        NOT NULL DEFAULT '',
    cloud_id          text        NULL CHECK (cloud_id <> ''),
    installation_id   text        NULL CHECK (installation_id <> ''),
    state             text        NOT NULL CHECK (state IN ('installed', 'uninstalled')),
    enabled           boolean     NOT NULL DEFAULT false,
    installed_at      timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    uninstalled_at    timestamptz NULL,
    CHECK ((state = 'uninstalled') = (uninstalled_at IS NOT NULL))
);

CREATE UNIQUE INDEX tenants_cloud_id_key ON tenants (cloud_id) WHERE cloud_id IS NOT NULL;
CREATE UNIQUE INDEX tenants_installation_id_key ON tenants (installation_id) WHERE installation_id IS NOT NULL;
-- Retention sweeps look for tenants uninstalled long enough ago.
CREATE INDEX tenants_uninstalled_at_idx ON tenants (uninstalled_at) WHERE uninstalled_at IS NOT NULL;

-- +goose Down
DROP TABLE tenants;

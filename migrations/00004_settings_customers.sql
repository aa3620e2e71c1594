-- +goose Up
-- A tenant's billing settings (SPEC §4) as one document in the API's JSON
-- shape: the settings are always read and written whole, and new fields
-- need no migration. A tenant without a row has never saved settings.
CREATE TABLE settings (
    client_key text        PRIMARY KEY REFERENCES tenants (client_key) ON DELETE CASCADE,
    doc        jsonb       NOT NULL CHECK (jsonb_typeof(doc) = 'object'),
    updated_at timestamptz NOT NULL,
    updated_by text        NOT NULL
);

-- Who a tenant bills, and how. Rates and tax are exact decimals. Rows are
-- archived, never deleted, because invoices keep pointing at them.
CREATE TABLE customers (
    id                 bigserial   PRIMARY KEY,
    client_key         text        NOT NULL REFERENCES tenants (client_key) ON DELETE CASCADE,
    name               text        NOT NULL CHECK (name <> ''),
    jql                text        NOT NULL,
    currency           char(3)     NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    hourly_rate        numeric     NOT NULL CHECK (hourly_rate >= 0),
    -- {"accounts": {"<accountId>": "140.00"}, "projects": {"<KEY>": "120.00"}}
    rate_overrides     jsonb       NOT NULL DEFAULT '{"accounts": {}, "projects": {}}',
    tax_rate_percent   numeric     NOT NULL DEFAULT 0 CHECK (tax_rate_percent >= 0),
    payment_terms_days integer     NULL CHECK (payment_terms_days >= 0),
    billing_email      text        NOT NULL DEFAULT '',
    escalation_emails  text[]      NOT NULL DEFAULT '{}',
    late_fee_policy    text        NOT NULL DEFAULT '',
    archived_at        timestamptz NULL,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    -- Lets invoices reference a customer together with its tenant, so an
    -- invoice can never point at another tenant's customer.
    UNIQUE (client_key, id)
);

-- Names are unique per tenant, ignoring case, among customers in use; an
-- archived customer's name is free again.
CREATE UNIQUE INDEX customers_name_key ON customers (client_key, lower(name)) WHERE archived_at IS NULL;

-- +goose Down
DROP TABLE customers;
DROP TABLE settings;

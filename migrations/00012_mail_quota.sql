-- +goose Up
-- E-mails each tenant sent per day (UTC on Remit's clock), against
-- REMIT_MAIL_TENANT_DAILY_LIMIT: whoever can configure a tenant cannot
-- make Remit send without bound under the operator's sender.
CREATE TABLE mail_quota (
    client_key text    NOT NULL REFERENCES tenants (client_key) ON DELETE CASCADE,
    day        date    NOT NULL,
    sent       integer NOT NULL,
    -- refused is set by the first e-mail held back that day, which tells
    -- the tenant's administrators once.
    refused    boolean NOT NULL DEFAULT false,
    PRIMARY KEY (client_key, day)
);

-- +goose Down
DROP TABLE mail_quota;

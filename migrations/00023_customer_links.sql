-- +goose Up
-- The links of the customer page (SPEC §15): GET /c/{token}. A token is
-- 256 random bits bound to one invoice of one tenant. Only its SHA-256
-- is kept in clear (to find the link a request names) and the token
-- itself sealed with the tenant's key (to put the same link in every
-- e-mail), so the database alone gives no working link. A revoked link
-- keeps its row, so its page can say it was revoked; at most one link
-- per invoice is current.
CREATE TABLE customer_links (
    client_key   text        NOT NULL REFERENCES tenants (client_key) ON DELETE CASCADE,
    id           bigserial   NOT NULL,
    invoice_id   bigint      NOT NULL,
    token_hash   bytea       NOT NULL CHECK (length(token_hash) = 32),
    token_sealed bytea       NOT NULL,
    created_at   timestamptz NOT NULL,
    revoked_at   timestamptz NULL,
    revoked_by   text        NULL,
    PRIMARY KEY (client_key, id),
    FOREIGN KEY (client_key, invoice_id) REFERENCES invoices (client_key, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX customer_links_token_hash ON customer_links (token_hash);
CREATE UNIQUE INDEX customer_links_current ON customer_links (client_key, invoice_id) WHERE revoked_at IS NULL;

-- +goose Down
DROP TABLE customer_links;

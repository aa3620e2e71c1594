-- +goose Up
-- What a customer asks for on the customer page (SPEC §15).

-- A promise to pay by a date. The latest promise of an invoice pauses
-- its follow-up ladder until promised_on plus grace_days (the tenant's
-- grace when the promise was made); seq numbers an invoice's promises,
-- so that each broken one has a step of its own.
CREATE TABLE customer_promises (
    client_key  text        NOT NULL REFERENCES tenants (client_key) ON DELETE CASCADE,
    id          bigserial   NOT NULL,
    invoice_id  bigint      NOT NULL,
    seq         int         NOT NULL CHECK (seq > 0),
    promised_on date        NOT NULL,
    grace_days  int         NOT NULL CHECK (grace_days >= 0),
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (client_key, id),
    UNIQUE (client_key, invoice_id, seq),
    FOREIGN KEY (client_key, invoice_id) REFERENCES invoices (client_key, id) ON DELETE CASCADE
);

-- A payment plan the customer proposes: its installments (JSON array of
-- {dueDate, amount}) wait for a project manager's accept or decline.
CREATE TABLE plan_requests (
    client_key   text        NOT NULL REFERENCES tenants (client_key) ON DELETE CASCADE,
    id           bigserial   NOT NULL,
    invoice_id   bigint      NOT NULL,
    installments jsonb       NOT NULL,
    note         text        NOT NULL DEFAULT '',
    status       text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'declined')),
    created_at   timestamptz NOT NULL,
    decided_at   timestamptz NULL,
    decided_by   text        NULL,
    PRIMARY KEY (client_key, id),
    FOREIGN KEY (client_key, invoice_id) REFERENCES invoices (client_key, id) ON DELETE CASCADE
);
CREATE INDEX plan_requests_invoice ON plan_requests (client_key, invoice_id, id);

-- +goose Down
DROP TABLE plan_requests;
DROP TABLE customer_promises;

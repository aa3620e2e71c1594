-- +goose Up
-- Notices Remit owes the people in Jira about an invoice, posted as
-- comments on its issue by the Jira sync (e.g. why a move to the paid
-- status was not applied). Written in the transaction of the change they
-- explain, so a notice is never lost; posted_at is set once it is in Jira.
CREATE TABLE jira_notices (
    client_key text        NOT NULL REFERENCES tenants (client_key) ON DELETE CASCADE,
    id         bigserial   NOT NULL,
    invoice_id bigint      NOT NULL,
    body       text        NOT NULL,
    created_at timestamptz NOT NULL,
    posted_at  timestamptz NULL,
    comment_id text        NULL,
    PRIMARY KEY (client_key, id),
    FOREIGN KEY (client_key, invoice_id) REFERENCES invoices (client_key, id) ON DELETE CASCADE
);
CREATE INDEX jira_notices_pending ON jira_notices (client_key, invoice_id) WHERE posted_at IS NULL;

-- +goose Down
DROP TABLE jira_notices;

-- +goose Up
-- Gapless invoice numbers: one row per tenant and scope ("all", a year or
-- a year-month, see invoice.NumberScope). next holds the last number
-- handed out; it is bumped under the row lock inside the transaction that
-- inserts the invoice, so a rollback gives the number back and concurrent
-- creates wait for each other.
CREATE TABLE invoice_sequences (
    client_key text   NOT NULL REFERENCES tenants (client_key) ON DELETE CASCADE,
    scope      text   NOT NULL CHECK (scope <> ''),
    next       bigint NOT NULL CHECK (next > 0),
    PRIMARY KEY (client_key, scope)
);

CREATE TABLE invoices (
    id                  bigserial   PRIMARY KEY,
    client_key          text        NOT NULL REFERENCES tenants (client_key) ON DELETE CASCADE,
    number              text        NOT NULL CHECK (number <> ''),
    customer_id         bigint      NOT NULL,
    customer_name       text        NOT NULL,
    status              text        NOT NULL CHECK (status IN ('open', 'partially_paid', 'paid', 'void', 'uncollectible')),
    disputed            boolean     NOT NULL DEFAULT false,
    needs_review        boolean     NOT NULL DEFAULT false,
    needs_review_detail jsonb       NULL,
    currency            char(3)     NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    subtotal            numeric     NOT NULL,
    tax                 numeric     NOT NULL,
    tax_percent         numeric     NOT NULL,
    total               numeric     NOT NULL,
    paid                numeric     NOT NULL DEFAULT 0 CHECK (paid >= 0),
    late_fees           numeric     NOT NULL DEFAULT 0 CHECK (late_fees >= 0),
    issue_date          date        NOT NULL,
    due_date            date        NOT NULL,
    period_start        date        NOT NULL,
    period_end          date        NOT NULL CHECK (period_end >= period_start),
    jira_issue_key      text        NULL CHECK (jira_issue_key <> ''),
    jira_issue_id       text        NULL CHECK (jira_issue_id <> ''),
    jira_deleted        boolean     NOT NULL DEFAULT false,
    -- When the follow-up engine next has something to do for this invoice.
    next_action_at      timestamptz NULL,
    created_by          text        NOT NULL,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    UNIQUE (client_key, number),
    UNIQUE (client_key, id),
    FOREIGN KEY (client_key, customer_id) REFERENCES customers (client_key, id)
);

-- The list filters and the issue panel's lookups.
CREATE INDEX invoices_status_idx ON invoices (client_key, status);
CREATE INDEX invoices_customer_idx ON invoices (client_key, customer_id);
CREATE INDEX invoices_due_date_idx ON invoices (client_key, due_date);
-- One invoice issue in Jira belongs to one invoice.
CREATE UNIQUE INDEX invoices_jira_issue_key_key ON invoices (client_key, jira_issue_key) WHERE jira_issue_key IS NOT NULL;
-- The follow-up sweep reads only invoices with an action due.
CREATE INDEX invoices_next_action_at_idx ON invoices (next_action_at) WHERE next_action_at IS NOT NULL;

-- The lines as issued. worklog_ids stays for history even after a void
-- releases the worklogs in billed_worklogs.
CREATE TABLE invoice_lines (
    client_key  text     NOT NULL,
    invoice_id  bigint   NOT NULL,
    position    integer  NOT NULL CHECK (position >= 0),
    issue_key   text     NOT NULL,
    issue_id    text     NOT NULL,
    description text     NOT NULL,
    seconds     bigint   NOT NULL CHECK (seconds >= 0),
    hours       numeric  NOT NULL,
    rate        numeric  NOT NULL,
    amount      numeric  NOT NULL,
    worklog_ids bigint[] NOT NULL,
    PRIMARY KEY (invoice_id, position),
    FOREIGN KEY (client_key, invoice_id) REFERENCES invoices (client_key, id) ON DELETE CASCADE
);

-- The work issue panel asks which invoices bill an issue.
CREATE INDEX invoice_lines_issue_key_idx ON invoice_lines (client_key, issue_key);

-- Every worklog on a non-void invoice, once: the primary key is what makes
-- billing a worklog twice impossible, whatever races. seconds is the time
-- Jira reported when the worklog was billed, so a later change shows.
CREATE TABLE billed_worklogs (
    client_key text   NOT NULL,
    worklog_id bigint NOT NULL,
    invoice_id bigint NOT NULL,
    issue_id   text   NOT NULL,
    seconds    bigint NOT NULL,
    PRIMARY KEY (client_key, worklog_id),
    FOREIGN KEY (client_key, invoice_id) REFERENCES invoices (client_key, id) ON DELETE CASCADE
);

-- Voiding releases an invoice's worklogs.
CREATE INDEX billed_worklogs_invoice_idx ON billed_worklogs (client_key, invoice_id);

-- +goose Down
DROP TABLE billed_worklogs;
DROP TABLE invoice_lines;
DROP TABLE invoices;
DROP TABLE invoice_sequences;

-- +goose Up
-- Payments received against an invoice. Rows are only ever added: a
-- payment recorded by mistake is corrected by the audit trail and a
-- later adjustment, never by rewriting history.
CREATE TABLE payments (
    id          bigserial   PRIMARY KEY,
    client_key  text        NOT NULL,
    invoice_id  bigint      NOT NULL,
    amount      numeric     NOT NULL CHECK (amount > 0),
    paid_on     date        NOT NULL,
    method      text        NOT NULL CHECK (method <> ''),
    reference   text        NOT NULL DEFAULT '',
    recorded_by text        NOT NULL,
    recorded_at timestamptz NOT NULL,
    UNIQUE (client_key, id),
    FOREIGN KEY (client_key, invoice_id) REFERENCES invoices (client_key, id) ON DELETE CASCADE
);

CREATE INDEX payments_invoice_idx ON payments (client_key, invoice_id, id);
-- The aging report sums payments up to a date.
CREATE INDEX payments_paid_on_idx ON payments (client_key, paid_on);

-- A payment plan: the balance split into dated installments. The
-- follow-up engine chases each installment on its own, so each keeps its
-- own id, due date, what has been paid towards it and when it was settled.
CREATE TABLE installments (
    id         bigserial   PRIMARY KEY,
    client_key text        NOT NULL,
    invoice_id bigint      NOT NULL,
    position   integer     NOT NULL CHECK (position >= 0),
    due_date   date        NOT NULL,
    amount     numeric     NOT NULL CHECK (amount > 0),
    paid       numeric     NOT NULL DEFAULT 0 CHECK (paid >= 0 AND paid <= amount),
    settled_at timestamptz NULL,
    CHECK ((settled_at IS NOT NULL) = (paid = amount)),
    UNIQUE (client_key, id),
    UNIQUE (client_key, invoice_id, position),
    FOREIGN KEY (client_key, invoice_id) REFERENCES invoices (client_key, id) ON DELETE CASCADE
);

-- The follow-up engine looks for unsettled installments by due date.
CREATE INDEX installments_due_idx ON installments (client_key, due_date) WHERE settled_at IS NULL;

-- No invoice is ever paid beyond what it asks for: the last line of
-- defence behind the row lock that makes payments take turns.
ALTER TABLE invoices
    ADD CONSTRAINT invoices_paid_within_amount CHECK (paid <= total + late_fees),
    -- The Jira webhook timestamp of the latest status change applied from
    -- Jira, so an older delivery arriving late changes nothing.
    ADD COLUMN jira_event_at timestamptz NULL;

-- +goose Down
ALTER TABLE invoices
    DROP CONSTRAINT invoices_paid_within_amount,
    DROP COLUMN jira_event_at;
DROP TABLE installments;
DROP TABLE payments;

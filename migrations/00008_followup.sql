-- +goose Up
-- A tenant's follow-up policy (SPEC §5) as one document in the API's JSON
-- shape, read and written whole. A tenant without a row uses the default
-- ladder.
CREATE TABLE followup_policies (
    client_key text        PRIMARY KEY REFERENCES tenants (client_key) ON DELETE CASCADE,
    doc        jsonb       NOT NULL CHECK (jsonb_typeof(doc) = 'object'),
    updated_at timestamptz NOT NULL,
    updated_by text        NOT NULL
);

-- Every action the engine decided for an invoice (installment_id 0) or one
-- of its installments, with its outcome. The unique key is the database's
-- guarantee that an action never runs twice, whatever crashes, retries,
-- concurrent sweeps or replicas happen: the sweep inserts the event in the
-- transaction that enqueues the action's job, and a second insert of the
-- same key does nothing. payload keeps what the action first sent (a
-- comment body, the Jira version it waits for) so that a retry after a
-- lost answer can recognise its own earlier attempt.
CREATE TABLE followup_events (
    id             bigserial   PRIMARY KEY,
    client_key     text        NOT NULL,
    invoice_id     bigint      NOT NULL,
    installment_id bigint      NOT NULL DEFAULT 0 CHECK (installment_id >= 0),
    step           text        NOT NULL CHECK (step <> ''),
    action         text        NOT NULL CHECK (action IN ('comment', 'email', 'transition', 'late_fee', 'label', 'notify_admins')),
    status         text        NOT NULL CHECK (status IN ('queued', 'done', 'skipped', 'failed', 'cancelled')),
    reconcile      boolean     NOT NULL DEFAULT false,
    detail         text        NOT NULL DEFAULT '',
    as_of          timestamptz NOT NULL,
    created_at     timestamptz NOT NULL,
    at             timestamptz NOT NULL,
    attempts       integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    payload        jsonb       NULL,
    UNIQUE (client_key, invoice_id, installment_id, step, action),
    FOREIGN KEY (client_key, invoice_id) REFERENCES invoices (client_key, id) ON DELETE CASCADE
);

-- The timeline reads an invoice's events in order.
CREATE INDEX followup_events_invoice_idx ON followup_events (client_key, invoice_id, id);

-- A tenant's sweep reads only its invoices with an action due, in
-- (next_action_at, id) order for keyset pagination, so its cost grows with
-- the due invoices, not with all of them.
CREATE INDEX invoices_followup_due_idx ON invoices (client_key, next_action_at, id) WHERE next_action_at IS NOT NULL;

-- The licence state iframe page loads last carried (lic=active|none). A
-- tenant without a row is treated as licensed.
CREATE TABLE tenant_licences (
    client_key text        PRIMARY KEY REFERENCES tenants (client_key) ON DELETE CASCADE,
    licence    text        NOT NULL CHECK (licence IN ('active', 'none')),
    seen_at    timestamptz NOT NULL
);

-- The last instant of each tenant's follow-up schedule for which a sweep
-- was enqueued; the scheduler enqueues only the latest instant due since.
CREATE TABLE followup_schedules (
    client_key   text        PRIMARY KEY REFERENCES tenants (client_key) ON DELETE CASCADE,
    last_instant timestamptz NOT NULL
);

-- +goose Down
DROP TABLE followup_schedules;
DROP TABLE tenant_licences;
DROP INDEX invoices_followup_due_idx;
DROP TABLE followup_events;
DROP TABLE followup_policies;

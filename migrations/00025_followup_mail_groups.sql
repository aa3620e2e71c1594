-- +goose Up
-- One e-mail per customer per run (SPEC §5): the e-mail actions one sweep
-- queues for one customer's invoices form a group, sent as one message
-- that lists them all. Each invoice keeps its own event (and its own
-- action job); the group is the outbox that makes the message one.
--
-- members is fixed (from '{}') by the first attempt that sends, before it
-- sends, so a retry after a crash or a lost SMTP reply sends the same
-- message (the same Message-ID, the same invoices) and records the same
-- events; claimed_until keeps two attempts from sending at once; closed_at
-- is set when the sweep that fills the group has finished, so no message
-- goes out before all of the run's invoices have joined.
CREATE TABLE followup_mail_groups (
    id            bigserial   PRIMARY KEY,
    client_key    text        NOT NULL REFERENCES tenants (client_key) ON DELETE CASCADE,
    customer_id   bigint      NOT NULL,
    as_of         timestamptz NOT NULL,
    created_at    timestamptz NOT NULL,
    closed_at     timestamptz NULL,
    members       bigint[]    NOT NULL DEFAULT '{}',
    claimed_until timestamptz NULL,
    sent_at       timestamptz NULL,
    UNIQUE (client_key, customer_id, as_of)
);

-- The group an e-mail event belongs to; 0 for none (events of other
-- actions, and e-mails queued before groups existed, sent alone).
ALTER TABLE followup_events ADD COLUMN mail_group_id bigint NOT NULL DEFAULT 0;

CREATE INDEX followup_events_mail_group_idx ON followup_events (client_key, mail_group_id) WHERE mail_group_id <> 0;

-- +goose Down
DROP INDEX followup_events_mail_group_idx;
ALTER TABLE followup_events DROP COLUMN mail_group_id;
DROP TABLE followup_mail_groups;

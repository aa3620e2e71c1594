-- +goose Up
-- Card payments through Stripe Checkout (SPEC §15, "Pay now").

-- A Checkout session opened for an invoice: what it asks for (the
-- balance, or the next installment of a plan), and the key it was
-- created with, so a second click within the session's life is given the
-- same session instead of a new one.
CREATE TABLE stripe_checkout_sessions (
    id              text        PRIMARY KEY CHECK (id <> ''), -- Stripe's cs_… id
    client_key      text        NOT NULL REFERENCES tenants (client_key) ON DELETE CASCADE,
    invoice_id      bigint      NOT NULL,
    installment_id  bigint      NULL,
    amount          numeric     NOT NULL CHECK (amount > 0),
    currency        text        NOT NULL,
    url             text        NOT NULL CHECK (url <> ''),
    idempotency_key text        NOT NULL CHECK (idempotency_key <> ''),
    created_at      timestamptz NOT NULL,
    FOREIGN KEY (client_key, invoice_id) REFERENCES invoices (client_key, id) ON DELETE CASCADE
);

CREATE INDEX stripe_checkout_sessions_key_idx ON stripe_checkout_sessions (client_key, idempotency_key, created_at);

-- Every Stripe event acted on, by Stripe's event id: a replayed delivery
-- finds its id here and changes nothing.
CREATE TABLE stripe_events (
    id             text        PRIMARY KEY CHECK (id <> ''), -- evt_…
    client_key     text        NOT NULL REFERENCES tenants (client_key) ON DELETE CASCADE,
    type           text        NOT NULL,
    payment_intent text        NOT NULL,
    received_at    timestamptz NOT NULL
);

-- One row per payment intent, whichever event announced it first
-- (checkout.session.completed or payment_intent.succeeded, in any order):
-- the second finds the intent here and records nothing. payment_id is the
-- payment recorded, NULL when nothing could be (the invoice was already
-- settled); excess is what Stripe received beyond the balance.
CREATE TABLE stripe_payments (
    payment_intent text        PRIMARY KEY CHECK (payment_intent <> ''), -- pi_…
    client_key     text        NOT NULL REFERENCES tenants (client_key) ON DELETE CASCADE,
    invoice_id     bigint      NOT NULL,
    event_id       text        NOT NULL,
    amount         numeric     NOT NULL CHECK (amount > 0),
    currency       text        NOT NULL,
    payment_id     bigint      NULL,
    excess         numeric     NOT NULL DEFAULT 0 CHECK (excess >= 0),
    recorded_at    timestamptz NOT NULL,
    FOREIGN KEY (client_key, invoice_id) REFERENCES invoices (client_key, id) ON DELETE CASCADE,
    FOREIGN KEY (client_key, payment_id) REFERENCES payments (client_key, id) ON DELETE CASCADE
);

CREATE INDEX stripe_payments_invoice_idx ON stripe_payments (client_key, invoice_id);

-- +goose Down
DROP TABLE stripe_payments;
DROP TABLE stripe_events;
DROP TABLE stripe_checkout_sessions;

-- +goose Up
-- The customer page's rate limits (SPEC §15), shared by every replica:
-- one fixed-window counter per bucket (a page token's or a client
-- address's, hashed) and window. A request adds one to its buckets'
-- current windows and reads the counts back in one statement; windows
-- that have ended are deleted on the fly, so the table holds only the
-- last minutes' buckets. Unlogged: counts are worth nothing after a
-- crash, and not writing them to the WAL keeps a page view cheap.
CREATE UNLOGGED TABLE rate_limit_hits (
    bucket       text        NOT NULL CHECK (bucket <> ''),
    window_start timestamptz NOT NULL,
    hits         integer     NOT NULL CHECK (hits > 0),
    expires_at   timestamptz NOT NULL, -- the window's end
    PRIMARY KEY (bucket, window_start)
);

CREATE INDEX rate_limit_hits_expires_idx ON rate_limit_hits (expires_at);

-- Card payments given back (docs/payments.md, "Refunds and disputes"):
-- part of a payment may be returned to the payer after it was recorded,
-- by a refund or a card dispute. The payment stays as it was received;
-- returned is how much of it went back, and the invoice's paid counts
-- amount - returned.
ALTER TABLE payments
    ADD COLUMN returned numeric NOT NULL DEFAULT 0,
    ADD CONSTRAINT payments_returned_within_amount CHECK (returned >= 0 AND returned <= amount);

-- Every Stripe refund (re_…) and dispute (dp_…) acted on, by Stripe's
-- id: a refund is taken off its payment once, whatever events announce
-- it; a dispute moves from disputed to won or lost once, in whatever
-- order its events arrive. amount is what Stripe gave back; returned is
-- how much of it was taken off the invoice's payment (the rest was money
-- never recorded as a payment: an overpayment's excess).
CREATE TABLE stripe_reversals (
    id             text        PRIMARY KEY CHECK (id <> ''),
    client_key     text        NOT NULL REFERENCES tenants (client_key) ON DELETE CASCADE,
    invoice_id     bigint      NOT NULL,
    payment_intent text        NOT NULL,
    kind           text        NOT NULL CHECK (kind IN ('refund', 'dispute')),
    state          text        NOT NULL CHECK (state IN ('refunded', 'disputed', 'won', 'lost')),
    amount         numeric     NOT NULL CHECK (amount >= 0),
    returned       numeric     NOT NULL DEFAULT 0 CHECK (returned >= 0 AND returned <= amount),
    event_id       text        NOT NULL,
    recorded_at    timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    FOREIGN KEY (client_key, invoice_id) REFERENCES invoices (client_key, id) ON DELETE CASCADE
);

CREATE INDEX stripe_reversals_intent_idx ON stripe_reversals (payment_intent);
CREATE INDEX stripe_reversals_invoice_idx ON stripe_reversals (client_key, invoice_id);

-- +goose Down
DROP TABLE stripe_reversals;
ALTER TABLE payments DROP CONSTRAINT payments_returned_within_amount, DROP COLUMN returned;
DROP TABLE rate_limit_hits;

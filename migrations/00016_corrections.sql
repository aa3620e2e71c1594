-- +goose Up
-- Corrections of finalized invoices (SPEC §4 "Corrections"): an invoice
-- is never edited; it is corrected by credit notes, payment reversals and
-- late-fee waivers, each kept beside it.

-- A credit note: its own number from its own gapless sequence (the
-- invoice_sequences row of scope "credit-note:<scope>", see
-- invoice.SequenceScope), the invoice it corrects, and the document it
-- was issued with, which its PDF is drawn from and which never changes.
CREATE TABLE credit_notes (
    id         bigserial   PRIMARY KEY,
    client_key text        NOT NULL REFERENCES tenants (client_key) ON DELETE CASCADE,
    invoice_id bigint      NOT NULL,
    number     text        NOT NULL CHECK (number <> ''),
    issue_date date        NOT NULL,
    amount     numeric     NOT NULL CHECK (amount > 0), -- net
    tax        numeric     NOT NULL CHECK (tax >= 0),
    total      numeric     NOT NULL CHECK (total > 0),
    reason     text        NOT NULL CHECK (reason <> ''),
    document   jsonb       NOT NULL,
    created_by text        NOT NULL,
    created_at timestamptz NOT NULL,
    UNIQUE (client_key, number),
    UNIQUE (client_key, id),
    FOREIGN KEY (client_key, invoice_id) REFERENCES invoices (client_key, id) ON DELETE CASCADE
);

CREATE INDEX credit_notes_invoice_idx ON credit_notes (client_key, invoice_id, id);

-- A payment recorded in error is reversed, never deleted: it stays in the
-- history with who reversed it, when and why.
ALTER TABLE payments
    ADD COLUMN reversed_at     timestamptz NULL,
    ADD COLUMN reversed_by     text        NULL,
    ADD COLUMN reversal_reason text        NULL,
    ADD CONSTRAINT payments_reversal_complete CHECK (
        (reversed_at IS NULL AND reversed_by IS NULL AND reversal_reason IS NULL) OR
        (reversed_at IS NOT NULL AND reversed_by IS NOT NULL AND reversal_reason <> ''));

-- What was waived of the late fees and credited by credit notes. paid
-- stays the sum of the payments not reversed, so the balance is
-- total + late_fees - late_fees_waived - credited - paid, and it never
-- goes below zero: the last line of defence behind the invoice row lock.
ALTER TABLE invoices
    ADD COLUMN late_fees_waived numeric NOT NULL DEFAULT 0 CHECK (late_fees_waived >= 0 AND late_fees_waived <= late_fees),
    ADD COLUMN credited         numeric NOT NULL DEFAULT 0 CHECK (credited >= 0),
    DROP CONSTRAINT invoices_paid_within_amount,
    ADD CONSTRAINT invoices_paid_within_amount CHECK (paid + credited + late_fees_waived <= total + late_fees);

-- +goose Down
ALTER TABLE invoices
    DROP CONSTRAINT invoices_paid_within_amount,
    ADD CONSTRAINT invoices_paid_within_amount CHECK (paid <= total + late_fees),
    DROP COLUMN credited,
    DROP COLUMN late_fees_waived;
ALTER TABLE payments
    DROP CONSTRAINT payments_reversal_complete,
    DROP COLUMN reversal_reason,
    DROP COLUMN reversed_by,
    DROP COLUMN reversed_at;
DROP TABLE credit_notes;

-- +goose Up
-- What a legal invoice says about the buyer (SPEC §4 "An invoice is a
-- legal document"): a structured postal address (invoice.Address as JSON,
-- {} when unset), tax id, the buyer's reference, Peppol id, e-invoice
-- format, and the tax category with the reason printed for lines that
-- charge no VAT. All optional on save; issuing checks what it needs.
ALTER TABLE customers
    ADD COLUMN address              jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(address) = 'object'),
    ADD COLUMN tax_id               text  NOT NULL DEFAULT '',
    ADD COLUMN buyer_reference      text  NOT NULL DEFAULT '',
    ADD COLUMN peppol_id            text  NOT NULL DEFAULT '',
    ADD COLUMN e_invoice_format     text  NOT NULL DEFAULT '',
    ADD COLUMN tax_category         text  NOT NULL DEFAULT '',
    ADD COLUMN tax_exemption_reason text  NOT NULL DEFAULT '';

-- Drafts (SPEC §4 "Lifecycle of a document"): an invoice being prepared
-- has no number yet (''), which only a draft may lack; numbers stay
-- unique among the invoices that have one.
ALTER TABLE invoices DROP CONSTRAINT invoices_status_check;
ALTER TABLE invoices ADD CONSTRAINT invoices_status_check
    CHECK (status IN ('draft', 'open', 'partially_paid', 'paid', 'void', 'uncollectible'));
ALTER TABLE invoices DROP CONSTRAINT invoices_number_check;
ALTER TABLE invoices ADD CONSTRAINT invoices_number_check CHECK (number <> '' OR status = 'draft');
ALTER TABLE invoices DROP CONSTRAINT invoices_client_key_number_key;
CREATE UNIQUE INDEX invoices_client_key_number_key ON invoices (client_key, number) WHERE number <> '';

-- items are a draft's lines of every kind (invoice.LineItem as JSON: the
-- time lines as built from the worklogs, fixed and expense lines as
-- written) and discount its invoice-level discount (invoice.Discount);
-- invoice_lines keeps the time lines for the issue panel and the billed
-- worklogs. document is the issued invoice as it was at issue
-- (invoice.Document as JSON), written once at finalize and never
-- changed; invoices issued before it existed have none.
ALTER TABLE invoices
    ADD COLUMN items    jsonb NULL CHECK (jsonb_typeof(items) = 'array'),
    ADD COLUMN discount jsonb NULL CHECK (jsonb_typeof(discount) = 'object'),
    ADD COLUMN document jsonb NULL CHECK (jsonb_typeof(document) = 'object');

-- +goose Down
ALTER TABLE invoices DROP COLUMN document, DROP COLUMN discount, DROP COLUMN items;
DROP INDEX invoices_client_key_number_key;
DELETE FROM invoices WHERE status = 'draft';
ALTER TABLE invoices ADD CONSTRAINT invoices_client_key_number_key UNIQUE (client_key, number);
ALTER TABLE invoices DROP CONSTRAINT invoices_number_check;
ALTER TABLE invoices ADD CONSTRAINT invoices_number_check CHECK (number <> '');
ALTER TABLE invoices DROP CONSTRAINT invoices_status_check;
ALTER TABLE invoices ADD CONSTRAINT invoices_status_check
    CHECK (status IN ('open', 'partially_paid', 'paid', 'void', 'uncollectible'));
ALTER TABLE customers
    DROP COLUMN address, DROP COLUMN tax_id, DROP COLUMN buyer_reference, DROP COLUMN peppol_id,
    DROP COLUMN e_invoice_format, DROP COLUMN tax_category, DROP COLUMN tax_exemption_reason;

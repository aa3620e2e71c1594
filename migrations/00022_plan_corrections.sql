-- +goose Up
-- A credit note or a late-fee waiver lowers a payment plan with the
-- balance (SPEC §4 "Corrections", invoice.LowerPlan): its installments
-- are lowered from the last one backwards, each at most to what was paid
-- towards it, so one with nothing paid can reach zero. It stays in the
-- plan, settled, with the follow-up events recorded against it.
ALTER TABLE installments DROP CONSTRAINT installments_amount_check;
ALTER TABLE installments ADD CONSTRAINT installments_amount_check CHECK (amount >= 0);

-- +goose Down
DELETE FROM installments WHERE amount = 0;
ALTER TABLE installments DROP CONSTRAINT installments_amount_check;
ALTER TABLE installments ADD CONSTRAINT installments_amount_check CHECK (amount > 0);

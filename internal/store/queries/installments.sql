-- name: Installments :many
SELECT id, due_date, amount, paid, settled_at
FROM installments WHERE client_key = @client_key AND invoice_id = @invoice_id ORDER BY position;

-- name: DeleteInstallments :exec
DELETE FROM installments WHERE client_key = @client_key AND invoice_id = @invoice_id;

-- name: InsertInstallment :one
INSERT INTO installments (client_key, invoice_id, position, due_date, amount, paid, settled_at)
VALUES (@client_key, @invoice_id, @position, @due_date, @amount, @paid, sqlc.narg(settled_at))
RETURNING id;

-- UpdateInstallments writes many installments' amounts and payments at
-- once; the arrays run in parallel (one unnest each, zipped). sqlc types
-- an array's elements as never NULL, so an installment not yet settled
-- passes the zero time.Time (0001-01-01 UTC), which stands for NULL here.
-- name: UpdateInstallments :execrows
UPDATE installments i SET amount = u.amount, paid = u.paid,
    settled_at = nullif(u.settled_at, '0001-01-01 00:00:00+00'::timestamptz)
FROM (SELECT unnest(@ids::bigint[]) AS id, unnest(@amounts::numeric[]) AS amount,
        unnest(@paid::numeric[]) AS paid, unnest(@settled_ats::timestamptz[]) AS settled_at) u
WHERE i.client_key = @client_key AND i.id = u.id;

-- AppendInstallment adds a last installment to an invoice's plan.
-- name: AppendInstallment :one
INSERT INTO installments (client_key, invoice_id, position, due_date, amount, paid, settled_at)
SELECT @client_key, @invoice_id, coalesce(max(i.position) + 1, 0), @due_date, @amount, 0, NULL
FROM installments i WHERE i.client_key = @client_key AND i.invoice_id = @invoice_id
RETURNING id;

-- AddFeeToOpenInstallment adds a late fee to the last installment not
-- yet settled; no row changes when every installment is settled.
-- name: AddFeeToOpenInstallment :execrows
UPDATE installments o SET amount = o.amount + @fee::numeric
WHERE o.client_key = @client_key AND o.id = (SELECT i.id FROM installments i
    WHERE i.client_key = @client_key AND i.invoice_id = @invoice_id AND i.settled_at IS NULL
    ORDER BY i.position DESC LIMIT 1);

-- AppendFeeInstallment adds a last installment of amount, due on due or
-- the day after the plan's last one, if the invoice has a plan at all.
-- name: AppendFeeInstallment :exec
INSERT INTO installments (client_key, invoice_id, position, due_date, amount, paid, settled_at)
SELECT @client_key, @invoice_id, max(i.position) + 1, greatest(@due::date, max(i.due_date) + 1), @fee::numeric, 0, NULL
FROM installments i WHERE i.client_key = @client_key AND i.invoice_id = @invoice_id
HAVING count(*) > 0;

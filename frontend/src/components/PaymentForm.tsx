import Button from '@atlaskit/button/new';
import Textfield from '@atlaskit/textfield';
import { Inline, Stack } from '@atlaskit/primitives/compiled';
import { useState, type FormEvent } from 'react';
import { ApiError, type ApiClient } from '../api/client';
import type { Invoice } from '../api/types';
import { dateInZone } from '../format/dates';
import { parseAmount } from '../format/money';
import { ErrorMessage } from './ErrorMessage';
import { describedBy, Field } from './Field';

/** PaymentForm records a payment against an invoice (SPEC §7 payment). */
export function PaymentForm({ api, invoice, timezone, now, onDone, onCancel }: {
  api: ApiClient;
  invoice: Invoice;
  timezone: string;
  /** Remit's current instant: the default payment date is its today. */
  now: Date;
  onDone: (inv: Invoice) => void;
  onCancel: () => void;
}) {
  const [amount, setAmount] = useState(invoice.balance);
  const [paidOn, setPaidOn] = useState(dateInZone(now, timezone));
  const [method, setMethod] = useState('bank-transfer');
  const [reference, setReference] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<Error>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseAmount(amount, invoice.currency);
    const local: Record<string, string> = {};
    if (!parsed.ok) local.amount = parsed.message;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(paidOn)) local.paidOn = 'Enter the date the money arrived';
    if (!method.trim()) local.method = 'Say how it was paid';
    setErrors(local);
    if (!parsed.ok || Object.keys(local).length > 0) return;
    setBusy(true);
    setFailure(undefined);
    try {
      await api.post(`/invoices/${invoice.id}/payments`, { amount: parsed.value, paidOn, method: method.trim(), reference: reference.trim() });
      onDone(await api.get<Invoice>(`/invoices/${invoice.id}`));
    } catch (err) {
      if (err instanceof ApiError) setErrors(err.fieldErrors);
      setFailure(err instanceof Error ? err : new Error(String(err)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} aria-label="Record payment" noValidate>
      <Stack space="space.050">
        <Field id="pay-amount" label={`Amount (${invoice.currency})`} error={errors.amount}>
          <Textfield id="pay-amount" name="amount" inputMode="decimal" value={amount} onChange={(e) => setAmount(e.currentTarget.value)} isInvalid={!!errors.amount} aria-describedby={describedBy('pay-amount', errors.amount)} />
        </Field>
        <Field id="pay-date" label="Paid on" error={errors.paidOn}>
          <Textfield id="pay-date" name="paidOn" type="date" value={paidOn} onChange={(e) => setPaidOn(e.currentTarget.value)} isInvalid={!!errors.paidOn} aria-describedby={describedBy('pay-date', errors.paidOn)} />
        </Field>
        <Field id="pay-method" label="Method" error={errors.method}>
          <Textfield id="pay-method" name="method" value={method} onChange={(e) => setMethod(e.currentTarget.value)} isInvalid={!!errors.method} aria-describedby={describedBy('pay-method', errors.method)} />
        </Field>
        <Field id="pay-ref" label="Reference" error={errors.reference}>
          <Textfield id="pay-ref" name="reference" value={reference} onChange={(e) => setReference(e.currentTarget.value)} aria-describedby={describedBy('pay-ref', errors.reference)} />
        </Field>
        {failure ? <ErrorMessage error={failure} title="Payment not recorded" /> : null}
        <Inline space="space.100">
          <Button type="submit" appearance="primary" isLoading={busy}>
            Record payment
          </Button>
          <Button appearance="subtle" onClick={onCancel}>
            Cancel
          </Button>
        </Inline>
      </Stack>
    </form>
  );
}

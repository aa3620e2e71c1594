import Button from '@atlaskit/button/new';
import Textfield from '@atlaskit/textfield';
import { Inline, Stack } from '@atlaskit/primitives/compiled';
import { token } from '@atlaskit/tokens';
import { useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, type ApiClient } from '../api/client';
import type { CreditNote, Invoice, Payment } from '../api/types';
import { formatMoney, parseAmount } from '../format/money';
import { fieldLabel, paymentLabel } from './correctionList';
import { ErrorMessage } from './ErrorMessage';
import { describedBy, Field } from './Field';

// The forms that correct an issued invoice (SPEC §4 "Corrections"): a
// credit note, a payment reversal, a late-fee waiver, and the
// confirmation of sending it again. They load on their own, after the
// panel: most views of an invoice correct nothing.

/** useSubmit runs a form's request, keeping its field errors and failure. */
function useSubmit() {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const run = async (local: Record<string, string>, fn: () => Promise<void>) => {
    setErrors(local);
    setFailure(undefined);
    if (Object.keys(local).length > 0) return;
    setBusy(true);
    try {
      await fn();
    } catch (err) {
      if (err instanceof ApiError) setErrors(err.fieldErrors);
      setFailure(err instanceof Error ? err : new Error(String(err)));
    } finally {
      setBusy(false);
    }
  };
  return { errors, failure, busy, run };
}

const note = { font: token('font.body.small'), color: token('color.text.subtle'), margin: 0 };

function Actions({ submit, busy, onCancel }: { submit: string; busy: boolean; onCancel: () => void }) {
  return (
    <Inline space="space.100">
      <Button type="submit" appearance="primary" isLoading={busy}>
        {submit}
      </Button>
      <Button appearance="subtle" onClick={onCancel} isDisabled={busy}>
        Cancel
      </Button>
    </Inline>
  );
}

interface LineDraft {
  description: string;
  quantity: string;
  unitPrice: string;
}

/** CreditNoteForm issues a credit note against an invoice: an amount
 * (net; the tax follows the invoice's) or lines, and the reason. */
export function CreditNoteForm({ api, invoice, onDone, onCancel }: {
  api: ApiClient;
  invoice: Invoice;
  onDone: (inv: Invoice, cn: CreditNote) => void;
  onCancel: () => void;
}) {
  const cur = invoice.currency;
  const [mode, setMode] = useState<'amount' | 'lines'>('amount');
  const [amount, setAmount] = useState('');
  const [lines, setLines] = useState<LineDraft[]>([{ description: '', quantity: '1', unitPrice: '' }]);
  const [reason, setReason] = useState('');
  const { errors, failure, busy, run } = useSubmit();

  const setLine = (i: number, patch: Partial<LineDraft>) => setLines((ls) => ls.map((l, k) => (k === i ? { ...l, ...patch } : l)));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const local: Record<string, string> = {};
    const body: Record<string, unknown> = { reason: reason.trim() };
    if (!reason.trim()) local.reason = 'Say why the invoice is credited: the credit note states it';
    if (mode === 'amount') {
      const parsed = parseAmount(amount, cur);
      if (parsed.ok) body.amount = parsed.value;
      else local.amount = parsed.message;
    } else {
      body.lines = lines.map((l, i) => {
        const price = parseAmount(l.unitPrice, cur);
        if (!l.description.trim()) local[`lines[${i}].description`] = 'Describe what is credited';
        if (!/^\d+(\.\d+)?$/.test(l.quantity.trim())) local[`lines[${i}].quantity`] = 'Enter a quantity such as 1 or 2.5';
        if (!price.ok) local[`lines[${i}].unitPrice`] = price.message;
        return { kind: 'fixed', description: l.description.trim(), quantity: l.quantity.trim(), unitPrice: price.ok ? price.value : l.unitPrice };
      });
    }
    void run(local, async () => {
      const r = await api.post<{ creditNote: CreditNote; invoice: Invoice }>(`/invoices/${invoice.id}/credit-notes`, body);
      onDone(r.invoice, r.creditNote);
    });
  };

  const radio = (value: 'amount' | 'lines', label: string) => (
    <label style={{ display: 'inline-flex', gap: token('space.050'), alignItems: 'center', font: token('font.body') }}>
      <input type="radio" name="cn-mode" value={value} checked={mode === value} onChange={() => setMode(value)} />
      {label}
    </label>
  );

  return (
    <form onSubmit={submit} aria-label="Issue credit note" noValidate>
      <Stack space="space.050">
        <fieldset style={{ border: 0, margin: 0, padding: 0, marginBlockEnd: token('space.100') }}>
          <legend style={{ font: token('font.body.small'), fontWeight: token('font.weight.semibold'), color: token('color.text.subtle'), marginBlockEnd: token('space.050') }}>Credit</legend>
          <Inline space="space.200">
            {radio('amount', 'An amount')}
            {radio('lines', 'Lines')}
          </Inline>
        </fieldset>
        {mode === 'amount' ? (
          <Field id="cn-amount" label={`Amount before tax (${cur})`} error={errors.amount} help={`At most the balance of ${formatMoney(invoice.balance, cur)}, tax included`}>
            <Textfield id="cn-amount" name="amount" inputMode="decimal" value={amount} onChange={(e) => setAmount(e.currentTarget.value)} isInvalid={!!errors.amount} aria-describedby={describedBy('cn-amount', errors.amount, 'help')} />
          </Field>
        ) : (
          <>
            {lines.map((l, i) => (
              <div key={i} data-testid={`cn-line-${i}`} style={{ borderInlineStart: `2px solid ${token('color.border')}`, paddingInlineStart: token('space.100') }}>
                <Field id={`cn-line-${i}-desc`} label={`Line ${i + 1}: description`} error={errors[`lines[${i}].description`]}>
                  <Textfield id={`cn-line-${i}-desc`} value={l.description} onChange={(e) => setLine(i, { description: e.currentTarget.value })} isInvalid={!!errors[`lines[${i}].description`]} aria-describedby={describedBy(`cn-line-${i}-desc`, errors[`lines[${i}].description`])} />
                </Field>
                <Inline space="space.100">
                  <Field id={`cn-line-${i}-qty`} label="Quantity" error={errors[`lines[${i}].quantity`]}>
                    <Textfield id={`cn-line-${i}-qty`} inputMode="decimal" value={l.quantity} onChange={(e) => setLine(i, { quantity: e.currentTarget.value })} isInvalid={!!errors[`lines[${i}].quantity`]} aria-describedby={describedBy(`cn-line-${i}-qty`, errors[`lines[${i}].quantity`])} />
                  </Field>
                  <Field id={`cn-line-${i}-price`} label={`Unit price (${cur})`} error={errors[`lines[${i}].unitPrice`]}>
                    <Textfield id={`cn-line-${i}-price`} inputMode="decimal" value={l.unitPrice} onChange={(e) => setLine(i, { unitPrice: e.currentTarget.value })} isInvalid={!!errors[`lines[${i}].unitPrice`]} aria-describedby={describedBy(`cn-line-${i}-price`, errors[`lines[${i}].unitPrice`])} />
                  </Field>
                </Inline>
                {lines.length > 1 ? (
                  <Button appearance="subtle" spacing="compact" onClick={() => setLines((ls) => ls.filter((_, k) => k !== i))}>
                    Remove line {i + 1}
                  </Button>
                ) : null}
              </div>
            ))}
            {errors.lines ? (
              <p role="alert" style={{ ...note, color: token('color.text.danger') }}>
                {errors.lines}
              </p>
            ) : null}
            <div>
              <Button spacing="compact" onClick={() => setLines((ls) => [...ls, { description: '', quantity: '1', unitPrice: '' }])}>
                Add line
              </Button>
            </div>
          </>
        )}
        <Field id="cn-reason" label="Reason" error={errors.reason}>
          <Textfield id="cn-reason" name="reason" value={reason} onChange={(e) => setReason(e.currentTarget.value)} isInvalid={!!errors.reason} aria-describedby={describedBy('cn-reason', errors.reason)} />
        </Field>
        <p style={note}>The credit note takes the next credit-note number and lowers the balance; it cannot be undone.</p>
        {failure ? <ErrorMessage error={failure} title="Credit note not issued" /> : null}
        <Actions submit="Issue credit note" busy={busy} onCancel={onCancel} />
      </Stack>
    </form>
  );
}

/** ReversalForm reverses a payment recorded in error, with the reason. */
export function ReversalForm({ api, invoice, payment, onDone, onCancel }: {
  api: ApiClient;
  invoice: Invoice;
  payment: Payment;
  onDone: (inv: Invoice) => void;
  onCancel: () => void;
}) {
  const [reason, setReason] = useState('');
  const { errors, failure, busy, run } = useSubmit();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const local: Record<string, string> = {};
    if (!reason.trim()) local.reason = 'Say why the payment was recorded in error';
    void run(local, async () => {
      onDone(await api.post<Invoice>(`/invoices/${invoice.id}/payments/${payment.id}/reverse`, { reason: reason.trim() }));
    });
  };
  return (
    <form onSubmit={submit} aria-label="Reverse payment" noValidate>
      <Stack space="space.050">
        <p style={{ font: token('font.body'), margin: 0 }}>
          Reverse the payment of {paymentLabel(payment, invoice.currency)}? It stays listed, marked reversed, and the balance rises by {formatMoney(payment.amount, invoice.currency)}.
        </p>
        <Field id="rev-reason" label="Reason" error={errors.reason}>
          <Textfield id="rev-reason" name="reason" value={reason} onChange={(e) => setReason(e.currentTarget.value)} isInvalid={!!errors.reason} aria-describedby={describedBy('rev-reason', errors.reason)} />
        </Field>
        {failure ? <ErrorMessage error={failure} title="Payment not reversed" /> : null}
        <Actions submit="Reverse payment" busy={busy} onCancel={onCancel} />
      </Stack>
    </form>
  );
}

/** WaiverForm waives some or all of the late fees still outstanding. */
export function WaiverForm({ api, invoice, outstanding, onDone, onCancel }: {
  api: ApiClient;
  invoice: Invoice;
  outstanding: string;
  onDone: (inv: Invoice) => void;
  onCancel: () => void;
}) {
  const cur = invoice.currency;
  const [amount, setAmount] = useState(outstanding);
  const [reason, setReason] = useState('');
  const { errors, failure, busy, run } = useSubmit();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const local: Record<string, string> = {};
    const parsed = parseAmount(amount, cur);
    if (!parsed.ok) local.amount = parsed.message;
    if (!reason.trim()) local.reason = 'Say why the fees are waived';
    void run(local, async () => {
      onDone(await api.post<Invoice>(`/invoices/${invoice.id}/late-fees/waive`, { amount: parsed.ok ? parsed.value : amount, reason: reason.trim() }));
    });
  };
  return (
    <form onSubmit={submit} aria-label="Waive late fees" noValidate>
      <Stack space="space.050">
        <Field id="waive-amount" label={`Amount (${cur})`} error={errors.amount} help={`At most ${formatMoney(outstanding, cur)} of late fees are outstanding`}>
          <Textfield id="waive-amount" name="amount" inputMode="decimal" value={amount} onChange={(e) => setAmount(e.currentTarget.value)} isInvalid={!!errors.amount} aria-describedby={describedBy('waive-amount', errors.amount, 'help')} />
        </Field>
        <Field id="waive-reason" label="Reason" error={errors.reason}>
          <Textfield id="waive-reason" name="reason" value={reason} onChange={(e) => setReason(e.currentTarget.value)} isInvalid={!!errors.reason} aria-describedby={describedBy('waive-reason', errors.reason)} />
        </Field>
        {failure ? <ErrorMessage error={failure} title="Late fees not waived" /> : null}
        <Actions submit="Waive late fees" busy={busy} onCancel={onCancel} />
      </Stack>
    </form>
  );
}

/** sentence starts text with a capital letter. */
function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Refusal shows why the server refused an action: each field it named,
 * as people know it, with what is wrong, and where to put it right. */
function Refusal({ error, title }: { error: Error; title: string }) {
  const fields = error instanceof ApiError ? Object.entries(error.fieldErrors) : [];
  if (fields.length === 0) return <ErrorMessage error={error} title={title} />;
  const settings = fields.some(([k]) => k.startsWith('settings.') || k.startsWith('customer.'));
  return (
    <div role="alert" data-testid="refusal" style={{ padding: token('space.150'), borderRadius: token('radius.small', '3px'), background: token('color.background.danger'), font: token('font.body') }}>
      <strong style={{ font: token('font.heading.xsmall') }}>{title}</strong>
      <p style={{ margin: 0 }}>{error instanceof ApiError ? sentence(error.detail) : null}:</p>
      <ul style={{ margin: 0, paddingInlineStart: token('space.250') }}>
        {fields
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([k, v]) => (
            <li key={k} data-field={k}>
              {fieldLabel(k)}: {v}
            </li>
          ))}
      </ul>
      {settings ? <p style={{ margin: 0 }}>Complete them on the Remit settings page, then try again.</p> : null}
    </div>
  );
}

/** Confirm asks before an action that cannot be taken back (finalizing a
 * draft, sending an invoice), and shows why it failed if it does. */
export function Confirm({ label, title, children, confirm, onConfirm, onCancel }: {
  label: string;
  title: string;
  children: ReactNode;
  confirm: string;
  onConfirm: () => Promise<void>;
  onCancel: () => void;
}) {
  const { failure, busy, run } = useSubmit();
  return (
    <form
      aria-label={label}
      onSubmit={(e) => {
        e.preventDefault();
        void run({}, onConfirm);
      }}
      style={{ padding: token('space.150'), borderRadius: token('radius.small', '3px'), background: token('color.background.neutral') }}
    >
      <Stack space="space.100">
        <strong style={{ font: token('font.heading.xsmall') }}>{title}</strong>
        <div style={{ font: token('font.body') }}>{children}</div>
        {failure ? <Refusal error={failure} title={`${confirm} did not work`} /> : null}
        <Actions submit={confirm} busy={busy} onCancel={onCancel} />
      </Stack>
    </form>
  );
}

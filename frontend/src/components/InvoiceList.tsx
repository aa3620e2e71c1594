import Button from '@atlaskit/button/new';
import DynamicTable from '@atlaskit/dynamic-table';
import Select from '@atlaskit/select';
import { Inline, Stack } from '@atlaskit/primitives/compiled';
import { token } from '@atlaskit/tokens';
import { lazy, Suspense, useEffect, useState } from 'react';
import type { ApiClient } from '../api/client';
import type { Customer, Invoice, List } from '../api/types';
import { flag, goToIssue } from '../host';
import { formatDate, overdueLabel } from '../format/dates';
import { formatMoney } from '../format/money';
import { CustomerSelect } from './CustomerSelect';
import { Downloads } from './Downloads';
import { ErrorMessage } from './ErrorMessage';
import { Field } from './Field';
import { StatusLozenge } from './StatusLozenge';

// The confirmation loads with the first action that needs it.
const Confirm = lazy(() => import('./CorrectionForms').then((m) => ({ default: m.Confirm })));

const STATUSES = [
  { label: 'Any status', value: '' },
  { label: 'Draft', value: 'draft' },
  { label: 'Open', value: 'open' },
  { label: 'Partially paid', value: 'partially_paid' },
  { label: 'Paid', value: 'paid' },
  { label: 'Void', value: 'void' },
  { label: 'Written off', value: 'uncollectible' },
];

const PAGE = 25;

/** Pending is an action on one invoice waiting for its confirmation. */
type Pending = { kind: 'finalize' | 'send'; invoice: Invoice };

/** InvoiceList is the filterable, paged list of the tenant's invoices,
 * with the actions a draft and an issued invoice take from here:
 * finalize a draft, send an invoice again. Each asks first. */
export function InvoiceList({ api, customers, refresh, today, disabled }: {
  api: ApiClient;
  customers: Customer[];
  refresh: number;
  /** The tenant's today: a draft is finalized as of this date. */
  today: string;
  disabled: boolean;
}) {
  const [status, setStatus] = useState('');
  const [customerId, setCustomerId] = useState<number | null>(null);
  const [overdue, setOverdue] = useState(false);
  const [items, setItems] = useState<Invoice[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<Error>();
  const [downloadError, setDownloadError] = useState<Error>();
  const [pending, setPending] = useState<Pending | null>(null);
  const [done, setDone] = useState('');

  const query = (after: string | null) => {
    const q = new URLSearchParams({ limit: String(PAGE) });
    if (status) q.set('status', status);
    if (customerId) q.set('customerId', String(customerId));
    if (overdue) q.set('overdue', 'true');
    if (after) q.set('cursor', after);
    return `/invoices?${q.toString()}`;
  };

  const load = async (after: string | null) => {
    setLoading(true);
    setError(undefined);
    try {
      const page = await api.get<List<Invoice>>(query(after));
      setItems((prev) => (after ? [...prev, ...page.items] : page.items));
      setCursor(page.nextCursor);
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    } finally {
      setLoading(false);
    }
  };

  useEffect(() => {
    void load(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [status, customerId, overdue, refresh]);

  const head = {
    cells: [
      { key: 'number', content: 'Invoice' },
      { key: 'customer', content: 'Customer' },
      { key: 'status', content: 'Status' },
      { key: 'due', content: 'Due' },
      { key: 'total', content: 'Total' },
      { key: 'balance', content: 'Balance' },
      { key: 'files', content: 'Download' },
      { key: 'actions', content: 'Actions' },
    ],
  };
  const ask = (kind: Pending['kind'], invoice: Invoice) => {
    setDone('');
    setPending({ kind, invoice });
  };
  const replace = (next: Invoice) => setItems((prev) => prev.map((i) => (i.id === next.id ? next : i)));
  const finalize = async (inv: Invoice) => {
    const next = await api.post<Invoice>(`/invoices/${inv.id}/finalize`, {});
    replace(next);
    setPending(null);
    setDone(`Invoice ${next.number} issued for ${next.customerName}: ${formatMoney(next.total, next.currency)}, due ${formatDate(next.dueDate)}.`);
    flag('Invoice issued', `${next.number} for ${next.customerName}`);
  };
  const send = async (inv: Invoice) => {
    const next = await api.post<Invoice>(`/invoices/${inv.id}/send`, {});
    replace(next);
    setPending(null);
    setDone(`Invoice ${next.number} is on its way to ${next.customerName}.`);
    flag('Invoice sent', `${next.number} is on its way to ${next.customerName}`);
  };
  const label = (inv: Invoice) => (inv.status === 'draft' ? `the draft for ${inv.customerName}` : inv.number);
  const rows = items.map((inv) => ({
    key: String(inv.id),
    cells: [
      {
        key: 'number',
        content: inv.status === 'draft' ? (
          <span style={{ color: token('color.text.subtle') }}>Draft</span>
        ) : inv.issueKey ? (
          <a href={`#${inv.issueKey}`} onClick={(e) => { e.preventDefault(); goToIssue(inv.issueKey!); }} style={{ color: token('color.link') }}>
            {inv.number}
          </a>
        ) : (
          inv.number
        ),
      },
      { key: 'customer', content: inv.customerName },
      { key: 'status', content: <StatusLozenge status={inv.status} overdue={inv.overdue} disputed={inv.disputed} /> },
      { key: 'due', content: `${formatDate(inv.dueDate)}${inv.overdue ? ` · ${overdueLabel(inv.daysOverdue)}` : ''}` },
      { key: 'total', content: formatMoney(inv.total, inv.currency) },
      { key: 'balance', content: formatMoney(inv.balance, inv.currency) },
      { key: 'files', content: <Downloads api={api} invoice={inv} compact onError={setDownloadError} /> },
      {
        key: 'actions',
        content:
          inv.status === 'draft' ? (
            <Button spacing="compact" appearance="primary" isDisabled={disabled || pending !== null} onClick={() => ask('finalize', inv)} aria-label={`Finalize ${label(inv)}`}>
              Finalize
            </Button>
          ) : inv.status !== 'void' ? (
            <Button spacing="compact" isDisabled={disabled || pending !== null} onClick={() => ask('send', inv)} aria-label={`Send ${label(inv)}`}>
              Send
            </Button>
          ) : null,
      },
    ],
  }));

  return (
    <Stack space="space.150">
      <Inline space="space.200" alignBlock="end" shouldWrap>
        <div style={{ minWidth: 180 }}>
          <Field id="filter-status" label="Status">
            <Select inputId="filter-status" options={STATUSES} value={STATUSES.find((s) => s.value === status) ?? null} onChange={(o) => setStatus(o?.value ?? '')} />
          </Field>
        </div>
        <div style={{ minWidth: 220 }}>
          <Field id="filter-customer" label="Customer">
            <CustomerSelect id="filter-customer" customers={customers} value={customerId} onChange={setCustomerId} allowEmpty />
          </Field>
        </div>
        <label style={{ display: 'flex', gap: token('space.075'), alignItems: 'center', font: token('font.body'), marginBlockEnd: token('space.200') }}>
          <input type="checkbox" checked={overdue} onChange={(e) => setOverdue(e.currentTarget.checked)} />
          Overdue only
        </label>
      </Inline>
      {error ? <ErrorMessage error={error} title="Invoices could not be loaded" /> : null}
      {downloadError ? <ErrorMessage error={downloadError} title="Download failed" /> : null}
      {pending ? (
        <Suspense fallback={null}>
          {pending.kind === 'finalize' ? (
            <Confirm
              label="Finalize draft"
              title={`Finalize the draft for ${pending.invoice.customerName}?`}
              confirm="Finalize"
              onConfirm={() => finalize(pending.invoice)}
              onCancel={() => setPending(null)}
            >
              It is issued today ({formatDate(today)}) for {formatMoney(pending.invoice.total, pending.invoice.currency)}: it takes the next invoice number, can no longer be edited, gets its Jira issue and follow-ups, and is e-mailed to the customer when the settings send on finalize.
            </Confirm>
          ) : (
            <Confirm
              label="Send invoice"
              title={`Send ${pending.invoice.number} to ${pending.invoice.customerName}?`}
              confirm="Send"
              onConfirm={() => send(pending.invoice)}
              onCancel={() => setPending(null)}
            >
              Remit e-mails the invoice PDF to the customer&apos;s billing e-mail address.
            </Confirm>
          )}
        </Suspense>
      ) : null}
      {done ? (
        <p role="status" data-testid="list-done" style={{ font: token('font.body'), margin: 0 }}>
          {done}
        </p>
      ) : null}
      <DynamicTable head={head} rows={rows} isLoading={loading && items.length === 0} emptyView={<p>No invoices match these filters.</p>} label="Invoices" />
      {cursor ? (
        <Button onClick={() => void load(cursor)} isLoading={loading}>
          Load more
        </Button>
      ) : null}
    </Stack>
  );
}

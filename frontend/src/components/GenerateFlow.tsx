import Button from '@atlaskit/button/new';
import DynamicTable from '@atlaskit/dynamic-table';
import ProgressBar from '@atlaskit/progress-bar';
import Textfield from '@atlaskit/textfield';
import { Inline, Stack } from '@atlaskit/primitives/compiled';
import { token } from '@atlaskit/tokens';
import { useState } from 'react';
import { ApiError, type ApiClient } from '../api/client';
import type { Customer, Invoice } from '../api/types';
import { goToIssue } from '../host';
import { formatDate, formatHours } from '../format/dates';
import { formatMoney } from '../format/money';
import { CustomerSelect } from './CustomerSelect';
import { ErrorMessage, Notice } from './ErrorMessage';
import { describedBy, Field } from './Field';
import { Figures } from './Figures';

/** lastMonth is the previous calendar month, the period people bill most. */
function lastMonth(today: string): [string, string] {
  const [y, m] = today.split('-').map(Number) as [number, number];
  const start = new Date(Date.UTC(y, m - 2, 1));
  const end = new Date(Date.UTC(y, m - 1, 0));
  return [start.toISOString().slice(0, 10), end.toISOString().slice(0, 10)];
}

/** GenerateFlow is customer → period → preview → create → the new
 * invoice issue in Jira. */
export function GenerateFlow({ api, customers, today, disabled, onCreated }: {
  api: ApiClient;
  customers: Customer[];
  today: string;
  disabled: boolean;
  onCreated: () => void;
}) {
  const [defStart, defEnd] = lastMonth(today);
  const [customerId, setCustomerId] = useState<number | null>(customers[0]?.id ?? null);
  const [start, setStart] = useState(defStart);
  const [end, setEnd] = useState(defEnd);
  const [preview, setPreview] = useState<Invoice>();
  const [created, setCreated] = useState<Invoice>();
  const [drafted, setDrafted] = useState<Invoice>();
  const [busy, setBusy] = useState<'' | 'preview' | 'create' | 'issue' | 'draft'>('');
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<Error>();
  const body = { customerId, periodStart: start, periodEnd: end };

  const fail = (err: unknown) => {
    if (err instanceof ApiError) setFields(err.fieldErrors);
    setError(err instanceof Error ? err : new Error(String(err)));
  };

  const doPreview = async () => {
    setBusy('preview');
    setError(undefined);
    setFields({});
    setPreview(undefined);
    setCreated(undefined);
    setDrafted(undefined);
    try {
      setPreview(await api.post<Invoice>('/invoices/preview', body));
    } catch (err) {
      fail(err);
    } finally {
      setBusy('');
    }
  };

  const doCreate = async () => {
    setBusy('create');
    setError(undefined);
    try {
      let inv = await api.post<Invoice>('/invoices', body);
      setCreated(inv);
      onCreated();
      // The Jira issue is created by a background job: wait for its key.
      setBusy('issue');
      for (let i = 0; i < 40 && !inv.issueKey; i++) {
        await new Promise((r) => setTimeout(r, 500));
        inv = await api.get<Invoice>(`/invoices/${inv.id}`);
      }
      setCreated(inv);
      setPreview(undefined);
    } catch (err) {
      fail(err);
    } finally {
      setBusy('');
    }
  };

  // A draft holds its work but has no number, Jira issue or follow-ups
  // until it is finalized from the list of invoices.
  const doDraft = async () => {
    setBusy('draft');
    setError(undefined);
    try {
      setDrafted(await api.post<Invoice>('/invoices', { ...body, draft: true }));
      setPreview(undefined);
      onCreated();
    } catch (err) {
      fail(err);
    } finally {
      setBusy('');
    }
  };

  const cur = preview?.currency ?? 'USD';
  return (
    <Stack space="space.200">
      <Inline space="space.200" alignBlock="start" shouldWrap>
        <div style={{ minWidth: 240 }}>
          <Field id="gen-customer" label="Customer" error={fields.customerId}>
            <CustomerSelect id="gen-customer" customers={customers} value={customerId} onChange={setCustomerId} />
          </Field>
        </div>
        <Field id="gen-start" label="Period start" error={fields.periodStart}>
          <Textfield id="gen-start" type="date" value={start} onChange={(e) => setStart(e.currentTarget.value)} isInvalid={!!fields.periodStart} aria-describedby={describedBy('gen-start', fields.periodStart)} />
        </Field>
        <Field id="gen-end" label="Period end" error={fields.periodEnd}>
          <Textfield id="gen-end" type="date" value={end} onChange={(e) => setEnd(e.currentTarget.value)} isInvalid={!!fields.periodEnd} aria-describedby={describedBy('gen-end', fields.periodEnd)} />
        </Field>
      </Inline>
      <Inline space="space.100">
        <Button appearance={preview ? 'default' : 'primary'} onClick={() => void doPreview()} isLoading={busy === 'preview'} isDisabled={disabled || !customerId || busy !== ''}>
          Preview
        </Button>
        {preview ? (
          <Button appearance="primary" onClick={() => void doCreate()} isLoading={busy === 'create'} isDisabled={disabled || busy !== ''}>
            Create invoice
          </Button>
        ) : null}
        {preview ? (
          <Button onClick={() => void doDraft()} isLoading={busy === 'draft'} isDisabled={disabled || busy !== ''}>
            Save as draft
          </Button>
        ) : null}
      </Inline>
      {busy === 'preview' ? (
        <div role="status">
          <ProgressBar isIndeterminate ariaLabel="Building the preview" />
          <p style={{ font: token('font.body.small'), color: token('color.text.subtle') }}>Reading worklogs from Jira and pricing them…</p>
        </div>
      ) : null}
      {error ? <ErrorMessage error={error} title="That did not work" /> : null}
      {preview ? (
        <Stack space="space.150" testId="preview">
          <DynamicTable
            label="Preview lines"
            head={{ cells: [{ key: 'issue', content: 'Issue' }, { key: 'desc', content: 'Description' }, { key: 'hours', content: 'Hours' }, { key: 'rate', content: 'Rate' }, { key: 'amount', content: 'Amount' }] }}
            rows={(preview.lines ?? []).map((l, i) => ({
              key: `${l.issueKey}-${i}`,
              cells: [
                { key: 'issue', content: l.issueKey },
                { key: 'desc', content: l.description },
                { key: 'hours', content: formatHours(l.hours) },
                { key: 'rate', content: formatMoney(l.rate, cur) },
                { key: 'amount', content: formatMoney(l.amount, cur) },
              ],
            }))}
            rowsPerPage={20}
          />
          <div style={{ maxWidth: 320, marginInlineStart: 'auto' }}>
            <Figures
              testId="preview-totals"
              rows={[
                ['Worklogs', String(preview.worklogCount ?? '')],
                ['Subtotal', formatMoney(preview.subtotal, cur)],
                [`Tax (${preview.taxRatePercent}%)`, formatMoney(preview.tax, cur)],
                ['Total', formatMoney(preview.total, cur), 'strong'],
              ]}
            />
          </div>
        </Stack>
      ) : null}
      {drafted ? (
        <Notice appearance="information" title={`Draft saved for ${drafted.customerName}`}>
          <p data-testid="drafted">
            Total {formatMoney(drafted.total, drafted.currency)}. It has no number yet: finalize it from the list of invoices below.
          </p>
        </Notice>
      ) : null}
      {created ? (
        <Notice appearance="success" title={`Invoice ${created.number} created`}>
          <p data-testid="created">
            Total {formatMoney(created.total, created.currency)}, due {formatDate(created.dueDate)}.{' '}
            {created.issueKey ? (
              <a href={`#${created.issueKey}`} data-testid="created-issue" style={{ textDecoration: 'underline' }} onClick={(e) => { e.preventDefault(); goToIssue(created.issueKey!); }}>
                Open {created.issueKey}
              </a>
            ) : busy === 'issue' ? (
              'Creating the invoice issue in Jira…'
            ) : (
              'The invoice issue will appear in Jira shortly.'
            )}
          </p>
        </Notice>
      ) : null}
    </Stack>
  );
}
